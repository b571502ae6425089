package dev.vittf.core;

import java.util.Arrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;

/**
 * A float32 tensor on the Java heap: a row-major {@code float[]} and its shape. Used for weights,
 * checkpoints and inputs/outputs, so that no native memory outlives the call that needed it.
 *
 * @param shape dimensions (each {@code >= 0})
 * @param data row-major values, {@code data.length == product(shape)}
 */
public record HostTensor(long[] shape, float[] data) {

  /** Validates that the data length matches the shape. */
  public HostTensor {
    shape = shape.clone();
    long n = 1;
    for (long d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
      }
      n = Math.multiplyExact(n, d);
    }
    if (n != data.length) {
      throw new IllegalArgumentException(
          "shape " + Arrays.toString(shape) + " needs " + n + " values, got " + data.length);
    }
  }

  /** A zero-filled tensor of the given shape. */
  public static HostTensor zeros(long... shape) {
    long n = 1;
    for (long d : shape) {
      n = Math.multiplyExact(n, d);
    }
    return new HostTensor(shape, new float[Math.toIntExact(n)]);
  }

  /** Copies a native tensor to the heap (the caller still owns and closes {@code t}). */
  public static HostTensor of(TFloat32 t) {
    long[] dims = t.shape().asArray();
    float[] values = new float[Math.toIntExact(t.shape().size())];
    t.asRawTensor().data().asFloats().read(values);
    return new HostTensor(dims, values);
  }

  /** Wraps a batch of NHWC images given as a Java array. */
  public static HostTensor ofImages(float[][][][] images) {
    int b = images.length;
    if (b == 0) {
      throw new IllegalArgumentException("empty image batch");
    }
    int h = images[0].length;
    int w = h == 0 ? 0 : images[0][0].length;
    int c = w == 0 ? 0 : images[0][0][0].length;
    float[] flat = new float[Math.multiplyExact(Math.multiplyExact(b, h), Math.multiplyExact(w, c))];
    int i = 0;
    for (int n = 0; n < b; n++) {
      if (images[n].length != h) {
        throw new IllegalArgumentException("ragged image batch: image " + n + " has height " + images[n].length + ", expected " + h);
      }
      for (int y = 0; y < h; y++) {
        if (images[n][y].length != w) {
          throw new IllegalArgumentException("ragged image batch: image " + n + " row " + y + " has width " + images[n][y].length + ", expected " + w);
        }
        for (int x = 0; x < w; x++) {
          float[] px = images[n][y][x];
          if (px.length != c) {
            throw new IllegalArgumentException("ragged image batch: pixel (" + n + "," + y + "," + x + ") has " + px.length + " channels, expected " + c);
          }
          System.arraycopy(px, 0, flat, i, c);
          i += c;
        }
      }
    }
    return new HostTensor(new long[] {b, h, w, c}, flat);
  }

  /** Creates a native tensor with a copy of the data; the caller must close it. */
  public TFloat32 toTensor() {
    return TFloat32.tensorOf(Shape.of(shape), t -> t.asRawTensor().data().asFloats().write(data));
  }

  /** Number of elements. */
  public int size() {
    return data.length;
  }

  /** Rank (number of dimensions). */
  public int rank() {
    return shape.length;
  }

  /** Dimension {@code i}. */
  public long dim(int i) {
    return shape[i];
  }

  @Override
  public long[] shape() {
    return shape.clone();
  }

  /** The same data viewed with another shape of equal size. */
  public HostTensor reshape(long... newShape) {
    return new HostTensor(newShape, data);
  }

  /** Row {@code i} of a 2-D tensor as a copy. */
  public float[] row(int i) {
    if (shape.length != 2) {
      throw new IllegalStateException("row() needs a 2-D tensor, shape is " + Arrays.toString(shape));
    }
    int cols = (int) shape[1];
    return Arrays.copyOfRange(data, i * cols, (i + 1) * cols);
  }

  /** For a 2-D tensor {@code [rows, classes]}: the column of each row's largest value (the first one on a tie). */
  public int[] argmaxRows() {
    if (shape.length != 2) {
      throw new IllegalStateException("argmaxRows() needs a 2-D tensor, shape is " + Arrays.toString(shape));
    }
    int rows = (int) shape[0];
    int cols = (int) shape[1];
    int[] best = new int[rows];
    for (int n = 0; n < rows; n++) {
      for (int j = 1; j < cols; j++) {
        if (data[n * cols + j] > data[n * cols + best[n]]) {
          best[n] = j;
        }
      }
    }
    return best;
  }

  /** Maximum absolute element-wise difference with another tensor of the same shape. */
  public double maxAbsDiff(HostTensor other) {
    if (!Arrays.equals(shape, other.shape)) {
      throw new IllegalArgumentException(
          "shape mismatch: " + Arrays.toString(shape) + " vs " + Arrays.toString(other.shape));
    }
    double m = 0;
    for (int i = 0; i < data.length; i++) {
      double d = Math.abs((double) data[i] - other.data[i]);
      if (Double.isNaN(d)) {
        return Double.NaN;
      }
      m = Math.max(m, d);
    }
    return m;
  }

  /** Generic permutation of axes (like numpy transpose). */
  public HostTensor permute(int... axes) {
    int r = shape.length;
    if (axes.length != r) {
      throw new IllegalArgumentException("permutation " + Arrays.toString(axes) + " does not match rank " + r);
    }
    long[] newShape = new long[r];
    for (int i = 0; i < r; i++) {
      newShape[i] = shape[axes[i]];
    }
    long[] srcStride = new long[r];
    long s = 1;
    for (int i = r - 1; i >= 0; i--) {
      srcStride[i] = s;
      s *= shape[i];
    }
    float[] out = new float[data.length];
    int[] idx = new int[r];
    for (int o = 0; o < out.length; o++) {
      long src = 0;
      for (int i = 0; i < r; i++) {
        src += idx[i] * srcStride[axes[i]];
      }
      out[o] = data[(int) src];
      for (int i = r - 1; i >= 0; i--) {
        if (++idx[i] < newShape[i]) {
          break;
        }
        idx[i] = 0;
      }
    }
    return new HostTensor(newShape, out);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HostTensor t && Arrays.equals(t.shape, shape) && Arrays.equals(t.data, data);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(shape) * 31 + Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return "HostTensor" + Arrays.toString(shape);
  }

  /** The row-major multi-index of element {@code flat} in a tensor of {@code shape} (for error messages). */
  public static long[] unravel(long[] shape, long flat) {
    long[] at = new long[shape.length];
    long rest = flat;
    for (int k = shape.length - 1; k >= 0; k--) {
      at[k] = rest % shape[k];
      rest /= shape[k];
    }
    return at;
  }
}
