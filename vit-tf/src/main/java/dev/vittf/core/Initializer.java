package dev.vittf.core;

import java.util.Arrays;

/**
 * Deterministic initial value of a parameter. Initialisers are pure descriptions; the parameter
 * store turns them into ops (stateless random ops keyed by the store seed and the parameter name),
 * so graph and eager execution produce identical initial weights for the same seed.
 */
public sealed interface Initializer {

  /** All zeros. */
  record Zeros() implements Initializer {}

  /** All elements equal to {@code value}. */
  record Constant(double value) implements Initializer {}

  /** Normal(0, std) truncated at two standard deviations. */
  record TruncatedNormal(double std) implements Initializer {
    /** Checks the standard deviation. */
    public TruncatedNormal {
      if (!(std > 0) || !Double.isFinite(std)) {
        throw new IllegalArgumentException("TruncatedNormal std must be finite and > 0, got " + std);
      }
    }
  }

  /**
   * Truncated normal with {@code std = sqrt(scale / fanIn)}, the fan-in computed from the static
   * shape: the product of all dimensions except the last (so HWIO kernels count {@code kh*kw*in},
   * unlike TF Java 1.1's VarianceScaling which squares the input channels).
   */
  record FanInTruncatedNormal(double scale) implements Initializer {}

  /** Identity matrix (square 2-D parameters), e.g. head-mixing matrices start as "no mixing". */
  record Identity() implements Initializer {}

  /** Zeros. */
  static Initializer zeros() {
    return new Zeros();
  }

  /** Ones. */
  static Initializer ones() {
    return new Constant(1.0);
  }

  /** A constant. */
  static Initializer constant(double value) {
    return new Constant(value);
  }

  /** Truncated normal with the given std (0.02 is the ViT default). */
  static Initializer truncatedNormal(double std) {
    return new TruncatedNormal(std);
  }

  /** Identity matrix. */
  static Initializer identity() {
    return new Identity();
  }

  /** Fan-in of a kernel shape: product of all but the last dimension (at least 1). */
  static long fanIn(long[] shape) {
    if (shape.length < 2) {
      return Math.max(1, shape.length == 1 ? shape[0] : 1);
    }
    return Math.max(1, Arrays.stream(shape, 0, shape.length - 1).reduce(1, (a, b) -> a * b));
  }
}
