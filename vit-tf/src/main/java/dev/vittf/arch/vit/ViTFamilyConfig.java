package dev.vittf.arch.vit;

import dev.vittf.blocks.PatchEmbedding;
import dev.vittf.models.NormPlacement;
import dev.vittf.models.PatchTransformerConfig;
import dev.vittf.models.Pool;

/** A config of the ViT family (ViT, Parallel ViT): its formulation options are the group {@link #options()}. */
public interface ViTFamilyConfig extends PatchTransformerConfig {

  /** The formulation options. */
  ViTOptions options();

  /** Pooling. */
  default Pool pool() { return options().pool(); }

  /** Patch embedding style. */
  default PatchEmbedding.Style embedding() { return options().embedding(); }

  /** Biases on the q/k/v projection. */
  default boolean qkvBias() { return options().qkvBias(); }

  /** Whether attention has an output projection. */
  default boolean attentionOutputProjection() { return options().attentionOutputProjection(); }

  /** Where the final LayerNorm sits. */
  default NormPlacement finalNorm() { return options().finalNorm(); }

  /** Maximum stochastic-depth rate (training only). */
  default double dropPath() { return options().dropPath(); }

  /** LayerScale initial value, 0 for none. */
  default double layerScaleInit() { return options().layerScaleInit(); }

  /** Register tokens, 0 for none. */
  default int registerTokens() { return options().registerTokens(); }

  /** Whether the positional embedding covers the patch tokens only. */
  default boolean noEmbedClass() { return options().noEmbedClass(); }

  /** Whether a LayerNorm runs before the blocks. */
  default boolean preNorm() { return options().preNorm(); }

  /** Whether a DeiT distillation token (and its head) follows the class token. */
  default boolean distillationToken() { return options().distillationToken(); }

  /** Whether the head's output goes through tanh (a pooler, not a classifier). */
  default boolean tanhHead() { return options().tanhHead(); }
}
