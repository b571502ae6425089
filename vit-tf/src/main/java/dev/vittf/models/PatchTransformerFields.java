package dev.vittf.models;

import dev.vittf.blocks.AttentionConfig;
import dev.vittf.blocks.FeedForward;
import dev.vittf.blocks.HeadMix;
import dev.vittf.blocks.PatchEmbedding;
import dev.vittf.core.ConfigCheck;

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
