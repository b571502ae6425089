package dev.vittf.models;

import dev.vittf.arch.Architectures;

/**
 * A validated, immutable model configuration: one of the five architectures. A config holds no
 * execution environment; {@link #network()} gives the composition of blocks that builds the model
 * into any {@code Ops}.
 */
public interface ModelConfig {

  /**
   * Architecture identifier ({@code vit}, {@code deepvit}, {@code cait}, {@code parallel_vit}, {@code
   * scalable_vit}): the name of the descriptor that registers this config's type in {@link
   * Architectures}.
   */
  default String architecture() {
    return Architectures.of(this).name();
  }

  /** Input image height. */
  int imageHeight();

  /** Input image width. */
  int imageWidth();

  /** Input image channels. */
  int channels();

  /** Number of output classes. */
  int numClasses();

  /** The network this config describes. */
  Network network();

  /**
   * The model's size estimated from the fields (parameters, largest activation of one image, graph
   * ops), the estimate every config's validation checks against {@link dev.vittf.core.ResourceLimits}.
   * The five architectures override it; the default sizes nothing.
   */
  default dev.vittf.core.ModelSize size() {
    return new dev.vittf.core.ModelSize();
  }

  /**
   * Pixel normalisation expected by the model (used by the image-bytes serving signature): by default
   * {@link Preprocessing#defaultFor(int)} of {@link #channels()} (ImageNet statistics for RGB). A
   * config may override it.
   */
  default Preprocessing preprocessing() {
    return Preprocessing.defaultFor(channels());
  }
}
