package dev.vittf.blocks;

import dev.vittf.core.BuildContext;
import dev.vittf.core.Initializer;
import dev.vittf.core.ParameterRole;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * 2-D convolution on NHWC maps with PyTorch's padding semantics: the input is padded explicitly and
 * symmetrically by {@code padding} on every side, then convolved {@code VALID}. (TensorFlow's {@code
 * SAME} pads more on the bottom/right when the stride is > 1, which is not what PyTorch computes; this
 * block never uses it.) Parameters: {@code kernel} HWIO {@code [k, k, in, out]} (fan-in truncated
 * normal, std {@code sqrt(1/fan_in)}) and, if enabled, {@code bias [out]}. With {@code depthwise}, each channel is convolved with
 * its own filter ({@code groups = in = out}, PyTorch's depthwise conv): {@code kernel [k, k, C, 1]}.
 *
 * @param in input channels
 * @param out output channels (equal to {@code in} when depthwise)
 * @param kernelSize square kernel size
 * @param stride stride in both directions
 * @param padding zero rows/columns added on every side
 * @param bias whether to add a bias
 * @param depthwise whether the convolution is depthwise
 */
public record Conv2d(long in, long out, int kernelSize, int stride, int padding, boolean bias, boolean depthwise) {

  /** Checks the structural rules (configs validate user input before this). */
  public Conv2d {
    if (in <= 0 || out <= 0 || kernelSize <= 0 || stride <= 0 || padding < 0) {
      throw new IllegalArgumentException("invalid conv: in=" + in + " out=" + out + " k=" + kernelSize + " stride=" + stride + " padding=" + padding);
    }
    if (depthwise && in != out) {
      throw new IllegalArgumentException("a depthwise conv keeps the channel count: in=" + in + " out=" + out);
    }
  }

  /** A dense (non-grouped) convolution. */
  public static Conv2d of(long in, long out, int kernelSize, int stride, int padding, boolean bias) {
    return new Conv2d(in, out, kernelSize, stride, padding, bias, false);
  }

  /** A depthwise convolution with bias (PyTorch {@code Conv2d(C, C, k, padding=p, groups=C)}). */
  public static Conv2d depthwise(long channels, int kernelSize, int padding) {
    return new Conv2d(channels, channels, kernelSize, 1, padding, true, true);
  }

  /** Output size along one axis for an input of size {@code size} (PyTorch's floor formula). */
  public int outputSize(int size) {
    return Math.floorDiv(size + 2 * padding - kernelSize, stride) + 1;
  }

  /** Applies the convolution to {@code x [B, H, W, in]}. */
  public Operand<TFloat32> apply(BuildContext ctx, Operand<TFloat32> x) {
    Ops tf = ctx.tf();
    // Fan-in scaled init (std = sqrt(1 / fan_in)); a depthwise filter's fan-in is k*k, not k*k*C,
    // so it gets its std directly instead of the shape-derived fan-in.
    Initializer init = depthwise
        ? Initializer.truncatedNormal(1.0 / kernelSize)
        : new Initializer.FanInTruncatedNormal(1.0);
    Operand<TFloat32> kernel =
        ctx.parameter("kernel", ParameterRole.WEIGHT, init, kernelSize, kernelSize, in, depthwise ? 1 : out);
    Operand<TFloat32> padded = padding == 0 ? x
        : tf.pad(x, tf.constant(new int[][] {{0, 0}, {padding, padding}, {padding, padding}, {0, 0}}), tf.constant(0f));
    List<Long> strides = List.of(1L, (long) stride, (long) stride, 1L);
    Operand<TFloat32> y = depthwise
        ? tf.nn.depthwiseConv2dNative(padded, kernel, strides, "VALID")
        : tf.nn.conv2d(padded, kernel, strides, "VALID");
    if (bias) {
      y = tf.nn.biasAdd(y, bias(ctx));
    }
    return y;
  }

  /** Registers {@code bias [out]} in {@code ctx}'s scope (for callers that add it themselves). */
  public Operand<TFloat32> bias(BuildContext ctx) {
    return ctx.parameter("bias", ParameterRole.BIAS, Initializer.zeros(), out);
  }

  /** Multiply-accumulates for an output map of {@code outPixels} pixels. */
  public long macs(long outPixels) {
    return outPixels * kernelSize * kernelSize * (depthwise ? in : in * out);
  }
}
