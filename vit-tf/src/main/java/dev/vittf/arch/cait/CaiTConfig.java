package dev.vittf.arch.cait;

import dev.vittf.blocks.AttentionConfig.QkvLayout;
import dev.vittf.blocks.AttentionConfig;
import dev.vittf.blocks.FeedForward;
import dev.vittf.blocks.HeadMix;
import dev.vittf.blocks.LayerScale;
import dev.vittf.blocks.PatchEmbedding;
import dev.vittf.blocks.TransformerBlock;
import dev.vittf.core.ConfigCheck;
import dev.vittf.core.ModelSize;
import dev.vittf.models.FormulationBuilder;
import dev.vittf.models.Network;
import dev.vittf.models.PatchTransformerConfig;
import dev.vittf.models.PatchTransformerFields;
import java.util.Collections;
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
 * @param base the fields every patch transformer shares ({@code depth}: patch-stage blocks; heads, head
 *     width and MLP serve both stages; {@code attnDropout} defaults to {@code dropout} in the builder)
 * @param clsDepth class-attention blocks (at least 1)
 * @param clsMlpDim hidden width of the class-attention blocks' MLPs (timm {@code mlp_ratio_token_only}),
 *     or {@code null} for {@code mlpDim}
 * @param embedding patch embedding style
 * @param patchQkvLayout q/k/v projections of the patch stage
 * @param classQkvLayout q/k/v projections of the class stage ({@code Q_KV} or {@code SEPARATE})
 * @param qkvBias biases on the q/k/v projections
 * @param talkingHeadsBias whether the talking-heads mixes have a bias
 * @param classTalkingHeads whether class attention uses talking heads too
 * @param normalizeClassContext whether class attention normalises the patch tokens it reads
 * @param layerScaleInit initial LayerScale value of every residual branch (> 0)
 * @param layerDropout stochastic depth rate of every residual branch (training only)
 */
public record CaiTConfig(
    PatchTransformerFields base,
    int clsDepth,
    Integer clsMlpDim,
    PatchEmbedding.Style embedding,
    QkvLayout patchQkvLayout,
    QkvLayout classQkvLayout,
    boolean qkvBias,
    boolean talkingHeadsBias,
    boolean classTalkingHeads,
    boolean normalizeClassContext,
    double layerScaleInit,
    double layerDropout)
    implements PatchTransformerConfig {

  /** Validates every field; throws {@link dev.vittf.core.InvalidConfigException} listing all violations. */
  public CaiTConfig {
    ConfigCheck c = new ConfigCheck("CaiTConfig");
    if (c.notNull("base", base)) {
      base.check(c);
    }
    c.require(clsDepth >= 1, "clsDepth", clsDepth, "must be >= 1 (the class token needs at least one class-attention block)");
    c.require(clsMlpDim == null || clsMlpDim >= 1, "clsMlpDim", clsMlpDim, "must be >= 1 (or null: mlpDim)");
    c.notNull("embedding", embedding);
    c.notNull("patchQkvLayout", patchQkvLayout);
    if (c.notNull("classQkvLayout", classQkvLayout)) {
      c.require(classQkvLayout != QkvLayout.FUSED, "classQkvLayout", classQkvLayout,
          "must be Q_KV or SEPARATE (class attention reads keys/values from other tokens than its queries)");
    }
    c.positiveFinite("layerScaleInit", layerScaleInit);
    c.rate("layerDropout", layerDropout);
    if (c.ok()) {
      sizeOf(base, clsDepth).check(c);
    }
    c.throwIfInvalid();
  }

  private static ModelSize sizeOf(PatchTransformerFields base, int clsDepth) {
    ModelSize size = base.size(null, 1, 0, 2);
    base.addBlocks(size, "clsDepth", clsDepth, null, 1, 1, 2);
    return size;
  }

  @Override
  public ModelSize size() {
    return sizeOf(base, clsDepth);
  }

  /** Hidden width of the class-attention MLPs: {@code clsMlpDim}, or {@code mlpDim} if that is null. */
  public int classMlpDim() {
    return clsMlpDim == null ? base.mlpDim() : clsMlpDim;
  }

  /** Attention of the patch stage: talking heads before and after the softmax. */
  public AttentionConfig patchAttention() {
    return base.attention(patchQkvLayout, qkvBias, true,
        HeadMix.of("mix_pre", talkingHeadsBias), HeadMix.of("mix_post", talkingHeadsBias));
  }

  /** Attention of the class stage (talking heads only if {@link #classTalkingHeads()}). */
  public AttentionConfig classAttention() {
    return base.attention(classQkvLayout, qkvBias, true,
        classTalkingHeads ? HeadMix.of("mix_pre", talkingHeadsBias) : null,
        classTalkingHeads ? HeadMix.of("mix_post", talkingHeadsBias) : null);
  }

  @Override
  public Network network() {
    FeedForward ff = base.feedForward();
    // stochastic depth at the same rate on every residual branch of both stages (the paper's layer dropout)
    List<TransformerBlock> blocks = Collections.nCopies(base.depth(),
        new TransformerBlock(patchAttention(), ff, base.normEps(), 1, layerScaleInit, layerDropout));
    FeedForward clsFf = new FeedForward(base.dim(), classMlpDim(), base.dropout());
    List<TransformerBlock> classBlocks = Collections.nCopies(clsDepth,
        new TransformerBlock(classAttention(), clsFf, base.normEps(), 1, layerScaleInit, layerDropout));
    return new CaiT(base.patchEmbedding(embedding), blocks, classBlocks, normalizeClassContext, base.normEps(),
        base.numClasses(), base.embDropout());
  }

  /** A builder initialised with this config's values. */
  public Builder toBuilder() { return new Builder().from(this); }

  /**
   * A builder with vit-pytorch's defaults: 3 channels, dimHead 64, LayerNorm/Linear/LayerNorm
   * embedding, bias-free {@code q}/{@code kv} projections and talking heads in both stages, class
   * attention over un-normalised patch tokens, eps 1e-5, LayerScale from the paper's rule, no dropout.
   */
  public static Builder builder() { return new Builder(); }

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
  public static final class Builder extends FormulationBuilder<CaiTConfig, Builder> {
    private Builder() {
      super(CaiTConfig.class);
      vitPytorchStyle();
    }

    @Override
    protected Builder self() {
      return this;
    }

    /**
     * Switches every formulation field to timm's {@code Cait}: conv embedding, fused {@code qkv} with
     * bias in the patch stage, separate {@code q}/{@code k}/{@code v} with bias in the class stage,
     * talking heads with bias in the patch stage only, class attention over the normalised
     * concatenation, eps 1e-6. Sizes (including {@code dimHead = dim / heads}) stay the caller's.
     */
    public Builder timmStyle() {
      return embedding(PatchEmbedding.Style.CONV).patchQkvLayout(QkvLayout.FUSED).classQkvLayout(QkvLayout.SEPARATE)
          .qkvBias(true).set("talkingHeadsBias", true).classTalkingHeads(false).normalizeClassContext(true).normEps(1e-6);
    }

    /**
     * Switches every formulation field to vit-pytorch's {@code CaiT} (the {@link CaiTConfig#builder()}
     * defaults): LayerNorm/Linear/LayerNorm embedding, bias-free {@code q}/{@code kv} projections and
     * talking heads in both stages, class attention over un-normalised patch tokens, eps 1e-5.
     */
    public Builder vitPytorchStyle() {
      return embedding(PatchEmbedding.Style.NORM_LINEAR_NORM).patchQkvLayout(QkvLayout.Q_KV).classQkvLayout(QkvLayout.Q_KV)
          .qkvBias(false).set("talkingHeadsBias", false).classTalkingHeads(true).normalizeClassContext(false).normEps(1e-5);
    }

    /** Class-attention blocks (at least 1). */
    public Builder clsDepth(int v) { return set("clsDepth", v); }

    /** Hidden width of the class-attention MLPs (default null: {@code mlpDim}). */
    public Builder clsMlpDim(Integer v) { return set("clsMlpDim", v); }

    /** Patch-stage q/k/v layout (default Q_KV). */
    public Builder patchQkvLayout(QkvLayout v) { return set("patchQkvLayout", v); }

    /** Class-stage q/k/v layout (default Q_KV; FUSED is invalid). */
    public Builder classQkvLayout(QkvLayout v) { return set("classQkvLayout", v); }

    /** Talking heads in the class stage too (default true). */
    public Builder classTalkingHeads(boolean v) { return set("classTalkingHeads", v); }

    /** Whether class attention normalises the patch tokens it reads (default false). */
    public Builder normalizeClassContext(boolean v) { return set("normalizeClassContext", v); }

    /** Stochastic depth rate of every residual branch (default 0). */
    public Builder layerDropout(double v) { return set("layerDropout", v); }

    /** LayerScale from the paper's rule for the depth, attention dropout from {@link #dropout}, unless set. */
    @Override
    protected void complete() {
      Object depth = get("depth");
      setIfAbsent("layerScaleInit", LayerScale.paperEpsilon(depth == null ? 0 : (Integer) depth));
      setIfAbsent("attnDropout", get("dropout"));
      setIfAbsent("clsMlpDim", null);
    }
  }
}
