package dev.vittf.arch.parallelvit;

import dev.vittf.arch.vit.ViTFamilyBuilder;
import dev.vittf.arch.vit.ViTFamilyConfig;
import dev.vittf.arch.vit.ViTOptions;
import dev.vittf.blocks.PatchEmbedding;
import dev.vittf.core.ConfigCheck;
import dev.vittf.core.ModelSize;
import dev.vittf.models.Network;
import dev.vittf.models.NormPlacement;
import dev.vittf.models.PatchTransformerFields;
import dev.vittf.models.Pool;

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
 * @param base the fields every patch transformer shares ({@code depth}: layers; {@code heads} and {@code
 *     mlpDim}: per branch)
 * @param options the formulation options shared with ViT ({@code dropPath} and {@code layerScaleInit}
 *     per branch)
 * @param numParallelBranches attention (and feed-forward) branches per layer
 */
public record ParallelViTConfig(PatchTransformerFields base, ViTOptions options, int numParallelBranches)
    implements ViTFamilyConfig {

  /** Validates every field; throws {@link dev.vittf.core.InvalidConfigException} listing all violations. */
  public ParallelViTConfig {
    ConfigCheck c = new ConfigCheck("ParallelViTConfig");
    if (c.notNull("base", base) & c.notNull("options", options)) {
      base.check(c, "numParallelBranches", numParallelBranches);
      options.check(c, base);
      if (c.ok()) {
        sizeOf(base, numParallelBranches).check(c);
      }
    }
    c.throwIfInvalid();
  }

  private static ModelSize sizeOf(PatchTransformerFields base, int branches) {
    return base.size("numParallelBranches", branches, 1, 0);
  }

  @Override
  public ModelSize size() {
    return sizeOf(base, numParallelBranches);
  }

  @Override
  public Network network() {
    return options.network(base, true, numParallelBranches);
  }

  /** A builder initialised with this config's values. */
  public Builder toBuilder() { return new Builder().from(this); }

  /**
   * A builder with vit-pytorch's defaults: 3 channels, dimHead 64, 2 branches, class-token pooling,
   * Linear embedding, no qkv bias, head LayerNorm, eps 1e-5.
   */
  public static Builder builder() { return new Builder(); }

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
   * heads of 64, mlp 1536, LayerScale 1e-5; 64,665,448 parameters (64.7M).
   */
  public static ParallelViTConfig small16x18x2() {
    return timmBuilder().imageSize(224).patchSize(16).numClasses(1000).dim(384).depth(18).heads(6).dimHead(64)
        .mlpDim(1536).numParallelBranches(2).build();
  }

  /** Builder for {@link ParallelViTConfig}; {@link #build()} validates. */
  public static final class Builder extends ViTFamilyBuilder<ParallelViTConfig, Builder> {
    private Builder() {
      super(ParallelViTConfig.class);
      numParallelBranches(2).pool(Pool.CLS).embedding(PatchEmbedding.Style.LINEAR).finalNorm(NormPlacement.POOLED);
    }

    @Override
    protected Builder self() {
      return this;
    }

    /** Parallel branches per layer (default 2). */
    public Builder numParallelBranches(int v) { return set("numParallelBranches", v); }
  }
}
