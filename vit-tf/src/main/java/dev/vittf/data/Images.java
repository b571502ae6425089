package dev.vittf.data;

/** Pixel-level helpers on single 8-bit HWC images. */
public final class Images {
  private Images() {}

  /**
   * Bilinear resize of one {@code h × w × c} image to {@code nh × nw × c}, sampling at pixel centres
   * (align-corners=false), edges clamped, rounded to the nearest byte.
   */
  public static byte[] resizeBilinear(byte[] src, int h, int w, int c, int nh, int nw) {
    if (h == nh && w == nw) {
      return src.clone();
    }
    byte[] dst = new byte[nh * nw * c];
    double sy = (double) h / nh;
    double sx = (double) w / nw;
    for (int y = 0; y < nh; y++) {
      double fy = Math.max(0, (y + 0.5) * sy - 0.5);
      int y0 = Math.min((int) fy, h - 1);
      int y1 = Math.min(y0 + 1, h - 1);
      double wy = fy - y0;
      for (int x = 0; x < nw; x++) {
        double fx = Math.max(0, (x + 0.5) * sx - 0.5);
        int x0 = Math.min((int) fx, w - 1);
        int x1 = Math.min(x0 + 1, w - 1);
        double wx = fx - x0;
        for (int k = 0; k < c; k++) {
          double top = (src[(y0 * w + x0) * c + k] & 0xff) * (1 - wx) + (src[(y0 * w + x1) * c + k] & 0xff) * wx;
          double bot = (src[(y1 * w + x0) * c + k] & 0xff) * (1 - wx) + (src[(y1 * w + x1) * c + k] & 0xff) * wx;
          dst[(y * nw + x) * c + k] = (byte) Math.round(top * (1 - wy) + bot * wy);
        }
      }
    }
    return dst;
  }

  /**
   * Converts the channels of an HWC image: equal counts copy, 1 → n replicates, 3 → 1 uses ITU-R 601
   * luma ({@code 0.299 R + 0.587 G + 0.114 B}); 4 (RGBA) → 3 drops alpha.
   *
   * @throws DataException for any other combination
   */
  public static byte[] adaptChannels(byte[] src, int from, int to) {
    if (from == to) {
      return src;
    }
    int pixels = src.length / from;
    byte[] dst = new byte[pixels * to];
    if (from == 1) {
      for (int p = 0; p < pixels; p++) {
        for (int k = 0; k < to; k++) {
          dst[p * to + k] = src[p];
        }
      }
    } else if ((from == 3 || from == 4) && to == 1) {
      for (int p = 0; p < pixels; p++) {
        double l = 0.299 * (src[p * from] & 0xff) + 0.587 * (src[p * from + 1] & 0xff) + 0.114 * (src[p * from + 2] & 0xff);
        dst[p] = (byte) Math.round(l);
      }
    } else if (from == 4 && to == 3) {
      for (int p = 0; p < pixels; p++) {
        System.arraycopy(src, p * 4, dst, p * 3, 3);
      }
    } else {
      throw new DataException("cannot convert images with " + from + " channels to " + to + " channels");
    }
    return dst;
  }
}
