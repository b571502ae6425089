package dev.vittf.blocks;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.family.TNumber;

/** Activation functions. */
public final class Activations {
  private static final double INV_SQRT2 = 1 / Math.sqrt(2);

  private Activations() {}

  /** Exact GELU, {@code 0.5 x (1 + erf(x / sqrt 2))} (PyTorch's default, not the tanh form). */
  public static <T extends TNumber> Operand<T> gelu(Ops tf, Operand<T> x) {
    Operand<T> erf = tf.math.erf(tf.math.mul(x, tf.constantOfSameType(x, (float) INV_SQRT2)));
    return tf.math.mul(tf.math.mul(x, tf.constantOfSameType(x, 0.5f)), tf.math.add(erf, tf.constantOfSameType(x, 1f)));
  }
}
