package dev.vittf.arch.deepvit;

import dev.vittf.arch.vit.VisionTransformer;
import dev.vittf.blocks.AttentionConfig;
import dev.vittf.blocks.HeadMix;
import dev.vittf.blocks.PatchEmbedding;
import dev.vittf.blocks.TransformerBlock;
import dev.vittf.core.ConfigCheck;
import dev.vittf.core.ModelSize;
import dev.vittf.models.Network;
import dev.vittf.models.NormPlacement;
import dev.vittf.models.PatchModelBuilder;
import dev.vittf.models.PatchTransformerConfig;
import dev.vittf.models.PatchTransformerFields;
import dev.vittf.models.Pool;
import java.util.List;

/**
 * Configuration of DeepViT (Zhou et al., "DeepViT: Towards Deeper Vision Transformer", 2021): a ViT
 * whose attention uses <em>re-attention</em>, i.e. the softmax probabilities are mixed across heads
 * by a learned {@code H x H} matrix and then layer-normalised over the head axis before they weight
 * the values. Everything else is vit-pytorch's ViT: LayerNorm/Linear/LayerNorm patch embedding, class
 * token, learned positional embedding over all tokens, pre-norm blocks, no final transformer norm and
 * a LayerNorm + Linear head. {@code pool = MEAN} averages over all tokens <em>including</em> the class
 * token (vit-pytorch DeepViT semantics).
 *
 * <p>Immutable; validated completely in the constructor. Build with {@link #builder()} or start from a
 * preset ({@link #seed()}, {@link #tiny()}, {@link #deepvitS()}, {@link #deepvitL()}).
 *
 * @param base the fields every patch transformer shares; its {@code normEps} is also the epsilon of the
 *     head-axis re-attention norm, and its {@code attnDropout} (dropout on the re-attention map) defaults
 *     to {@code dropout} in the builder, as in vit-pytorch
 * @param pool class-token or mean pooling
 */
public record DeepViTConfig(PatchTransformerFields base, Pool pool) implements PatchTransformerConfig {

  /** Validates every field; throws {@link dev.vittf.core.InvalidConfigException} listing all violations. */
  public DeepViTConfig {
    ConfigCheck c = new ConfigCheck("DeepViTConfig");
    if (c.notNull("base", base)) {
      base.check(c);
      if (c.ok()) {
        base.size(null, 1, 1, 1).check(c); // same as size()
      }
    }
    c.notNull("pool", pool);
    c.throwIfInvalid();
  }

  @Override
  public ModelSize size() {
    return base.size(null, 1, 1, 1);
  }

  /** The attention of every block: ViT's fused, bias-free qkv with the re-attention hook after the softmax. */
  public AttentionConfig attention() {
    return base.attention(AttentionConfig.QkvLayout.FUSED, false, true, null, HeadMix.reattention(base.normEps()));
  }

  @Override
  public Network network() {
    List<TransformerBlock> blocks =
        TransformerBlock.stack(attention(), base.feedForward(), base.normEps(), base.depth(), 1, 0, 0);
    return new VisionTransformer(base.patchEmbedding(PatchEmbedding.Style.NORM_LINEAR_NORM), true, pool,
        NormPlacement.POOLED, base.normEps(), blocks, base.numClasses(), base.embDropout());
  }

  /** A builder initialised with this config's values. */
  public Builder toBuilder() { return new Builder().from(this); }

  /** A builder with vit-pytorch's defaults (3 channels, dimHead 64, class pooling, eps 1e-5, no dropout). */
  public static Builder builder() { return new Builder(); }

  // ---- presets ----

  /** The seed usage: image 256, patch 32, 1000 classes, dim 1024, depth 6, 16 heads, mlp 2048, dropout 0.1, emb 0.1. */
  public static DeepViTConfig seed() {
    return builder().imageSize(256).patchSize(32).numClasses(1000).dim(1024).depth(6).heads(16).mlpDim(2048)
        .dropout(0.1).embDropout(0.1).build();
  }

  /** A tiny DeepViT for tests and notebooks: 32x32, patch 8, dim 64, depth 2, 4 heads of 16, mlp 128, 10 classes. */
  public static DeepViTConfig tiny() {
    return builder().imageSize(32).patchSize(8).numClasses(10).dim(64).depth(2).heads(4).dimHead(16).mlpDim(128)
        .build();
  }

  /**
   * DeepViT-S at 224: patch 16, dim 396, depth 16, 12 heads of 33, mlp 1188 (ratio 3), 1000 classes:
   * the widths of {@code deepvit_S} in the authors' repository (zhoudaquan/dvit_repo). Unlike that model
   * (re-attention with BatchNorm in the last 5 blocks, a 3-convolution patch stem, qkv biases) this
   * preset is the vit-pytorch formulation: re-attention with the head-axis LayerNorm in every block and
   * the LayerNorm/Linear/LayerNorm embedding.
   */
  public static DeepViTConfig deepvitS() {
    return builder().imageSize(224).patchSize(16).numClasses(1000).dim(396).depth(16).heads(12).dimHead(33)
        .mlpDim(1188).build();
  }

  /**
   * DeepViT-L at 224: patch 16, dim 420, depth 32, 12 heads of 35, mlp 1260 (ratio 3), 1000 classes
   * ({@code deepvit_L} in the authors' repository; same caveats as {@link #deepvitS()}).
   */
  public static DeepViTConfig deepvitL() {
    return builder().imageSize(224).patchSize(16).numClasses(1000).dim(420).depth(32).heads(12).dimHead(35)
        .mlpDim(1260).build();
  }

  /** Builder; {@link #build()} validates. */
  public static final class Builder extends PatchModelBuilder<DeepViTConfig, Builder> {
    private Builder() {
      super(DeepViTConfig.class);
      pool(Pool.CLS);
    }

    @Override
    protected Builder self() {
      return this;
    }

    /** Pooling (default CLS); MEAN averages all tokens, class token included. */
    public Builder pool(Pool v) { return set("pool", v); }

    /** Attention-map dropout defaults to the {@link #dropout} rate, as in vit-pytorch. */
    @Override
    protected void complete() {
      setIfAbsent("attnDropout", get("dropout"));
    }
  }
}
