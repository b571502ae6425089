package dev.vittf.models;

import dev.vittf.blocks.PatchEmbedding;

/**
 * The setters of the formulation fields ViT, Parallel ViT and CaiT share (where vit-pytorch and timm
 * differ): patch embedding style, q/k/v biases and LayerScale. Each architecture's builder sets its own
 * defaults.
 *
 * @param <C> the config record
 * @param <B> the concrete builder
 */
public abstract class FormulationBuilder<C extends ModelConfig, B extends FormulationBuilder<C, B>>
    extends PatchModelBuilder<C, B> {

  /** A builder for {@code type} with the shared defaults. */
  protected FormulationBuilder(Class<C> type) {
    super(type);
  }

  /** Patch embedding style. */
  public B embedding(PatchEmbedding.Style v) { return set("embedding", v); }

  /** Biases on q/k/v (default false). */
  public B qkvBias(boolean v) { return set("qkvBias", v); }

  /**
   * LayerScale initial value (per residual branch). ViT and Parallel ViT: default 0, no LayerScale; CaiT:
   * default the paper's epsilon for the depth, and it must be positive.
   */
  public B layerScaleInit(double v) { return set("layerScaleInit", v); }
}
