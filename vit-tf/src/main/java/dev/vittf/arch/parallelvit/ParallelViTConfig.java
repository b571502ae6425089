package dev.vittf.arch.parallelvit;

import dev.vittf.arch.vit.ViTConfig;
import dev.vittf.arch.vit.VisionTransformer;
import dev.vittf.blocks.AttentionConfig;
import dev.vittf.blocks.FeedForward;
import dev.vittf.blocks.PatchEmbedding;
import dev.vittf.blocks.TransformerBlock;
import dev.vittf.core.ConfigCheck;
import dev.vittf.models.ModelConfig;
import dev.vittf.models.Network;
import dev.vittf.models.NormPlacement;
import dev.vittf.models.PatchModelBuilder;
import dev.vittf.models.Pool;
import java.util.ArrayList;
import java.util.List;

/**
 * Configuration of a Parallel ViT (Touvron et al., "Three things everyone should know about Vision
 * Transformers", ECCV 2022): every layer has {@code numParallelBranches} attention branches and as
 * many feed-forward branches, each with its own pre-LayerNorm, summed into the residual:
 *
 * <pre>
 *   x = x + sum_b Attn_b(LN_b(x));   x = x + sum_b FF_b(LN'_b(x))
 * </pre>
 *
 * Two forms: vit-pytorch's ({@link #builder()}: plain Linear patch embedding, no qkv bias, no final
 * token norm, head {@code LayerNorm -> Linear}) and timm's {@code vit_*_18x2} ({@link
 * #timmBuilder()}: conv embedding, qkv bias, final norm on the tokens, LayerScale and optional drop
 * path per branch, eps 1e-6). There is always a class token; {@code pool=MEAN} averages over all tokens
 * including it (vit-pytorch semantics). Immutable; validated completely in the constructor.
 *
 * @param imageHeight input height
 * @param imageWidth input width
 * @param patchHeight patch height (must divide {@code imageHeight})
 * @param patchWidth patch width (must divide {@code imageWidth})
 * @param channels input channels
 * @param numClasses classifier outputs
 * @param dim token width
 * @param depth number of layers
 * @param heads attention heads per branch
 * @param dimHead width of each head
 * @param mlpDim feed-forward inner width per branch
 * @param numParallelBranches attention (and feed-forward) branches per layer
 * @param pool class-token or mean pooling
 * @param embedding patch embedding style ({@code LINEAR} vit-pytorch, {@code CONV} timm)
 * @param qkvBias biases on the q/k/v projection (timm: yes; vit-pytorch: no)
 * @param attentionOutputProjection whether attention has an output projection (vit-pytorch drops it
 *     when {@code heads == 1 && dimHead == dim})
 * @param normEps LayerNorm epsilon (vit-pytorch 1e-5, timm 1e-6)
 * @param finalNorm {@code POOLED} (vit-pytorch: head LayerNorm) or {@code TOKENS} (timm)
 * @param dropout feed-forward and projection dropout (training only)
 * @param embDropout embedding dropout (training only)
 * @param attnDropout attention-map dropout (training only)
 * @param dropPath maximum stochastic-depth rate per branch, linear over the layers (training only)
 * @param layerScaleInit LayerScale initial value per branch, 0 for none
 */
public record ParallelViTConfig(
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
    int numParallelBranches,
    Pool pool,
    PatchEmbedding.Style embedding,
    boolean qkvBias,
    boolean attentionOutputProjection,
    double normEps,
    NormPlacement finalNorm,
    double dropout,
    double embDropout,
    double attnDropout,
    double dropPath,
    double layerScaleInit)
    implements ModelConfig {

  /** Validates every field; throws {@link dev.vittf.core.InvalidConfigException} listing all violations. */
  public ParallelViTConfig {
    ConfigCheck c = new ConfigCheck("ParallelViTConfig");
    ViTConfig.checkImageAndPatches(c, imageHeight, imageWidth, patchHeight, patchWidth, channels);
    c.positive("numClasses", numClasses);
    c.positive("dim", dim);
    c.positive("depth", depth);
    c.positive("heads", heads);
    c.positive("dimHead", dimHead);
    c.positive("mlpDim", mlpDim);
    c.positive("numParallelBranches", numParallelBranches);
    c.productFitsInt("numParallelBranches*heads*dimHead", numParallelBranches + "*" + heads + "*" + dimHead,
        numParallelBranches, heads, dimHead, 3, Math.max(dim, 1));
    c.productFitsInt("numParallelBranches*mlpDim", numParallelBranches + "*" + mlpDim,
        numParallelBranches, mlpDim, Math.max(dim, 1));
    c.notNull("pool", pool);
    c.notNull("embedding", embedding);
    c.notNull("finalNorm", finalNorm);
    if (!attentionOutputProjection) {
      c.require((long) heads * dimHead == dim, "attentionOutputProjection", false,
          "may only be false when heads*dimHead == dim (" + heads + "*" + dimHead + " != " + dim + ")");
    }
    c.positiveFinite("normEps", normEps);
    c.rate("dropout", dropout);
    c.rate("embDropout", embDropout);
    c.rate("attnDropout", attnDropout);
    c.rate("dropPath", dropPath);
    c.require(Double.isFinite(layerScaleInit) && layerScaleInit >= 0, "layerScaleInit", layerScaleInit,
        "must be finite and >= 0 (0 disables LayerScale)");
    c.throwIfInvalid();
  }

  @Override
  public String architecture() {
    return "parallel_vit";
  }

  /** Number of patch tokens (the class token comes on top). */
  public int numPatches() {
    return (imageHeight / patchHeight) * (imageWidth / patchWidth);
  }

  @Override
  public Network network() {
    PatchEmbedding embed =
        new PatchEmbedding(embedding, imageHeight, imageWidth, channels, patchHeight, patchWidth, dim, normEps);
    AttentionConfig attn =
        new AttentionConfig(dim, heads, dimHead, AttentionConfig.QkvLayout.FUSED, qkvBias,
            attentionOutputProjection, null, null, attnDropout, dropout, Double.NaN);
    FeedForward ff = new FeedForward(dim, mlpDim, dropout);
    List<TransformerBlock> blocks = new ArrayList<>();
    for (int i = 0; i < depth; i++) {
      blocks.add(new TransformerBlock(attn, ff, normEps, numParallelBranches, layerScaleInit,
          ViTConfig.dropPathRate(dropPath, i, depth)));
    }
    return new VisionTransformer(embed, true, pool, finalNorm, normEps, blocks, numClasses, embDropout);
  }

  /** A builder initialised with this config's values. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * A builder with vit-pytorch's defaults: 3 channels, dimHead 64, 2 branches, class-token pooling,
   * Linear embedding, no qkv bias, head LayerNorm, eps 1e-5.
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder with timm's {@code vit_small_patch16_18x2_224} form ({@code ParallelThingsBlock}): conv
   * embedding, qkv bias, final norm on the tokens, LayerScale 1e-5 per branch, eps 1e-6, 2 branches.
   */
  public static Builder timmBuilder() {
    return new Builder().embedding(PatchEmbedding.Style.CONV).qkvBias(true).finalNorm(NormPlacement.TOKENS)
        .normEps(1e-6).layerScaleInit(1e-5);
  }

  // ---- presets ----

  /**
   * The seed usage: image 256, patch 16, 1000 classes, dim 1024, depth 6, 8 heads (of 64), mlp 2048,
   * 2 parallel branches, dropout 0.1, embedding dropout 0.1.
   */
  public static ParallelViTConfig seed() {
    return builder().imageSize(256).patchSize(16).numClasses(1000).dim(1024).depth(6).heads(8).mlpDim(2048)
        .numParallelBranches(2).dropout(0.1).embDropout(0.1).build();
  }

  /** A tiny Parallel ViT for tests and notebooks: 32x32, patch 8, dim 48, depth 2, 2 heads of 32, 2 branches, 10 classes. */
  public static ParallelViTConfig tiny() {
    return builder().imageSize(32).patchSize(8).numClasses(10).dim(48).depth(2).heads(2).dimHead(32).mlpDim(96)
        .numParallelBranches(2).build();
  }

  /**
   * timm {@code vit_small_patch16_18x2_224} (Touvron et al. 2022, the ViT-S 18x2 of Table 1 / Fig. 5:
   * 18 layers of 2 parallel branches, same parameters as a 36-layer ViT-S): 224, patch 16, dim 384, 6
   * heads of 64, mlp 1536, LayerScale 1e-5; 64.1M parameters.
   */
  public static ParallelViTConfig small16x18x2() {
    return timmBuilder().imageSize(224).patchSize(16).numClasses(1000).dim(384).depth(18).heads(6).dimHead(64)
        .mlpDim(1536).numParallelBranches(2).build();
  }

  /** Builder for {@link ParallelViTConfig}; {@link #build()} validates. */
  public static final class Builder extends PatchModelBuilder<Builder> {
    private int numParallelBranches = 2;
    private Pool pool = Pool.CLS;
    private PatchEmbedding.Style embedding = PatchEmbedding.Style.LINEAR;
    private boolean qkvBias;
    private boolean attentionOutputProjection = true;
    private NormPlacement finalNorm = NormPlacement.POOLED;
    private double attnDropout;
    private double dropPath;
    private double layerScaleInit;

    @Override
    protected Builder self() {
      return this;
    }

    private Builder() {}

    private Builder(ParallelViTConfig c) {
      imageHeight = c.imageHeight;
      imageWidth = c.imageWidth;
      patchHeight = c.patchHeight;
      patchWidth = c.patchWidth;
      channels = c.channels;
      numClasses = c.numClasses;
      dim = c.dim;
      depth = c.depth;
      heads = c.heads;
      dimHead = c.dimHead;
      mlpDim = c.mlpDim;
      numParallelBranches = c.numParallelBranches;
      pool = c.pool;
      embedding = c.embedding;
      qkvBias = c.qkvBias;
      attentionOutputProjection = c.attentionOutputProjection;
      normEps = c.normEps;
      finalNorm = c.finalNorm;
      dropout = c.dropout;
      embDropout = c.embDropout;
      attnDropout = c.attnDropout;
      dropPath = c.dropPath;
      layerScaleInit = c.layerScaleInit;
    }

    /** Parallel branches per layer (default 2). */
    public Builder numParallelBranches(int v) {
      numParallelBranches = v;
      return this;
    }

    /** Pooling (default class token). */
    public Builder pool(Pool v) {
      pool = v;
      return this;
    }

    /** Patch embedding style (default Linear). */
    public Builder embedding(PatchEmbedding.Style v) {
      embedding = v;
      return this;
    }

    /** Biases on q/k/v (default false). */
    public Builder qkvBias(boolean v) {
      qkvBias = v;
      return this;
    }

    /** Attention output projection (default true). */
    public Builder attentionOutputProjection(boolean v) {
      attentionOutputProjection = v;
      return this;
    }

    /** Final LayerNorm placement (default on the pooled vector). */
    public Builder finalNorm(NormPlacement v) {
      finalNorm = v;
      return this;
    }

    /** Attention dropout rate (default 0). */
    public Builder attnDropout(double v) {
      attnDropout = v;
      return this;
    }

    /** Maximum stochastic depth rate per branch (default 0). */
    public Builder dropPath(double v) {
      dropPath = v;
      return this;
    }

    /** LayerScale initial value per branch (default 0 = none). */
    public Builder layerScaleInit(double v) {
      layerScaleInit = v;
      return this;
    }

    /** Validates and builds. */
    public ParallelViTConfig build() {
      return new ParallelViTConfig(imageHeight, imageWidth, patchHeight, patchWidth, channels, numClasses, dim,
          depth, heads, dimHead, mlpDim, numParallelBranches, pool, embedding, qkvBias, attentionOutputProjection,
          normEps, finalNorm, dropout, embDropout, attnDropout, dropPath, layerScaleInit);
    }
  }
}
