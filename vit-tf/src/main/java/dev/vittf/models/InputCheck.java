package dev.vittf.models;

import dev.vittf.core.HostTensor;
import java.util.Arrays;
import org.tensorflow.ndarray.buffer.FloatDataBuffer;
import org.tensorflow.types.TFloat32;

/**
 * The one check every predict path applies to its input batch (the library's {@link VitModel}, the
 * export's {@code ServingModel}, and the classifiers and command lines built on them), so that all of
 * them accept the same batches and refuse the rest with the same message:
 *
 * <ul>
 *   <li>shape: rank 4, NHWC {@code [B >= 1, H, W, C]} with the model's {@code H}, {@code W}, {@code
 *       C}. A tensor is never reinterpreted: {@code [H, W, C]}, a flat {@code [H*W*C]} or an NCHW
 *       batch is refused, even when its element count would fit;
 *   <li>values: every pixel finite ({@code NaN} and infinities are refused naming the batch index and
 *       the position of the first one) and of magnitude at most {@value #MAX_ABS_PIXEL} (normalised
 *       pixels are of order 1; values near float32's range overflow inside attention and give {@code
 *       NaN} logits).
 * </ul>
 *
 * <p>The value scan reads the batch once (about 1 ms per million pixels), small next to a forward pass.
 */
public final class InputCheck {
  /** Largest accepted absolute pixel value. */
  public static final float MAX_ABS_PIXEL = 1e6f;

  private InputCheck() {}

  /**
   * Checks shape and values of a batch for {@code config}.
   *
   * @throws IllegalArgumentException naming the expected and actual shape, or the batch index of the
   *     first bad pixel
   */
  public static void check(ModelConfig config, HostTensor batch) {
    check(config.imageHeight(), config.imageWidth(), config.channels(), batch);
  }

  /** Like {@link #check(ModelConfig, HostTensor)} for a model taking {@code [B, height, width, channels]}. */
  public static void check(long height, long width, long channels, HostTensor batch) {
    checkShape(height, width, channels, batch.shape());
    float[] d = batch.data();
    for (int i = 0; i < d.length; i++) {
      float v = d[i];
      // One comparison per pixel on the fast path; NaN fails both comparisons, so test with !.
      if (!(v <= MAX_ABS_PIXEL && v >= -MAX_ABS_PIXEL)) {
        throw badPixel(batch.shape(), i, v);
      }
    }
  }

  /** Like {@link #check(ModelConfig, HostTensor)} for a native batch (read in place, not copied). */
  public static void check(ModelConfig config, TFloat32 batch) {
    long[] shape = batch.shape().asArray();
    checkShape(config, shape);
    FloatDataBuffer buf = batch.asRawTensor().data().asFloats();
    long n = buf.size();
    float[] chunk = new float[(int) Math.min(n, 1 << 16)];
    for (long off = 0; off < n; off += chunk.length) {
      int len = (int) Math.min(chunk.length, n - off);
      buf.offset(off).narrow(len).read(chunk, 0, len);
      for (int i = 0; i < len; i++) {
        float v = chunk[i];
        if (!(v <= MAX_ABS_PIXEL && v >= -MAX_ABS_PIXEL)) {
          throw badPixel(shape, off + i, v);
        }
      }
    }
  }

  /**
   * Checks that {@code shape} is an NHWC batch {@code [B >= 1, H, W, C]} for {@code config}.
   *
   * @throws IllegalArgumentException naming the expected and the actual shape
   */
  public static void checkShape(ModelConfig config, long[] shape) {
    checkShape(config.imageHeight(), config.imageWidth(), config.channels(), shape);
  }

  /** Like {@link #checkShape(ModelConfig, long[])} for a model taking {@code [B, height, width, channels]}. */
  public static void checkShape(long height, long width, long channels, long[] shape) {
    long[] expected = {-1, height, width, channels};
    boolean ok = shape.length == 4 && shape[0] >= 1;
    for (int i = 1; ok && i < 4; i++) {
      ok = shape[i] == expected[i];
    }
    if (!ok) {
      throw new IllegalArgumentException("input must be NHWC [batch>=1, " + height + ", " + width + ", " + channels
          + "], got " + Arrays.toString(shape) + (shape.length == 4 && shape[0] >= 1 && shape[1] == channels
              && shape[2] == height && shape[3] == width ? " (that looks NCHW: transpose it to NHWC)" : ""));
    }
  }

  /**
   * Checks that a model output (logits, probabilities) is finite, so that no caller prints or serves
   * {@code NaN} scores as if they were results.
   *
   * @throws ArithmeticException naming the output, the batch index and the position of the first
   *     non-finite value (the weights or the input overflowed float32)
   */
  public static HostTensor requireFiniteOutput(String name, HostTensor output) {
    float[] d = output.data();
    for (int i = 0; i < d.length; i++) {
      if (!Float.isFinite(d[i])) {
        long[] at = HostTensor.unravel(output.shape(), i);
        throw new ArithmeticException("the model's " + name + " for image " + at[0] + " of the batch are not finite ("
            + d[i] + " at " + Arrays.toString(at) + "): the weights or the input overflow float32");
      }
    }
    return output;
  }

  private static IllegalArgumentException badPixel(long[] shape, long flat, float v) {
    long[] at = HostTensor.unravel(shape, flat);
    String why = Float.isFinite(v) ? "has magnitude over " + MAX_ABS_PIXEL : "is not finite";
    return new IllegalArgumentException("input image " + at[0] + " of the batch has a pixel that " + why + ": " + v
        + " at " + Arrays.toString(at) + " (normalised pixels are of order 1)");
  }
}
