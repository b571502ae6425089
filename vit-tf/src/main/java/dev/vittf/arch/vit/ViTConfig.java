package dev.vittf.arch.vit;

import dev.vittf.blocks.PatchEmbedding;
import dev.vittf.core.ConfigCheck;
import dev.vittf.core.ModelSize;
import dev.vittf.models.Network;
import dev.vittf.models.NormPlacement;
import dev.vittf.models.PatchTransformerFields;
import dev.vittf.models.Pool;

/**
 * Configuration of a Vision Transformer (Dosovitskiy et al., ICLR 2021), covering the vit-pytorch and
 * timm variants. Immutable; validated completely in the constructor (every violation reported with
 * field, value and rule). Build with {@link #builder()} or start from a preset.
 *
 * @param base the fields every patch transformer shares (sizes, heads, MLP, epsilon, dropouts)
 * @param options the formulation options ViT shares with Parallel ViT (pooling, embedding, qkv bias,
 *     output projection, final norm, drop path, LayerScale)
 * @param classToken whether a class token is prepended (vit-pytorch's {@code pool='mean'} has none)
 */
public record ViTConfig(PatchTransformerFields base, ViTOptions options, boolean classToken) implements ViTFamilyConfig {

  /** Validates every field; throws {@link dev.vittf.core.InvalidConfigException} listing all violations. */
  public ViTConfig {
    ConfigCheck c = new ConfigCheck("ViTConfig");
    if (c.notNull("base", base) & c.notNull("options", options)) {
      base.check(c);
      if (options.pool() == Pool.CLS) {
        c.require(classToken, "classToken", false, "pool=CLS needs a class token");
      }
      options.check(c, base);
      if (c.ok()) {
        sizeOf(base, classToken).check(c);
      }
    }
    c.throwIfInvalid();
  }

  private static ModelSize sizeOf(PatchTransformerFields base, boolean classToken) {
    return base.size(null, 1, classToken ? 1 : 0, 0);
  }

  @Override
  public ModelSize size() {
    return sizeOf(base, classToken);
  }

  @Override
  public Network network() {
    return options.network(base, classToken, 1);
  }

  /** A builder initialised with this config's values. */
  public Builder toBuilder() { return new Builder().from(this); }

  /** A builder with vit-pytorch's defaults (3 channels, dimHead 64, class token, LN/Linear/LN embedding, eps 1e-5). */
  public static Builder builder() { return new Builder(); }

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
  public static final class Builder extends ViTFamilyBuilder<ViTConfig, Builder> {
    private Builder() {
      super(ViTConfig.class);
      pool(Pool.CLS).classToken(true).embedding(PatchEmbedding.Style.NORM_LINEAR_NORM).finalNorm(NormPlacement.TOKENS);
    }

    @Override
    protected Builder self() {
      return this;
    }

    /** Whether to prepend a class token (default true); {@code MEAN} pooling may go without. */
    public Builder classToken(boolean v) { return set("classToken", v); }
  }
}
