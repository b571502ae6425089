package dev.vittf.models;

/**
 * A patch-token transformer config (ViT, DeepViT, CaiT, Parallel ViT): its shared fields are the
 * group {@link #base()}, and these accessors read them, so that every such config answers {@code
 * dim()}, {@code heads()}, ... the same way.
 */
public interface PatchTransformerConfig extends ModelConfig {

  /** The shared fields. */
  PatchTransformerFields base();

  /** Input image height. */
  @Override
  default int imageHeight() { return base().imageHeight(); }

  /** Input image width. */
  @Override
  default int imageWidth() { return base().imageWidth(); }

  /** Patch height. */
  default int patchHeight() { return base().patchHeight(); }

  /** Patch width. */
  default int patchWidth() { return base().patchWidth(); }

  /** Input image channels. */
  @Override
  default int channels() { return base().channels(); }

  /** Number of output classes. */
  @Override
  default int numClasses() { return base().numClasses(); }

  /** Token width. */
  default int dim() { return base().dim(); }

  /** Number of transformer blocks. */
  default int depth() { return base().depth(); }

  /** Attention heads. */
  default int heads() { return base().heads(); }

  /** Width of each head. */
  default int dimHead() { return base().dimHead(); }

  /** Feed-forward inner width. */
  default int mlpDim() { return base().mlpDim(); }

  /** LayerNorm epsilon. */
  default double normEps() { return base().normEps(); }

  /** Feed-forward and projection dropout (training only). */
  default double dropout() { return base().dropout(); }

  /** Embedding dropout (training only). */
  default double embDropout() { return base().embDropout(); }

  /** Attention-map dropout (training only). */
  default double attnDropout() { return base().attnDropout(); }

  /** Number of patch tokens. */
  default int numPatches() { return base().numPatches(); }
}
