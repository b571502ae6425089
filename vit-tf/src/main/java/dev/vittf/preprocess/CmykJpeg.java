package dev.vittf.preprocess;

import java.awt.image.Raster;

/**
 * A 4-component JPEG's decoded components to the RGB of PIL's {@code Image.open(f).convert('RGB')}:
 *
 * <ol>
 *   <li>libjpeg's colour space for 4 components: YCCK when an Adobe APP14 marker says transform 2 (or any value but
 *       0), else CMYK; YCCK is turned into CMYK as libjpeg's {@code ycck_cmyk_convert} does: Y/Cb/Cr to R/G/B with
 *       its 16-bit fixed-point tables ({@code R = Y + 1.402·Cr'}, {@code G = Y − 0.34414·Cb' − 0.71414·Cr'}, {@code
 *       B = Y + 1.772·Cb'}, rounded as libjpeg rounds), then {@code C/M/Y = 255 − R/G/B} (clamped), K unchanged;
 *   <li>PIL reads every 4-component JPEG with raw mode {@code CMYK;I}: the components are inverted (Adobe's
 *       convention; PIL does so whether or not the file has the marker);
 *   <li>{@code convert('RGB')} (Pillow's {@code cmyk2rgb}): {@code nk = 255 − k}, {@code R = nk − c·nk/255} with
 *       the product rounded exactly ({@code MULDIV255}), likewise G and B.
 * </ol>
 *
 * Steps 2 and 3 together: {@code R = K − round(K·(255 − C)/255)} on the decoded components.
 */
final class CmykJpeg {
  private static final int SCALEBITS = 16;
  private static final int ONE_HALF = 1 << (SCALEBITS - 1);

  private CmykJpeg() {}

  /** libjpeg's rule: with an Adobe marker, transform 0 is CMYK and anything else YCCK; without one, CMYK. */
  static boolean isYcck(int adobeTransform) {
    return adobeTransform > 0;
  }

  /** libjpeg's {@code FIX(x)}: x in 16-bit fixed point, rounded. */
  private static int fix(double x) {
    return (int) (x * (1L << SCALEBITS) + 0.5);
  }

  /** Pillow's {@code MULDIV255}: {@code a·b/255} rounded to nearest, exactly, for 8-bit a and b. */
  static int mulDiv255(int a, int b) {
    int t = a * b + 128;
    return ((t >> 8) + t) >> 8;
  }

  private static int clamp(int v) {
    return v < 0 ? 0 : v > 255 ? 255 : v;
  }

  /** Converts the raw components (4 bands, 8-bit) of a CMYK ({@code ycck = false}) or YCCK JPEG. */
  static RgbImage toRgb(Raster raw, boolean ycck) {
    int w = raw.getWidth();
    int h = raw.getHeight();
    byte[] rgb = new byte[Math.multiplyExact(Math.multiplyExact(w, h), 3)];
    int[] row = new int[w * 4];
    int crR = fix(1.40200);
    int cbB = fix(1.77200);
    int crG = -fix(0.71414);
    int cbG = -fix(0.34414);
    for (int y = 0; y < h; y++) {
      raw.getPixels(raw.getMinX(), raw.getMinY() + y, w, 1, row);
      for (int x = 0; x < w; x++) {
        int c0 = row[4 * x];
        int c1 = row[4 * x + 1];
        int c2 = row[4 * x + 2];
        int k = row[4 * x + 3];
        if (ycck) {
          int cb = c1 - 128;
          int cr = c2 - 128;
          int r = c0 + ((crR * cr + ONE_HALF) >> SCALEBITS);
          int g = c0 + ((cbG * cb + ONE_HALF + crG * cr) >> SCALEBITS);
          int b = c0 + ((cbB * cb + ONE_HALF) >> SCALEBITS);
          c0 = clamp(255 - r);
          c1 = clamp(255 - g);
          c2 = clamp(255 - b);
        }
        int o = (y * w + x) * 3;
        rgb[o] = (byte) (k - mulDiv255(255 - c0, k));
        rgb[o + 1] = (byte) (k - mulDiv255(255 - c1, k));
        rgb[o + 2] = (byte) (k - mulDiv255(255 - c2, k));
      }
    }
    return new RgbImage(h, w, rgb);
  }
}
