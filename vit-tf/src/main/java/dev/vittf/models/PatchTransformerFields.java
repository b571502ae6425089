package dev.vittf.models;

import dev.vittf.blocks.AttentionConfig;
import dev.vittf.blocks.FeedForward;
import dev.vittf.blocks.HeadMix;
import dev.vittf.blocks.PatchEmbedding;
import dev.vittf.core.ConfigCheck;
import dev.vittf.core.ModelSize;

/**
 * The fields every patch-token transformer config (ViT, DeepViT, CaiT, Parallel ViT) shares, declared
 * once: a group component of those configs. In config JSON and in the builders its fields appear
 * inline, as fields of the config. The group has no rules of its own: the config that holds it checks
 * it ({@link #check}) together with its other fields, so that every violation is reported in one
 * exception naming the config.
 *
 * @param imageHeight input height
 * @param imageWidth input width
 * @param patchHeight patch height (must divide {@code imageHeight})
 * @param patchWidth patch width (must divide {@code imageWidth})
 * @param channels input channels
 * @param numClasses classifier outputs
 * @param dim token width
 * @param depth number of transformer blocks (CaiT: of the patch stage; Parallel ViT: of layers)
 * @param heads attention heads (per branch)
 * @param dimHead width of each head (independent of {@code dim}, as in vit-pytorch)
 * @param mlpDim feed-forward inner width (per branch)
 * @param normEps LayerNorm epsilon (PyTorch 1e-5, timm 1e-6)
 * @param dropout feed-forward and projection dropout (training only)
 * @param embDropout embedding dropout (training only)
 * @param attnDropout attention-map dropout (training only)
 */
public record PatchTransformerFields(
    int imageHeight,
    int imageWidth,
    int patchHeight,
    int patchWidth,
    int channels,
    int numClasses,
    int dim,
    int depth,
    int heads,
    int dimHead,
    int mlpDim,
    double normEps,
    double dropout,
    double embDropout,
    double attnDropout) {

  /** Adds every violation of these fields to {@code c} (one branch per layer). */
  public void check(ConfigCheck c) {
    check(c, null, 1);
  }

  /**
   * Adds every violation of these fields to {@code c}: positive sizes, patches dividing the image,
   * projection kernels that fit an int (with parallel branches, named by {@code branchesField}, those of
   * all branches; {@code null} for one branch), a positive epsilon and rates in {@code [0, 1)}.
   */
  public void check(ConfigCheck c, String branchesField, int branches) {
    boolean sizes = c.positive("imageHeight", imageHeight)
        & c.positive("imageWidth", imageWidth)
        & c.positive("patchHeight", patchHeight)
        & c.positive("patchWidth", patchWidth);
    c.positive("channels", channels);
    if (sizes) {
      c.require(imageHeight % patchHeight == 0, "imageHeight", imageHeight, "must be divisible by patchHeight=" + patchHeight);
      c.require(imageWidth % patchWidth == 0, "imageWidth", imageWidth, "must be divisible by patchWidth=" + patchWidth);
      c.productFitsInt("patchHeight*patchWidth*channels", patchHeight + "*" + patchWidth + "*" + channels,
          patchHeight, patchWidth, Math.max(channels, 1));
    }
    c.positive("numClasses", numClasses);
    c.positive("dim", dim);
    c.positive("depth", depth);
    c.positive("heads", heads);
    c.positive("dimHead", dimHead);
    c.positive("mlpDim", mlpDim);
    long width = Math.max(dim, 1);
    if (branchesField == null) {
      c.productFitsInt("heads*dimHead", heads + "*" + dimHead, heads, dimHead, 3, width);
      c.productFitsInt("mlpDim", mlpDim, mlpDim, width);
    } else {
      c.positive(branchesField, branches);
      c.productFitsInt(branchesField + "*heads*dimHead", branches + "*" + heads + "*" + dimHead,
          branches, heads, dimHead, 3, width);
      c.productFitsInt(branchesField + "*mlpDim", branches + "*" + mlpDim, branches, mlpDim, width);
    }
    c.positiveFinite("normEps", normEps);
    c.rate("dropout", dropout);
    c.rate("embDropout", embDropout);
    c.rate("attnDropout", attnDropout);
  }

  /** Graph ops of one transformer block, an upper bound over every attention variant (a test keeps it true). */
  public static final int OPS_PER_BLOCK = 120;

  /**
   * The size of a model of these fields (see {@link ModelSize}): {@code depth} blocks of {@code branches}
   * parallel branches (named by {@code branchesField}, or null for one), on the patch tokens plus {@code
   * extraTokens} (a class token), each attention with {@code headMixes} learned {@code [heads, heads]}
   * mixes (talking heads 2, re-attention 1, plain 0). Call only once {@link #check} found no violation.
   */
  public ModelSize size(String branchesField, int branches, int extraTokens, int headMixes) {
    ModelSize s = new ModelSize();
    addBlocks(s, "depth", depth, branchesField, branches, extraTokens, headMixes);
    double patch = (double) patchHeight * patchWidth * channels;
    double tokens = tokens(extraTokens);
    s.parameters("patch embedding kernel", 1, patch * dim + 2 * patch + 3.0 * dim,
        f("patchHeight", patchHeight), f("patchWidth", patchWidth), f("channels", channels), f("dim", dim));
    s.parameters("position embedding", 1, tokens * dim + dim, f("imageHeight", imageHeight), f("imageWidth", imageWidth),
        f("dim", dim));
    s.parameters("classifier head", 1, (double) dim * numClasses + numClasses + 2.0 * dim, f("numClasses", numClasses),
        f("dim", dim));
    s.activation("patch pixels", tokens * patch, f("imageHeight", imageHeight), f("imageWidth", imageWidth),
        f("channels", channels));
    s.activation("logits", numClasses, f("numClasses", numClasses));
    s.ops("embedding and head", 200);
    return s;
  }

  /**
   * Adds {@code count} transformer blocks of these widths to {@code s} (parameters, the activations of
   * one image over the tokens, graph ops), blaming {@code countField} for their number.
   */
  public void addBlocks(ModelSize s, String countField, double count, String branchesField, int branches,
      int extraTokens, int headMixes) {
    double tokens = tokens(extraTokens);
    double inner = (double) heads * dimHead;
    ModelSize.Factor n = f(countField, count);
    ModelSize.Factor b = f(branchesField == null ? "branches" : branchesField, branches);
    ModelSize.Factor h = f("imageHeight", imageHeight);
    ModelSize.Factor w = f("imageWidth", imageWidth);
    double copies = count * branches;
    // One fused q/k/v kernel and an output projection (a third of its size) per block.
    s.parameters("attention kernels", copies * 4 / 3, 3 * inner * dim, n, b, f("heads", heads), f("dimHead", dimHead),
        f("dim", dim));
    s.parameters("feed-forward kernels", copies * 2, (double) dim * mlpDim, n, b, f("mlpDim", mlpDim), f("dim", dim));
    s.parameters("biases and norms", copies, 4 * inner + mlpDim + 8.0 * dim, n, b, f("heads", heads),
        f("mlpDim", mlpDim), f("dim", dim));
    if (headMixes > 0) {
      s.parameters("head mixes", copies * headMixes, (double) heads * heads + heads, n, b, f("heads", heads));
      s.activation("mixed attention map", heads * tokens * tokens, h, w, f("heads", heads));
    }
    s.activation("tokens", tokens * dim * branches, h, w, f("dim", dim), b);
    s.activation("queries, keys and values", tokens * 3 * inner, h, w, f("heads", heads), f("dimHead", dimHead));
    s.activation("attention map", heads * tokens * tokens, h, w, f("heads", heads));
    s.activation("feed-forward hidden layer", tokens * mlpDim, h, w, f("mlpDim", mlpDim));
    s.ops("transformer blocks", copies * OPS_PER_BLOCK, n, b);
  }

  private double tokens(int extraTokens) {
    // In double: imageHeight/patchHeight * imageWidth/patchWidth overflows an int for 65536x65536 patch 1.
    return (double) (imageHeight / patchHeight) * (imageWidth / patchWidth) + extraTokens;
  }

  private static ModelSize.Factor f(String field, double value) {
    return ModelSize.f(field, value);
  }

  /** Number of patch tokens. */
  public int numPatches() {
    return (imageHeight / patchHeight) * (imageWidth / patchWidth);
  }

  /** The patch embedding of these sizes in the given style. */
  public PatchEmbedding patchEmbedding(PatchEmbedding.Style style) {
    return new PatchEmbedding(style, imageHeight, imageWidth, channels, patchHeight, patchWidth, dim, normEps);
  }

  /** The feed-forward of every block. */
  public FeedForward feedForward() {
    return new FeedForward(dim, mlpDim, dropout);
  }

  /** An attention of these sizes and dropouts; the head mixes may be {@code null}. */
  public AttentionConfig attention(AttentionConfig.QkvLayout layout, boolean qkvBias, boolean outputProjection,
      HeadMix preSoftmax, HeadMix postSoftmax) {
    return new AttentionConfig(dim, heads, dimHead, layout, qkvBias, outputProjection, preSoftmax, postSoftmax,
        attnDropout, dropout, Double.NaN);
  }
}
