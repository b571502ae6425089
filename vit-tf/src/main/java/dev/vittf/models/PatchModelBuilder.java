package dev.vittf.models;

/**
 * Settings shared by the builders of the patch-token transformers (ViT, DeepViT, CaiT, Parallel
 * ViT): patch size, width, depth, heads, head width (default 64, vit-pytorch's), feed-forward width,
 * embedding and attention dropout.
 *
 * @param <C> the config record
 * @param <B> the concrete builder
 */
public abstract class PatchModelBuilder<C extends ModelConfig, B extends PatchModelBuilder<C, B>>
    extends ImageModelBuilder<C, B> {

  /** A builder for {@code type} with the shared defaults (and {@code dimHead} 64). */
  protected PatchModelBuilder(Class<C> type) {
    super(type);
    set("dimHead", 64);
  }

  /** Square patches. */
  public B patchSize(int size) { return patchSize(size, size); }

  /** Patches of {@code height x width}. */
  public B patchSize(int height, int width) { return set("patchHeight", height).set("patchWidth", width); }

  /** Token width. */
  public B dim(int v) { return set("dim", v); }

  /** Number of blocks. */
  public B depth(int v) { return set("depth", v); }

  /** Attention heads. */
  public B heads(int v) { return set("heads", v); }

  /** Width of each head (default 64). */
  public B dimHead(int v) { return set("dimHead", v); }

  /** Feed-forward width. */
  public B mlpDim(int v) { return set("mlpDim", v); }

  /** Embedding dropout rate (default 0; training only). */
  public B embDropout(double v) { return set("embDropout", v); }

  /** Attention-map dropout rate (training only; the default depends on the architecture). */
  public B attnDropout(double v) { return set("attnDropout", v); }
}
