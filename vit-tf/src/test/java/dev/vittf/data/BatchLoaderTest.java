package dev.vittf.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class BatchLoaderTest {
  /** n images of h x w x c whose pixel (i, y, x, k) = (i*31 + y*7 + x*3 + k) mod 256; label i mod 3. */
  static ImageDataset data(int n, int h, int w, int c) {
    byte[] px = new byte[n * h * w * c];
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      y[i] = i % 3;
      for (int yy = 0; yy < h; yy++) {
        for (int xx = 0; xx < w; xx++) {
          for (int k = 0; k < c; k++) {
            px[((i * h + yy) * w + xx) * c + k] = (byte) (i * 31 + yy * 7 + xx * 3 + k);
          }
        }
      }
    }
    return ImageDataset.of(h, w, c, px, y, 3);
  }

  @Test
  void epochsArePermutationsAndBatchesAreReproducible() {
    ImageDataset d = data(10, 2, 2, 1);
    BatchLoader l = new BatchLoader(d, 3, 42, true, true, Normalization.unit(1), Augmentation.NONE);
    assertEquals(3, l.batchesPerEpoch());
    int[] o0 = l.order(0);
    int[] sorted = o0.clone();
    Arrays.sort(sorted);
    assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, sorted);
    assertFalse(Arrays.equals(o0, l.order(1)));
    BatchLoader again = new BatchLoader(d, 3, 42, true, true, Normalization.unit(1), Augmentation.NONE);
    Batch b = l.batch(1, 2);
    l.batch(0, 0);
    assertArrayEquals(b.images(), again.batch(1, 2).images());
    assertArrayEquals(b.labels(), again.batch(1, 2).labels());
    assertFalse(Arrays.equals(o0, new BatchLoader(d, 3, 43, true, true, Normalization.unit(1), Augmentation.NONE).order(0)));
    int first = l.order(1)[6];
    assertEquals(d.label(first), b.labels()[0]);
    assertEquals(d.pixel(first, 3) / 255f, b.images()[3], 1e-7);
  }

  @Test
  void evaluationKeepsOrderAndTheLastPartialBatch() {
    ImageDataset d = data(7, 2, 2, 1);
    BatchLoader l = BatchLoader.evaluation(d, 3, Normalization.unit(1));
    assertEquals(3, l.batchesPerEpoch());
    Batch last = l.batch(0, 2);
    assertEquals(1, last.size());
    assertEquals(d.label(6), last.labels()[0]);
  }

  @Test
  void normalisesPerChannel() {
    ImageDataset d = data(2, 1, 1, 2);
    Normalization n = new Normalization(new float[] {0.5f, 0.25f}, new float[] {0.5f, 0.25f});
    Batch b = BatchLoader.evaluation(d, 2, n).batch(0, 0);
    // image 1: pixels (31, 32)
    assertEquals((31 / 255f - 0.5f) / 0.5f, b.images()[2], 1e-6);
    assertEquals((32 / 255f - 0.25f) / 0.25f, b.images()[3], 1e-6);
    Normalization est = Normalization.of(data(64, 4, 4, 1));
    assertTrue(est.mean()[0] > 0.3 && est.mean()[0] < 0.7, est.toString());
    assertTrue(est.std()[0] > 0.2 && est.std()[0] < 0.4, est.toString());
  }

  @Test
  void flipMirrorsAndCropShiftsWithZeroPadding() {
    ImageDataset d = data(1, 3, 4, 1);
    float[] plain = BatchLoader.evaluation(d, 1, Normalization.unit(1)).batch(0, 0).images();
    int flipped = 0;
    for (int epoch = 0; epoch < 20; epoch++) {
      float[] a = new BatchLoader(d, 1, 5, false, true, Normalization.unit(1), new Augmentation(0, true)).batch(epoch, 0).images();
      boolean mirror = true;
      for (int y = 0; y < 3; y++) {
        for (int x = 0; x < 4; x++) {
          mirror &= a[y * 4 + x] == plain[y * 4 + 3 - x];
        }
      }
      assertTrue(mirror || Arrays.equals(a, plain));
      flipped += mirror ? 1 : 0;
    }
    assertTrue(flipped > 3 && flipped < 17, "flips " + flipped);
    boolean sawShift = false;
    for (int epoch = 0; epoch < 20; epoch++) {
      float[] a = new BatchLoader(d, 1, 9, false, true, Normalization.unit(1), new Augmentation(1, false)).batch(epoch, 0).images();
      // find the shift (dy, dx) in [-1, 1]^2 that explains a
      boolean found = false;
      for (int dy = -1; dy <= 1 && !found; dy++) {
        for (int dx = -1; dx <= 1 && !found; dx++) {
          boolean ok = true;
          for (int y = 0; y < 3; y++) {
            for (int x = 0; x < 4; x++) {
              int sy = y + dy;
              int sx = x + dx;
              float want = sy >= 0 && sy < 3 && sx >= 0 && sx < 4 ? plain[sy * 4 + sx] : 0f;
              ok &= a[y * 4 + x] == want;
            }
          }
          found = ok;
          sawShift |= ok && (dy != 0 || dx != 0);
        }
      }
      assertTrue(found, "augmented image is not a padded crop");
    }
    assertTrue(sawShift);
  }

  @Test
  void resizingAndChannelAdaptation() {
    ImageDataset d = data(2, 2, 2, 1);
    ImageDataset r = d.resized(4, 4, 3);
    assertEquals(4, r.height());
    assertEquals(3, r.channels());
    assertEquals(d.pixel(1, 0), r.pixel(1, 0));
    assertEquals(r.pixel(1, 0), r.pixel(1, 2));
    byte[] rgb = {(byte) 255, 0, 0};
    assertEquals(76, Images.adaptChannels(rgb, 3, 1)[0] & 0xff);
    assertTrue(assertThrows(DataException.class, () -> Images.adaptChannels(new byte[2], 2, 3)).getMessage()
        .contains("cannot convert images with 2 channels to 3"));
  }

  @Test
  void tooFewImagesForABatch() {
    String m = assertThrows(DataException.class,
        () -> new BatchLoader(data(2, 1, 1, 1), 4, 0, true, true, Normalization.unit(1), Augmentation.NONE)).getMessage();
    assertTrue(m.contains("fewer than one batch of 4"), m);
  }

  @Test
  void invalidNormalizationAndAugmentation() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new Augmentation(-1, false)).getMessage()
        .contains("augmentation padding must be >= 0, got -1"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new Normalization(new float[] {0}, new float[] {0})).getMessage()
        .contains("std must be finite and > 0"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new Normalization(new float[] {0, 0}, new float[] {1})).getMessage()
        .contains("mean and std need one value per channel, got 2 and 1"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> new BatchLoader(data(4, 1, 1, 1), 2, 0, true, true, Normalization.unit(3), Augmentation.NONE)).getMessage()
        .contains("normalisation has 3 channels, the data 1"));
  }
}
