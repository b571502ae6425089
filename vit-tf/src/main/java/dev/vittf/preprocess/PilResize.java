package dev.vittf.preprocess;

/**
 * Resizes 8-bit interleaved images exactly as PIL's {@code Image.resize} does (Pillow 9.x, no {@code
 * box}, no {@code reducing_gap}), implemented from the algorithm's description:
 *
 * <ul>
 *   <li>separable: a horizontal pass over only the rows the vertical pass will read, then a vertical
 *       pass; a dimension whose size does not change gets no pass at all;
 *   <li>per output pixel {@code i}: {@code scale = in / out}, {@code filterscale = max(scale, 1)},
 *       centre {@code (i + 0.5) · scale}, taps {@code [int(centre − support + 0.5), int(centre +
 *       support + 0.5))} clipped to the image with {@code support = filter support · filterscale}, weight
 *       {@code filter((j − centre + 0.5) / filterscale)}, normalised to sum 1 — so downscaling averages
 *       every input pixel under the widened kernel (antialiasing);
 *   <li>weights as 22-bit fixed-point integers (rounded half away from zero), accumulated from {@code
 *       2^21} (round half up) and clipped to 0–255 after <em>each</em> pass;
 *   <li>{@link ResampleFilter#NEAREST}: no convolution; the source pixel under {@code (i + 0.5) ·
 *       scale}, the position accumulated step by step in double precision as PIL does.
 * </ul>
 */
public final class PilResize {
  /** Fixed-point fraction bits of the 8-bit path: 32 bits minus 8 for the value minus 2 for sign and headroom. */
  private static final int PRECISION_BITS = 32 - 8 - 2;

  private PilResize() {}

  /**
   * Resizes {@code src} ({@code h × w × c} bytes, row-major, interleaved) to {@code nh × nw}.
   *
   * @throws IllegalArgumentException for a non-positive size or a buffer of the wrong length
   */
  public static byte[] resize(byte[] src, int h, int w, int c, int nh, int nw, ResampleFilter filter) {
    if (h <= 0 || w <= 0 || c <= 0 || nh <= 0 || nw <= 0) {
      throw new IllegalArgumentException("resize needs positive sizes, got " + h + "x" + w + "x" + c + " -> " + nh + "x" + nw);
    }
    if ((long) h * w * c != src.length) {
      throw new IllegalArgumentException("image buffer holds " + src.length + " bytes, " + h + "x" + w + "x" + c + " needs "
          + (long) h * w * c);
    }
    if (h == nh && w == nw) {
      return src.clone();
    }
    if (filter == ResampleFilter.NEAREST) {
      return nearest(src, h, w, c, nh, nw);
    }
    Coefficients horizontal = Coefficients.of(w, nw, filter);
    Coefficients vertical = Coefficients.of(h, nh, filter);
    boolean needHorizontal = nw != w;
    boolean needVertical = nh != h;
    byte[] current = src;
    int rows = h;
    int firstRow = 0;
    if (needHorizontal) {
      // Only the rows the vertical pass reads are resampled horizontally.
      if (needVertical) {
        firstRow = vertical.start[0];
        rows = vertical.start[nh - 1] + vertical.count[nh - 1] - firstRow;
      }
      current = horizontalPass(src, w, c, firstRow, rows, horizontal);
    }
    if (needVertical) {
      current = verticalPass(current, nw, c, firstRow, vertical);
    }
    return current;
  }

  /** The per-output-pixel taps and fixed-point weights of one axis. */
  private static final class Coefficients {
    final int[] start;
    final int[] count;
    final int[][] weights;

    private Coefficients(int out) {
      start = new int[out];
      count = new int[out];
      weights = new int[out][];
    }

    static Coefficients of(int in, int out, ResampleFilter filter) {
      double scale = (double) in / out;
      double filterscale = Math.max(scale, 1.0);
      double support = filter.support() * filterscale;
      double inverse = 1.0 / filterscale;
      Coefficients k = new Coefficients(out);
      for (int i = 0; i < out; i++) {
        double center = (i + 0.5) * scale;
        int min = Math.max((int) (center - support + 0.5), 0);
        int max = Math.min((int) (center + support + 0.5), in);
        int n = max - min;
        double[] w = new double[n];
        double total = 0;
        for (int j = 0; j < n; j++) {
          w[j] = filter.weight((j + min - center + 0.5) * inverse);
          total += w[j];
        }
        int[] fixed = new int[n];
        for (int j = 0; j < n; j++) {
          double v = total != 0 ? w[j] / total : w[j];
          double scaled = v * (1 << PRECISION_BITS);
          fixed[j] = (int) (v < 0 ? scaled - 0.5 : scaled + 0.5);
        }
        k.start[i] = min;
        k.count[i] = n;
        k.weights[i] = fixed;
      }
      return k;
    }
  }

  private static byte[] horizontalPass(byte[] src, int w, int c, int firstRow, int rows, Coefficients k) {
    int nw = k.start.length;
    byte[] dst = new byte[rows * nw * c];
    for (int y = 0; y < rows; y++) {
      int rowIn = (firstRow + y) * w * c;
      int rowOut = y * nw * c;
      for (int x = 0; x < nw; x++) {
        int[] weights = k.weights[x];
        int base = rowIn + k.start[x] * c;
        for (int b = 0; b < c; b++) {
          int acc = 1 << (PRECISION_BITS - 1);
          for (int j = 0; j < weights.length; j++) {
            acc += (src[base + j * c + b] & 0xff) * weights[j];
          }
          dst[rowOut + x * c + b] = clip8(acc);
        }
      }
    }
    return dst;
  }

  private static byte[] verticalPass(byte[] src, int w, int c, int firstRow, Coefficients k) {
    int nh = k.start.length;
    int stride = w * c;
    byte[] dst = new byte[nh * stride];
    for (int y = 0; y < nh; y++) {
      int[] weights = k.weights[y];
      int base = (k.start[y] - firstRow) * stride;
      int rowOut = y * stride;
      for (int i = 0; i < stride; i++) {
        int acc = 1 << (PRECISION_BITS - 1);
        for (int j = 0; j < weights.length; j++) {
          acc += (src[base + j * stride + i] & 0xff) * weights[j];
        }
        dst[rowOut + i] = clip8(acc);
      }
    }
    return dst;
  }

  private static byte clip8(int acc) {
    int v = acc >> PRECISION_BITS;
    return (byte) (v < 0 ? 0 : Math.min(v, 255));
  }

  private static byte[] nearest(byte[] src, int h, int w, int c, int nh, int nw) {
    int[] columns = nearestTaps(w, nw);
    int[] rows = nearestTaps(h, nh);
    byte[] dst = new byte[nh * nw * c];
    for (int y = 0; y < nh; y++) {
      for (int x = 0; x < nw; x++) {
        System.arraycopy(src, (rows[y] * w + columns[x]) * c, dst, (y * nw + x) * c, c);
      }
    }
    return dst;
  }

  /** PIL's nearest sampling positions: start at half a step, add the step in double precision. */
  private static int[] nearestTaps(int in, int out) {
    double step = (double) in / out;
    double pos = step * 0.5;
    int[] taps = new int[out];
    for (int i = 0; i < out; i++) {
      taps[i] = Math.min(pos < 0 ? 0 : (int) pos, in - 1);
      pos += step;
    }
    return taps;
  }
}
