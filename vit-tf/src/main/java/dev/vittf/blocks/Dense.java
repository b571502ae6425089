package dev.vittf.blocks;

import dev.vittf.core.BuildContext;
import dev.vittf.core.Initializer;
import dev.vittf.core.ParameterRole;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TFloating;
import org.tensorflow.types.family.TType;

/**
 * Affine map on the last axis, {@code y = x W + b}. Parameters: {@code kernel [in, out]} (truncated
 * normal 0.02) and, if enabled, {@code bias [out]} (zeros). Inputs of any rank {@code >= 2} are
 * flattened to a 2-D {@code MatMul} (fastest path on CPU, fused with the bias by grappler) and
 * reshaped back. The product runs in the context's {@link BuildContext#precision()} (kernel and bias cast at use).
 *
 * @param in input features
 * @param out output features
 * @param bias whether to add a bias
 */
public record Dense(long in, long out, boolean bias) {

  /** Dense layer with bias. */
  public Dense(long in, long out) {
    this(in, out, true);
  }

  /** Applies the layer to float32 {@code x}: float32 result, computed in the context's precision. */
  public Operand<TFloat32> apply(BuildContext ctx, Operand<TFloat32> x) {
    return ctx.toFloat32(applyTyped(ctx, ctx.toCompute(x)));
  }

  /**
   * Applies the layer in the type of {@code x} (the parameters are cast to it), for blocks that chain products
   * without a float32 round trip in between.
   */
  public <T extends TFloating> Operand<T> applyTyped(BuildContext ctx, Operand<T> x) {
    Operand<T> kernel = ctx.parameter("kernel", ParameterRole.WEIGHT, KERNEL_INIT, x.type(), in, out);
    Operand<T> b = bias ? ctx.parameter("bias", ParameterRole.BIAS, BIAS_INIT, x.type(), out) : null;
    return affine(ctx.tf(), x, kernel, b);
  }

  /** The layer's float32 {@code kernel [in, out]} under {@code ctx}, registered as {@link #applyTyped} registers it. */
  public Operand<TFloat32> kernelParameter(BuildContext ctx) {
    return ctx.parameter("kernel", ParameterRole.WEIGHT, KERNEL_INIT, in, out);
  }

  /** The layer's float32 {@code bias [out]} under {@code ctx}, registered as {@link #applyTyped} registers it. */
  public Operand<TFloat32> biasParameter(BuildContext ctx) {
    if (!bias) {
      throw new IllegalStateException("this Dense has no bias");
    }
    return ctx.parameter("bias", ParameterRole.BIAS, BIAS_INIT, out);
  }

  private static final Initializer KERNEL_INIT = Initializer.truncatedNormal(0.02);
  private static final Initializer BIAS_INIT = Initializer.zeros();

  /** {@code x kernel (+ bias)} on the last axis of {@code x}, for any rank. */
  public static <T extends TType> Operand<T> affine(Ops tf, Operand<T> x, Operand<T> kernel, Operand<T> bias) {
    int rank = x.shape().numDimensions();
    long outDim = kernel.shape().get(1);
    Operand<T> flat = rank == 2 ? x : tf.reshape(x, tf.constant(new int[] {-1, (int) kernel.shape().get(0)}));
    Operand<T> y = tf.linalg.matMul(flat, kernel);
    if (bias != null) {
      y = tf.nn.biasAdd(y, bias);
    }
    if (rank == 2) {
      return y;
    }
    long[] dims = x.shape().asArray();
    boolean staticInner = true;
    for (int i = 1; i < rank - 1; i++) {
      staticInner &= dims[i] >= 0;
    }
    if (staticInner) {
      // Keep the static shape [?, d1, ..., out] for shape inference downstream (a dynamic shape
      // vector would make every axis unknown).
      int[] target = new int[rank];
      target[0] = -1;
      for (int i = 1; i < rank - 1; i++) {
        target[i] = (int) dims[i];
      }
      target[rank - 1] = (int) outDim;
      return tf.reshape(y, tf.constant(target));
    }
    Operand<TInt32> lead =
        tf.slice(tf.shape(x), tf.constant(new int[] {0}), tf.constant(new int[] {rank - 1}));
    Operand<TInt32> shape = tf.concat(java.util.List.of(lead, tf.constant(new int[] {(int) outDim})), tf.constant(0));
    return tf.reshape(y, shape);
  }
}
