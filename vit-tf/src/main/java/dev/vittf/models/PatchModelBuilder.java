package dev.vittf.models;

/**
 * Settings shared by the builders of the patch-token transformers (ViT, DeepViT, CaiT, Parallel
 * ViT): patch size, width, depth, heads, head width, feed-forward width and embedding dropout.
 *
 * @param <B> the concrete builder
 */
public abstract class PatchModelBuilder<B extends PatchModelBuilder<B>> extends ImageModelBuilder<B> {
  /** Patch height. */
  protected int patchHeight;
  /** Patch width. */
  protected int patchWidth;
  /** Token width. */
  protected int dim;
  /** Number of blocks. */
  protected int depth;
  /** Attention heads. */
  protected int heads;
  /** Width of each head (default 64, vit-pytorch's). */
  protected int dimHead = 64;
  /** Feed-forward width. */
  protected int mlpDim;
  /** Embedding dropout rate (default 0; training only). */
  protected double embDropout;

  /** For subclasses. */
  protected PatchModelBuilder() {}

  /** Square patches. */
  public B patchSize(int size) {
    return patchSize(size, size);
  }

  /** Patches of {@code height x width}. */
  public B patchSize(int height, int width) {
    patchHeight = height;
    patchWidth = width;
    return self();
  }

  /** Token width. */
  public B dim(int v) {
    dim = v;
    return self();
  }

  /** Number of blocks. */
  public B depth(int v) {
    depth = v;
    return self();
  }

  /** Attention heads. */
  public B heads(int v) {
    heads = v;
    return self();
  }

  /** Width of each head (default 64). */
  public B dimHead(int v) {
    dimHead = v;
    return self();
  }

  /** Feed-forward width. */
  public B mlpDim(int v) {
    mlpDim = v;
    return self();
  }

  /** Embedding dropout rate (default 0). */
  public B embDropout(double v) {
    embDropout = v;
    return self();
  }
}
