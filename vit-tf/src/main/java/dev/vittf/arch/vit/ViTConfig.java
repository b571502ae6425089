package dev.vittf.arch.vit;

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
 * Configuration of a Vision Transformer (Dosovitskiy et al., ICLR 2021), covering the vit-pytorch and
 * timm variants. Immutable; validated completely in the constructor (every violation reported with
 * field, value and rule). Build with {@link #builder()} or start from a preset.
 *
 * @param imageHeight input height
 * @param imageWidth input width
 * @param patchHeight patch height (must divide {@code imageHeight})
 * @param patchWidth patch width (must divide {@code imageWidth})
 * @param channels input channels
 * @param numClasses classifier outputs
 * @param dim token width
 * @param depth number of transformer blocks
 * @param heads attention heads
 * @param dimHead width of each head (independent of {@code dim}, as in vit-pytorch)
 * @param mlpDim feed-forward inner width
 * @param pool class-token or mean pooling
 * @param classToken whether a class token is prepended (vit-pytorch's {@code pool='mean'} has none)
 * @param embedding patch embedding style
 * @param qkvBias biases on the q/k/v projection (timm: yes; vit-pytorch: no)
 * @param attentionOutputProjection whether attention has an output projection (vit-pytorch drops it
 *     when {@code heads == 1 && dimHead == dim})
 * @param normEps LayerNorm epsilon (PyTorch 1e-5, timm 1e-6)
 * @param finalNorm where the final LayerNorm sits
 * @param dropout feed-forward and projection dropout (training only)
 * @param embDropout embedding dropout (training only)
 * @param attnDropout attention-map dropout (training only)
 * @param dropPath maximum stochastic-depth rate, linearly increasing over the blocks (training only)
 * @param layerScaleInit LayerScale initial value, 0 for none
 */
public record ViTConfig(
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
    Pool pool,
    boolean classToken,
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
  public ViTConfig {
    ConfigCheck c = new ConfigCheck("ViTConfig");
    checkImageAndPatches(c, imageHeight, imageWidth, patchHeight, patchWidth, channels);
    c.positive("numClasses", numClasses);
    c.positive("dim", dim);
    c.positive("depth", depth);
    c.positive("heads", heads);
    c.positive("dimHead", dimHead);
    c.positive("mlpDim", mlpDim);
    c.productFitsInt("heads*dimHead", heads + "*" + dimHead, heads, dimHead, 3, Math.max(dim, 1));
    c.productFitsInt("mlpDim", mlpDim, mlpDim, Math.max(dim, 1));
    if (c.notNull("pool", pool) && pool == Pool.CLS) {
      c.require(classToken, "classToken", false, "pool=CLS needs a class token");
    }
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

  /** Shared image/patch rules (also used by the other ViT-family configs). */
  public static void checkImageAndPatches(ConfigCheck c, int imageHeight, int imageWidth, int patchHeight, int patchWidth, int channels) {
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
  }

  @Override
  public String architecture() {
    return "vit";
  }

  /** Number of patch tokens. */
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
      blocks.add(new TransformerBlock(attn, ff, normEps, 1, layerScaleInit, dropPathRate(dropPath, i, depth)));
    }
    return new VisionTransformer(embed, classToken, pool, finalNorm, normEps, blocks, numClasses, embDropout);
  }

  /** Linearly increasing stochastic depth, 0 for the first block and {@code max} for the last (timm). */
  public static double dropPathRate(double max, int block, int depth) {
    return depth <= 1 ? max : max * block / (depth - 1);
  }

  /** A builder initialised with this config's values. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** A builder with vit-pytorch's defaults (3 channels, dimHead 64, class token, LN/Linear/LN embedding, eps 1e-5). */
  public static Builder builder() {
    return new Builder();
  }

  // ---- presets ----

  /** The seed usage: image 256, patch 32, 1000 classes, dim 1024, depth 6, 16 heads, mlp 2048, dropout 0.1. */
  public static ViTConfig seed() {
    return builder().imageSize(256).patchSize(32).numClasses(1000).dim(1024).depth(6).heads(16)
        .mlpDim(2048).dropout(0.1).embDropout(0.1).build();
  }

  /** A tiny ViT for tests and notebooks: 32x32, patch 8, dim 64, depth 2, 4 heads of 16, 10 classes. */
  public static ViTConfig tiny() {
    return builder().imageSize(32).patchSize(8).numClasses(10).dim(64).depth(2).heads(4).dimHead(16)
        .mlpDim(128).build();
  }

  /**
   * A small ViT for Fashion-MNIST / MNIST (28x28 grey, 10 classes), the preset of the training
   * acceptance run: patch 4 (49 patch tokens), dim 64, depth 4, 4 heads of 16, MLP 128, mean pooling
   * without a class token, vit-pytorch embedding (LN, Linear, LN) and eps; 138,282 parameters, 15.4
   * MFLOPs per forward pass. Equal to vit-pytorch's {@code ViT(image_size=28, patch_size=4,
   * num_classes=10, dim=64, depth=4, heads=4, dim_head=16, mlp_dim=128, channels=1, pool='mean')}.
   */
  public static ViTConfig fashionMnist() {
    return builder().imageSize(28).patchSize(4).channels(1).numClasses(10).dim(64).depth(4).heads(4).dimHead(16)
        .mlpDim(128).pool(Pool.MEAN).classToken(false).build();
  }

  /**
   * The wider Fashion-MNIST ViT that met the training acceptance target (90.02% test accuracy after 18
   * epochs, 754 s of training on 2 cores; see docs/training.md): {@link #fashionMnist()} with dim 96,
   * 4 heads of 24 and MLP 192; 305,706 parameters. Equal to vit-pytorch's {@code ViT(image_size=28,
   * patch_size=4, num_classes=10, dim=96, depth=4, heads=4, dim_head=24, mlp_dim=192, channels=1,
   * pool='mean')}.
   */
  public static ViTConfig fashionMnist96() {
    return fashionMnist().toBuilder().dim(96).dimHead(24).mlpDim(192).build();
  }

  /** ViT-Ti/16 at 224 (DeiT-Ti, Touvron et al. 2021 Table 1): dim 192, depth 12, 3 heads; 5.7M parameters. */
  public static ViTConfig vitTiny16() {
    return timmStyle(192, 12, 3);
  }

  /** ViT-S/16 at 224 (DeiT-S): dim 384, depth 12, 6 heads; 22.1M parameters. */
  public static ViTConfig vitSmall16() {
    return timmStyle(384, 12, 6);
  }

  /** ViT-B/16 at 224 (Dosovitskiy et al. Table 1): dim 768, depth 12, 12 heads; 86.6M parameters. */
  public static ViTConfig vitBase16() {
    return timmStyle(768, 12, 12);
  }

  /** ViT-L/16 at 224 (Dosovitskiy et al. Table 1): dim 1024, depth 24, 16 heads; 304.3M parameters. */
  public static ViTConfig vitLarge16() {
    return timmStyle(1024, 24, 16);
  }

  private static ViTConfig timmStyle(int dim, int depth, int heads) {
    return builder().imageSize(224).patchSize(16).numClasses(1000).dim(dim).depth(depth).heads(heads)
        .dimHead(dim / heads).mlpDim(4 * dim).embedding(PatchEmbedding.Style.CONV).qkvBias(true)
        .normEps(1e-6).build();
  }

  /** Builder for {@link ViTConfig}; {@link #build()} validates. */
  public static final class Builder extends PatchModelBuilder<Builder> {
    private Pool pool = Pool.CLS;
    private boolean classToken = true;
    private PatchEmbedding.Style embedding = PatchEmbedding.Style.NORM_LINEAR_NORM;
    private boolean qkvBias;
    private boolean attentionOutputProjection = true;
    private NormPlacement finalNorm = NormPlacement.TOKENS;
    private double attnDropout;
    private double dropPath;
    private double layerScaleInit;

    @Override
    protected Builder self() {
      return this;
    }

    private Builder() {}

    private Builder(ViTConfig c) {
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
      pool = c.pool;
      classToken = c.classToken;
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

    /** Pooling; {@code MEAN} keeps the class token unless {@link #classToken(boolean)} says otherwise. */
    public Builder pool(Pool v) {
      pool = v;
      return this;
    }

    /** Whether to prepend a class token (default true). */
    public Builder classToken(boolean v) {
      classToken = v;
      return this;
    }

    /** Patch embedding style (default LayerNorm, Linear, LayerNorm). */
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

    /** Final LayerNorm placement (default on the tokens). */
    public Builder finalNorm(NormPlacement v) {
      finalNorm = v;
      return this;
    }

    /** Attention dropout rate (default 0). */
    public Builder attnDropout(double v) {
      attnDropout = v;
      return this;
    }

    /** Maximum stochastic depth rate (default 0). */
    public Builder dropPath(double v) {
      dropPath = v;
      return this;
    }

    /** LayerScale initial value (default 0 = none). */
    public Builder layerScaleInit(double v) {
      layerScaleInit = v;
      return this;
    }

    /** Validates and builds. */
    public ViTConfig build() {
      return new ViTConfig(imageHeight, imageWidth, patchHeight, patchWidth, channels, numClasses, dim, depth,
          heads, dimHead, mlpDim, pool, classToken, embedding, qkvBias, attentionOutputProjection, normEps,
          finalNorm, dropout, embDropout, attnDropout, dropPath, layerScaleInit);
    }
  }
}
