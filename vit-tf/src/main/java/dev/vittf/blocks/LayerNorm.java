package dev.vittf.blocks;

import dev.vittf.core.BuildContext;
import dev.vittf.core.Initializer;
import dev.vittf.core.ParameterRole;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.math.Mean;
import org.tensorflow.types.TFloat32;

/**
 * Layer normalisation over the last axis: {@code (x - mean) / sqrt(var + eps) * scale + bias}, with
 * the biased variance (PyTorch semantics). Parameters: {@code scale} (ones) and {@code bias} (zeros),
 * both {@code [dim]}.
 *
 * @param dim size of the normalised (last) axis
 * @param eps added to the variance; PyTorch's default is 1e-5, timm's ViT and CaiT use 1e-6
 */
public record LayerNorm(long dim, double eps) implements Block {

  /** Normalises {@code x} (last axis of size {@code dim}). */
  @Override
  public Operand<TFloat32> apply(BuildContext ctx, Operand<TFloat32> x) {
    Operand<TFloat32> scale = ctx.parameter("scale", ParameterRole.NORM_SCALE, Initializer.ones(), dim);
    Operand<TFloat32> bias = ctx.parameter("bias", ParameterRole.NORM_SHIFT, Initializer.zeros(), dim);
    return normalize(ctx.tf(), x, eps, scale, bias);
  }

  /** The normalisation itself, for callers that hold their own scale and bias. */
  public static Operand<TFloat32> normalize(
      Ops tf, Operand<TFloat32> x, double eps, Operand<TFloat32> scale, Operand<TFloat32> bias) {
    Operand<org.tensorflow.types.TInt32> last = tf.constant(-1);
    Operand<TFloat32> mean = tf.math.mean(x, last, Mean.keepDims(true));
    Operand<TFloat32> centered = tf.math.sub(x, mean);
    Operand<TFloat32> variance = tf.math.mean(tf.math.square(centered), last, Mean.keepDims(true));
    Operand<TFloat32> inv = tf.math.rsqrt(tf.math.add(variance, tf.constant((float) eps)));
    return tf.math.add(tf.math.mul(tf.math.mul(centered, inv), scale), bias);
  }
}
