package dev.vittf.io;

import dev.vittf.core.HostTensor;

/**
 * Resampling of a learned absolute position embedding to another patch grid, exactly as timm's {@code
 * resample_abs_pos_embed(..., interpolation='bicubic', antialias=True)}: the prefix rows (class and
 * register tokens) are kept, the grid rows go through PyTorch's separable anti-aliased bicubic filter
 * ({@code F.interpolate(mode='bicubic', antialias=True, align_corners=False)}), row-major.
 */
public final class PositionEmbeddings {
  private PositionEmbeddings() {}

  /**
   * Resamples {@code pos [1, prefix + oldH*oldW, D]} to {@code [1, prefix + newH*newW, D]}.
   *
   * @throws IllegalArgumentException if the shape does not fit the prefix and the old grid
   */
  public static HostTensor resample(HostTensor pos, int prefix, int oldH, int oldW, int newH, int newW) {
    long[] s = pos.shape();
    if (s.length != 3 || s[0] != 1 || s[1] != prefix + (long) oldH * oldW) {
      throw new IllegalArgumentException("position embedding of shape " + java.util.Arrays.toString(s)
          + " does not hold " + prefix + " prefix rows and a " + oldH + "x" + oldW + " grid");
    }
    int d = (int) s[2];
    float[] in = pos.data();
    float[] out = new float[(prefix + newH * newW) * d];
    System.arraycopy(in, 0, out, 0, prefix * d);
    double[][] wy = weights(oldH, newH);
    int[] y0 = starts(oldH, newH);
    double[][] wx = weights(oldW, newW);
    int[] x0 = starts(oldW, newW);
    // horizontal pass first, then vertical (the order PyTorch's separable kernel uses), in double
    double[] horizontal = new double[oldH * newW * d];
    for (int y = 0; y < oldH; y++) {
      for (int x = 0; x < newW; x++) {
        for (int t = 0; t < wx[x].length; t++) {
          double w = wx[x][t];
          int src = prefix + y * oldW + x0[x] + t;
          for (int c = 0; c < d; c++) {
            horizontal[(y * newW + x) * d + c] += w * in[src * d + c];
          }
        }
      }
    }
    for (int y = 0; y < newH; y++) {
      for (int x = 0; x < newW; x++) {
        int dst = prefix + y * newW + x;
        for (int c = 0; c < d; c++) {
          double acc = 0;
          for (int t = 0; t < wy[y].length; t++) {
            acc += wy[y][t] * horizontal[((y0[y] + t) * newW + x) * d + c];
          }
          out[dst * d + c] = (float) acc;
        }
      }
    }
    return new HostTensor(new long[] {1, prefix + (long) newH * newW, d}, out);
  }

  // First input tap of every output index.
  private static int[] starts(int in, int out) {
    int[] first = new int[out];
    for (int i = 0; i < out; i++) {
      first[i] = span(in, out, i)[0];
    }
    return first;
  }

  // [first, end) of the taps of output i: support 2*max(scale, 1) around center = scale*(i + 0.5).
  private static int[] span(int in, int out, int i) {
    double scale = (double) in / out;
    double support = 2 * Math.max(scale, 1.0);
    double center = scale * (i + 0.5);
    int lo = Math.max((int) (center - support + 0.5), 0);
    int hi = Math.min((int) (center + support + 0.5), in);
    return new int[] {lo, hi};
  }

  // Normalised weights cubic((j - center + 0.5) / max(scale, 1)) per output index; taps outside the image are dropped.
  private static double[][] weights(int in, int out) {
    double scale = (double) in / out;
    double inv = scale >= 1 ? 1 / scale : 1;
    double[][] w = new double[out][];
    for (int i = 0; i < out; i++) {
      int[] sp = span(in, out, i);
      double center = scale * (i + 0.5);
      w[i] = new double[sp[1] - sp[0]];
      double total = 0;
      for (int j = sp[0]; j < sp[1]; j++) {
        double v = cubic((j - center + 0.5) * inv);
        w[i][j - sp[0]] = v;
        total += v;
      }
      for (int t = 0; t < w[i].length; t++) {
        w[i][t] = total == 0 ? 0 : w[i][t] / total;
      }
    }
    return w;
  }

  // Keys' cubic convolution kernel with a = -0.5 (PIL's and PyTorch's anti-aliased bicubic).
  static double cubic(double x) {
    double a = -0.5;
    x = Math.abs(x);
    if (x < 1) {
      return ((a + 2) * x - (a + 3)) * x * x + 1;
    }
    if (x < 2) {
      return (((x - 5) * x + 8) * x - 4) * a;
    }
    return 0;
  }
}
