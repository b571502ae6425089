package dev.vittf.train;

import dev.vittf.data.ImageDataset;
import java.util.SplittableRandom;

/**
 * Generated, learnable image data for fast tests: class k is a bright square at a class-specific place plus noise
 * (public: the command-line module's tests use it through the test jar).
 */
public final class SyntheticData {
  private SyntheticData() {}

  /** {@code n} images of {@code h x w x c}, labels cycling through {@code classes}. */
  public static ImageDataset make(int n, int h, int w, int c, int classes, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    byte[] px = new byte[n * h * w * c];
    int[] y = new int[n];
    int side = Math.max(2, Math.min(h, w) / 4);
    int cols = Math.max(1, (w - side) / side + 1);
    for (int i = 0; i < n; i++) {
      int k = i % classes;
      y[i] = k;
      int y0 = ((k / cols) * side) % (h - side + 1);
      int x0 = ((k % cols) * side) % (w - side + 1);
      for (int yy = 0; yy < h; yy++) {
        for (int xx = 0; xx < w; xx++) {
          boolean on = yy >= y0 && yy < y0 + side && xx >= x0 && xx < x0 + side;
          for (int ch = 0; ch < c; ch++) {
            int v = (on ? 180 + (k * 7 + ch * 13) % 60 : 0) + r.nextInt(60);
            px[((i * h + yy) * w + xx) * c + ch] = (byte) Math.min(255, v);
          }
        }
      }
    }
    return ImageDataset.of(h, w, c, px, y, classes);
  }
}
