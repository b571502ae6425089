package dev.vittf.arch.cait;

import dev.vittf.arch.vit.ViTConfig;
import dev.vittf.blocks.AttentionConfig.QkvLayout;
import dev.vittf.blocks.AttentionConfig;
import dev.vittf.blocks.FeedForward;
import dev.vittf.blocks.HeadMix;
import dev.vittf.blocks.LayerScale;
import dev.vittf.blocks.PatchEmbedding;
import dev.vittf.blocks.TransformerBlock;
import dev.vittf.core.ConfigCheck;
import dev.vittf.models.ModelConfig;
import dev.vittf.models.Network;
import dev.vittf.models.PatchModelBuilder;
import java.util.ArrayList;
import java.util.List;

/**
 * Configuration of CaiT (Touvron et al., "Going deeper with Image Transformers", ICCV 2021): a patch
 * stage of {@code depth} pre-norm blocks with LayerScale and talking-heads attention over the patch
 * tokens (positional embedding on the patches only), then a class-attention stage of {@code clsDepth}
 * blocks in which only a learned class token is updated (queries from the class token, keys/values
 * from class and patch tokens), then LayerNorm and a linear head on the class token.
 *
 * <p>The vit-pytorch and timm formulations differ in a few places; each difference is a field, so one
 * network serves both ({@link Builder#timmStyle()} switches all of them):
 *
 * <table>
 *   <caption>vit-pytorch versus timm</caption>
 *   <tr><th>field</th><th>vit-pytorch ({@link #builder()} default)</th><th>timm</th></tr>
 *   <tr><td>{@code embedding}</td><td>NORM_LINEAR_NORM</td><td>CONV</td></tr>
 *   <tr><td>{@code patchQkvLayout}</td><td>Q_KV ({@code to_q}, {@code to_kv})</td><td>FUSED ({@code qkv})</td></tr>
 *   <tr><td>{@code classQkvLayout}</td><td>Q_KV</td><td>SEPARATE ({@code q}, {@code k}, {@code v})</td></tr>
 *   <tr><td>{@code qkvBias}</td><td>false</td><td>true</td></tr>
 *   <tr><td>{@code talkingHeadsBias}</td><td>false (bare H x H matrices)</td><td>true ({@code Linear(H, H)})</td></tr>
 *   <tr><td>{@code classTalkingHeads}</td><td>true</td><td>false</td></tr>
 *   <tr><td>{@code normalizeClassContext}</td><td>false (only the class token is normalised)</td><td>true (class and patch tokens)</td></tr>
 *   <tr><td>{@code normEps}</td><td>1e-5</td><td>1e-6</td></tr>
 * </table>
 *
 * <p>LayerScale starts at the paper's epsilon for the patch-stage depth ({@link LayerScale#paperEpsilon})
 * unless overridden; vit-pytorch's per-layer-index choice is deliberately not reproduced. {@code
 * layerDropout} is stochastic depth on every residual branch of both stages: active only in training,
 * per sample, survivors rescaled by {@code 1/(1-p)}, fresh randomness every run (vit-pytorch drops
 * whole layers in eval mode too and never rescales).
 *
 * @param imageHeight input height
 * @param imageWidth input width
 * @param patchHeight patch height (must divide {@code imageHeight})
 * @param patchWidth patch width (must divide {@code imageWidth})
 * @param channels input channels
 * @param numClasses classifier outputs
 * @param dim token width
 * @param depth patch-stage blocks (patch-to-patch attention)
 * @param clsDepth class-attention blocks (at least 1)
 * @param heads attention heads in both stages
 * @param dimHead width of each head
 * @param mlpDim feed-forward inner width in both stages
 * @param embedding patch embedding style
 * @param patchQkvLayout q/k/v projections of the patch stage
 * @param classQkvLayout q/k/v projections of the class stage ({@code Q_KV} or {@code SEPARATE})
 * @param qkvBias biases on the q/k/v projections
 * @param talkingHeadsBias whether the talking-heads mixes have a bias
 * @param classTalkingHeads whether class attention uses talking heads too
 * @param normalizeClassContext whether class attention normalises the patch tokens it reads
 * @param normEps LayerNorm epsilon
 * @param layerScaleInit initial LayerScale value of every residual branch (> 0)
 * @param dropout feed-forward and projection dropout (training only)
 * @param embDropout dropout after the positional embedding (training only)
 * @param attnDropout attention-map dropout (training only; the builder defaults it to {@code dropout})
 * @param layerDropout stochastic depth rate of every residual branch (training only)
 */
public record CaiTConfig(
    int imageHeight,
    int imageWidth,
    int patchHeight,
    int patchWidth,
    int channels,
    int numClasses,
    int dim,
    int depth,
    int clsDepth,
    int heads,
    int dimHead,
    int mlpDim,
    PatchEmbedding.Style embedding,
    QkvLayout patchQkvLayout,
    QkvLayout classQkvLayout,
    boolean qkvBias,
    boolean talkingHeadsBias,
    boolean classTalkingHeads,
    boolean normalizeClassContext,
    double normEps,
    double layerScaleInit,
    double dropout,
    double embDropout,
    double attnDropout,
    double layerDropout)
    implements ModelConfig {

  /** Validates every field; throws {@link dev.vittf.core.InvalidConfigException} listing all violations. */
  public CaiTConfig {
    ConfigCheck c = new ConfigCheck("CaiTConfig");
    ViTConfig.checkImageAndPatches(c, imageHeight, imageWidth, patchHeight, patchWidth, channels);
    c.positive("numClasses", numClasses);
    c.positive("dim", dim);
    c.positive("depth", depth);
    c.require(clsDepth >= 1, "clsDepth", clsDepth, "must be >= 1 (the class token needs at least one class-attention block)");
    c.positive("heads", heads);
    c.positive("dimHead", dimHead);
    c.positive("mlpDim", mlpDim);
    c.productFitsInt("heads*dimHead", heads + "*" + dimHead, heads, dimHead, 3, Math.max(dim, 1));
    c.productFitsInt("mlpDim", mlpDim, mlpDim, Math.max(dim, 1));
    c.notNull("embedding", embedding);
    c.notNull("patchQkvLayout", patchQkvLayout);
    if (c.notNull("classQkvLayout", classQkvLayout)) {
      c.require(classQkvLayout != QkvLayout.FUSED, "classQkvLayout", classQkvLayout,
          "must be Q_KV or SEPARATE (class attention reads keys/values from other tokens than its queries)");
    }
    c.positiveFinite("normEps", normEps);
    c.positiveFinite("layerScaleInit", layerScaleInit);
    c.rate("dropout", dropout);
    c.rate("embDropout", embDropout);
    c.rate("attnDropout", attnDropout);
    c.rate("layerDropout", layerDropout);
    c.throwIfInvalid();
  }

  @Override
  public String architecture() {
    return "cait";
  }

  /** Number of patch tokens. */
  public int numPatches() {
    return (imageHeight / patchHeight) * (imageWidth / patchWidth);
  }

  /** Attention of the patch stage: talking heads before and after the softmax. */
  public AttentionConfig patchAttention() {
    return new AttentionConfig(dim, heads, dimHead, patchQkvLayout, qkvBias, true,
        HeadMix.of("mix_pre", talkingHeadsBias), HeadMix.of("mix_post", talkingHeadsBias),
        attnDropout, dropout, Double.NaN);
  }

  /** Attention of the class stage (talking heads only if {@link #classTalkingHeads()}). */
  public AttentionConfig classAttention() {
    return new AttentionConfig(dim, heads, dimHead, classQkvLayout, qkvBias, true,
        classTalkingHeads ? HeadMix.of("mix_pre", talkingHeadsBias) : null,
        classTalkingHeads ? HeadMix.of("mix_post", talkingHeadsBias) : null,
        attnDropout, dropout, Double.NaN);
  }

  @Override
  public Network network() {
    PatchEmbedding embed =
        new PatchEmbedding(embedding, imageHeight, imageWidth, channels, patchHeight, patchWidth, dim, normEps);
    FeedForward ff = new FeedForward(dim, mlpDim, dropout);
    TransformerBlock patchBlock = new TransformerBlock(patchAttention(), ff, normEps, 1, layerScaleInit, layerDropout);
    TransformerBlock classBlock = new TransformerBlock(classAttention(), ff, normEps, 1, layerScaleInit, layerDropout);
    List<TransformerBlock> blocks = new ArrayList<>();
    for (int i = 0; i < depth; i++) {
      blocks.add(patchBlock);
    }
    List<TransformerBlock> classBlocks = new ArrayList<>();
    for (int i = 0; i < clsDepth; i++) {
      classBlocks.add(classBlock);
    }
    return new CaiT(embed, blocks, classBlocks, normalizeClassContext, normEps, numClasses, embDropout);
  }

  /** A builder initialised with this config's values. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * A builder with vit-pytorch's defaults: 3 channels, dimHead 64, LayerNorm/Linear/LayerNorm
   * embedding, bias-free {@code q}/{@code kv} projections and talking heads in both stages, class
   * attention over un-normalised patch tokens, eps 1e-5, LayerScale from the paper's rule, no dropout.
   */
  public static Builder builder() {
    return new Builder();
  }

  // ---- presets ----

  /**
   * The seed usage: image 256, patch 32, 1000 classes, dim 1024, depth 12, cls_depth 2, 16 heads, mlp
   * 2048, dropout 0.1, emb_dropout 0.1, layer_dropout 0.05 (vit-pytorch formulation).
   */
  public static CaiTConfig seed() {
    return builder().imageSize(256).patchSize(32).numClasses(1000).dim(1024).depth(12).clsDepth(2).heads(16)
        .mlpDim(2048).dropout(0.1).embDropout(0.1).layerDropout(0.05).build();
  }

  /** A tiny CaiT for tests and notebooks: 32x32, patch 8, dim 64, depth 2, cls_depth 1, 4 heads of 16, mlp 128, 10 classes. */
  public static CaiTConfig tiny() {
    return builder().imageSize(32).patchSize(8).numClasses(10).dim(64).depth(2).clsDepth(1).heads(4).dimHead(16)
        .mlpDim(128).build();
  }

  /** CaiT-XXS24 at 224 (paper Table 1; timm {@code cait_xxs24_224}): dim 192, 24 + 2 blocks, 4 heads. */
  public static CaiTConfig xxs24() {
    return timmPreset(192, 4);
  }

  /** CaiT-XS24 at 224 (paper Table 1; timm {@code cait_xs24}): dim 288, 24 + 2 blocks, 6 heads. */
  public static CaiTConfig xs24() {
    return timmPreset(288, 6);
  }

  /** CaiT-S24 at 224 (paper Table 1; timm {@code cait_s24_224}): dim 384, 24 + 2 blocks, 8 heads. */
  public static CaiTConfig s24() {
    return timmPreset(384, 8);
  }

  private static CaiTConfig timmPreset(int dim, int heads) {
    return builder().timmStyle().imageSize(224).patchSize(16).numClasses(1000).dim(dim).depth(24).clsDepth(2)
        .heads(heads).dimHead(dim / heads).mlpDim(4 * dim).build();
  }

  /** Builder; {@link #build()} validates. */
  public static final class Builder extends PatchModelBuilder<Builder> {
    private int clsDepth;
    private PatchEmbedding.Style embedding = PatchEmbedding.Style.NORM_LINEAR_NORM;
    private QkvLayout patchQkvLayout = QkvLayout.Q_KV;
    private QkvLayout classQkvLayout = QkvLayout.Q_KV;
    private boolean qkvBias;
    private boolean talkingHeadsBias;
    private boolean classTalkingHeads = true;
    private boolean normalizeClassContext;
    private Double layerScaleInit;
    private Double attnDropout;
    private double layerDropout;

    @Override
    protected Builder self() {
      return this;
    }

    private Builder() {}

    private Builder(CaiTConfig c) {
      imageHeight = c.imageHeight;
      imageWidth = c.imageWidth;
      patchHeight = c.patchHeight;
      patchWidth = c.patchWidth;
      channels = c.channels;
      numClasses = c.numClasses;
      dim = c.dim;
      depth = c.depth;
      clsDepth = c.clsDepth;
      heads = c.heads;
      dimHead = c.dimHead;
      mlpDim = c.mlpDim;
      embedding = c.embedding;
      patchQkvLayout = c.patchQkvLayout;
      classQkvLayout = c.classQkvLayout;
      qkvBias = c.qkvBias;
      talkingHeadsBias = c.talkingHeadsBias;
      classTalkingHeads = c.classTalkingHeads;
      normalizeClassContext = c.normalizeClassContext;
      normEps = c.normEps;
      layerScaleInit = c.layerScaleInit;
      dropout = c.dropout;
      embDropout = c.embDropout;
      attnDropout = c.attnDropout;
      layerDropout = c.layerDropout;
    }

    /**
     * Switches every formulation field to timm's {@code Cait}: conv embedding, fused {@code qkv} with
     * bias in the patch stage, separate {@code q}/{@code k}/{@code v} with bias in the class stage,
     * talking heads with bias in the patch stage only, class attention over the normalised
     * concatenation, eps 1e-6. Sizes (including {@code dimHead = dim / heads}) stay the caller's.
     */
    public Builder timmStyle() {
      embedding = PatchEmbedding.Style.CONV;
      patchQkvLayout = QkvLayout.FUSED;
      classQkvLayout = QkvLayout.SEPARATE;
      qkvBias = true;
      talkingHeadsBias = true;
      classTalkingHeads = false;
      normalizeClassContext = true;
      normEps = 1e-6;
      return this;
    }

    /** Class-attention blocks (at least 1). */
    public Builder clsDepth(int v) {
      clsDepth = v;
      return this;
    }

    /** Patch embedding style (default LayerNorm, Linear, LayerNorm). */
    public Builder embedding(PatchEmbedding.Style v) {
      embedding = v;
      return this;
    }

    /** Patch-stage q/k/v layout (default Q_KV). */
    public Builder patchQkvLayout(QkvLayout v) {
      patchQkvLayout = v;
      return this;
    }

    /** Class-stage q/k/v layout (default Q_KV; FUSED is invalid). */
    public Builder classQkvLayout(QkvLayout v) {
      classQkvLayout = v;
      return this;
    }

    /** Biases on q/k/v (default false). */
    public Builder qkvBias(boolean v) {
      qkvBias = v;
      return this;
    }

    /** Bias on the talking-heads mixes (default false). */
    public Builder talkingHeadsBias(boolean v) {
      talkingHeadsBias = v;
      return this;
    }

    /** Talking heads in the class stage too (default true). */
    public Builder classTalkingHeads(boolean v) {
      classTalkingHeads = v;
      return this;
    }

    /** Whether class attention normalises the patch tokens it reads (default false). */
    public Builder normalizeClassContext(boolean v) {
      normalizeClassContext = v;
      return this;
    }

    /** LayerScale initial value (default: {@link LayerScale#paperEpsilon} of {@code depth}). */
    public Builder layerScaleInit(double v) {
      layerScaleInit = v;
      return this;
    }

    /** Attention-map dropout rate (default: the {@link #dropout} rate, as in vit-pytorch). */
    public Builder attnDropout(double v) {
      attnDropout = v;
      return this;
    }

    /** Stochastic depth rate of every residual branch (default 0). */
    public Builder layerDropout(double v) {
      layerDropout = v;
      return this;
    }

    /** Validates and builds. */
    public CaiTConfig build() {
      return new CaiTConfig(imageHeight, imageWidth, patchHeight, patchWidth, channels, numClasses, dim, depth,
          clsDepth, heads, dimHead, mlpDim, embedding, patchQkvLayout, classQkvLayout, qkvBias, talkingHeadsBias,
          classTalkingHeads, normalizeClassContext, normEps,
          layerScaleInit == null ? LayerScale.paperEpsilon(depth) : layerScaleInit,
          dropout, embDropout, attnDropout == null ? dropout : attnDropout, layerDropout);
    }
  }
}
