package dev.vittf.preprocess;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Properties of PIL's resampling that hold for every filter, plus a double-precision evaluation of the
 * same convolution (no fixed point, no rounding) that the 8-bit result must stay within a
 * level or two of. The bilinear and bicubic paths are checked bit for bit against PIL by
 * PreprocessFixturesTest.
 */
class PilResizeTest {
  private static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  @Test
  void constantImagesStayConstantForEveryFilterAndSize() {
    byte[] flat = new byte[17 * 23 * 3];
    java.util.Arrays.fill(flat, (byte) 137);
    for (ResampleFilter f : ResampleFilter.values()) {
      for (int[] size : new int[][] {{5, 7}, {40, 9}, {17, 50}, {1, 1}}) {
        byte[] out = PilResize.resize(flat, 17, 23, 3, size[0], size[1], f);
        for (byte v : out) {
          assertEquals(137, v & 0xff, f + " " + size[0] + "x" + size[1]);
        }
      }
    }
  }

  @Test
  void boxDownscaleByAnIntegerFactorIsTheBlockMean() {
    byte[] src = random(8 * 12, 1);
    byte[] out = PilResize.resize(src, 8, 12, 1, 2, 3, ResampleFilter.BOX);
    for (int y = 0; y < 2; y++) {
      for (int x = 0; x < 3; x++) {
        int sum = 0;
        for (int dy = 0; dy < 4; dy++) {
          for (int dx = 0; dx < 4; dx++) {
            sum += src[(y * 4 + dy) * 12 + x * 4 + dx] & 0xff;
          }
        }
        // Two roundings (one per pass) keep the result within one level of the exact mean.
        assertEquals(sum / 16.0, out[y * 3 + x] & 0xff, 1.0);
      }
    }
  }

  @Test
  void nearestUpscaleByTwoReplicatesAndDownscalePicksTheCentrePixel() {
    byte[] src = random(3 * 4 * 3, 2);
    byte[] up = PilResize.resize(src, 3, 4, 3, 6, 8, ResampleFilter.NEAREST);
    for (int y = 0; y < 6; y++) {
      for (int x = 0; x < 8; x++) {
        for (int c = 0; c < 3; c++) {
          assertEquals(src[((y / 2) * 4 + x / 2) * 3 + c], up[(y * 8 + x) * 3 + c]);
        }
      }
    }
    byte[] down = PilResize.resize(src, 3, 4, 3, 1, 2, ResampleFilter.NEAREST);
    // Centres at (1.5, 1.0) and (1.5, 3.0): row 1, columns 1 and 3.
    assertArrayEquals(java.util.Arrays.copyOfRange(src, (4 + 1) * 3, (4 + 1) * 3 + 3), java.util.Arrays.copyOfRange(down, 0, 3));
    assertArrayEquals(java.util.Arrays.copyOfRange(src, (4 + 3) * 3, (4 + 3) * 3 + 3), java.util.Arrays.copyOfRange(down, 3, 6));
  }

  @Test
  void everyFilterStaysCloseToTheExactConvolution() {
    byte[] src = random(30 * 41, 3);
    for (ResampleFilter f : ResampleFilter.values()) {
      if (f == ResampleFilter.NEAREST) {
        continue;
      }
      for (int[] size : new int[][] {{12, 13}, {64, 90}, {30, 20}, {7, 41}}) {
        byte[] out = PilResize.resize(src, 30, 41, 1, size[0], size[1], f);
        double[] exact = exact(src, 30, 41, size[0], size[1], f);
        double max = 0;
        for (int i = 0; i < out.length; i++) {
          max = Math.max(max, Math.abs((out[i] & 0xff) - exact[i]));
        }
        // Rounding to uint8 between the passes moves a value by at most ~1.5 levels (the vertical kernel's
        // absolute weight sum times 0.5, plus the final rounding); any wrong weight or tap moves it by far more.
        assertTrue(max <= 2.0, f + " " + size[0] + "x" + size[1] + ": " + max);
      }
    }
  }

  @Test
  void rejectsBadSizes() {
    assertThrows(IllegalArgumentException.class, () -> PilResize.resize(new byte[12], 2, 2, 3, 0, 4, ResampleFilter.BILINEAR));
    assertThrows(IllegalArgumentException.class, () -> PilResize.resize(new byte[11], 2, 2, 3, 4, 4, ResampleFilter.BILINEAR));
  }

  @Test
  void filterCodesAndNamesFollowPil() {
    assertEquals(ResampleFilter.BICUBIC, ResampleFilter.ofPilCode(3));
    assertEquals(ResampleFilter.LANCZOS, ResampleFilter.ofPilCode(1));
    assertEquals(ResampleFilter.HAMMING, ResampleFilter.ofName("Hamming"));
    assertThrows(IllegalArgumentException.class, () -> ResampleFilter.ofPilCode(6));
    assertThrows(IllegalArgumentException.class, () -> ResampleFilter.ofName("area"));
  }

  /** The separable convolution in doubles, clipped to 0–255 after each pass as PIL does, never rounded (single channel). */
  private static double[] exact(byte[] src, int h, int w, int nh, int nw, ResampleFilter f) {
    double[] tmp = new double[h * nw];
    for (int y = 0; y < h; y++) {
      int row = y;
      for (int x = 0; x < nw; x++) {
        tmp[y * nw + x] = Math.max(0, Math.min(255, tap(i -> src[row * w + i] & 0xff, w, nw, x, f)));
      }
    }
    double[] out = new double[nh * nw];
    for (int y = 0; y < nh; y++) {
      for (int x = 0; x < nw; x++) {
        int col = x;
        out[y * nw + x] = Math.max(0, Math.min(255, tap(i -> tmp[i * nw + col], h, nh, y, f)));
      }
    }
    return out;
  }

  private static double tap(java.util.function.IntToDoubleFunction in, int size, int out, int i, ResampleFilter f) {
    if (size == out) {
      return in.applyAsDouble(i);
    }
    double scale = (double) size / out;
    double fs = Math.max(scale, 1);
    double center = (i + 0.5) * scale;
    double sum = 0;
    double wsum = 0;
    // PIL's tap window is part of its definition: with box and scale 41/20, input column 20 lies in no window.
    double support = f.support() * fs;
    int lo = Math.max((int) (center - support + 0.5), 0);
    int hi = Math.min((int) (center + support + 0.5), size);
    for (int j = lo; j < hi; j++) {
      double wt = f.weight((j + 0.5 - center) / fs);
      sum += wt * in.applyAsDouble(j);
      wsum += wt;
    }
    return sum / wsum;
  }
}
