package dev.vittf.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vittf.arch.vit.ViTConfig;
import dev.vittf.core.HostTensor;
import dev.vittf.models.Preprocessing;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The optional signature that decodes, resizes and normalises encoded images inside the graph. */
class ImageBytesSignatureTest {
  private static final ViTConfig TINY = ViTConfig.tiny();

  static BufferedImage randomImage(int w, int h, long seed) {
    Random r = new Random(seed);
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.setRGB(x, y, r.nextInt(1 << 24));
      }
    }
    return img;
  }

  static byte[] encode(BufferedImage img, String format) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertTrue(ImageIO.write(img, format, out));
    return out.toByteArray();
  }

  /** Expected model input: each output pixel is the mean of a {@code k x k} block (exact for half-pixel bilinear at scale 1/k, k = 1 or 2). */
  private static float[] expected(BufferedImage img, int size, Preprocessing p) {
    int k = img.getWidth() / size;
    float[] mean = p.meanArray();
    float[] std = p.stdArray();
    float[] out = new float[size * size * 3];
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        for (int c = 0; c < 3; c++) {
          double sum = 0;
          for (int dy = 0; dy < k; dy++) {
            for (int dx = 0; dx < k; dx++) {
              int rgb = img.getRGB(x * k + dx, y * k + dy);
              sum += (rgb >> (16 - 8 * c)) & 0xff;
            }
          }
          out[(y * size + x) * 3 + c] = (float) ((sum / (k * k) / 255.0 - mean[c]) / std[c]);
        }
      }
    }
    return out;
  }

  @Test
  void encodedImagesGiveTheSameLogitsAsTheirPixels(@TempDir Path base) throws Exception {
    Preprocessing pre = new Preprocessing(List.of(0.5, 0.4, 0.3), List.of(0.2, 0.25, 0.3));
    for (boolean xla : new boolean[] {false, true}) {
      Path dir = SavedModelExporter.export(TINY, Weights.seed(6), base.resolve("x" + xla),
          ExportOptions.defaults().withImageBytesSignature(true).withXla(xla).withPreprocessing(pre)).directory();
      assertEquals("[0.5,0.4,0.3]", SavedModelInfo.read(dir).metadata().path("preprocessing").path("mean").toString());
      BufferedImage same = randomImage(32, 32, 1);
      BufferedImage larger = randomImage(64, 64, 2);
      float[] a = expected(same, 32, pre);
      float[] b = expected(larger, 32, pre);
      float[] both = new float[a.length * 2];
      System.arraycopy(a, 0, both, 0, a.length);
      System.arraycopy(b, 0, both, a.length, b.length);
      try (ServingModel m = ServingModel.load(dir)) {
        HostTensor want = m.predict(new HostTensor(new long[] {2, 32, 32, 3}, both)).get("logits");
        Map<String, HostTensor> got = m.predictEncoded(List.of(encode(same, "png"), encode(larger, "png")));
        assertEquals(List.of(2L, 10L), java.util.Arrays.stream(got.get("logits").shape()).boxed().toList());
        double diff = got.get("logits").maxAbsDiff(want);
        assertTrue(diff < 1e-4, "xla=" + xla + ": bytes vs pixels differ by " + diff);
        // JPEG is lossy: it must decode and give a distribution, close to the PNG's.
        Map<String, HostTensor> jpeg = m.predictEncoded(List.of(encode(same, "jpg")));
        float sum = 0;
        for (float v : jpeg.get("probabilities").data()) {
          sum += v;
        }
        assertEquals(1f, sum, 1e-5f);
      }
    }
  }

  @Test
  void greyImagesAreExpandedToRgb(@TempDir Path base) throws Exception {
    Path dir = SavedModelExporter.export(TINY, Weights.seed(6), base,
        ExportOptions.defaults().withImageBytesSignature(true)).directory();
    BufferedImage grey = new BufferedImage(32, 32, BufferedImage.TYPE_BYTE_GRAY);
    Random r = new Random(3);
    for (int y = 0; y < 32; y++) {
      for (int x = 0; x < 32; x++) {
        grey.getRaster().setSample(x, y, 0, r.nextInt(256));
      }
    }
    Preprocessing p = TINY.preprocessing();
    float[] px = new float[32 * 32 * 3];
    for (int y = 0; y < 32; y++) {
      for (int x = 0; x < 32; x++) {
        for (int c = 0; c < 3; c++) {
          px[(y * 32 + x) * 3 + c] = (float) ((grey.getRaster().getSample(x, y, 0) / 255.0 - p.mean().get(c)) / p.std().get(c));
        }
      }
    }
    try (ServingModel m = ServingModel.load(dir)) {
      HostTensor want = m.predict(new HostTensor(new long[] {1, 32, 32, 3}, px)).get("logits");
      assertTrue(m.predictEncoded(List.of(encode(grey, "png"))).get("logits").maxAbsDiff(want) < 1e-4);
    }
  }

  @Test
  void withoutTheSignatureEncodedInputIsRefused(@TempDir Path base) {
    Path dir = SavedModelExporter.export(TINY, Weights.seed(6), base, ExportOptions.defaults()).directory();
    try (ServingModel m = ServingModel.load(dir)) {
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> m.predictEncoded(List.of(new byte[] {1})));
      assertEquals(dir + " has no 'serving_image_bytes' signature (export it with the image-bytes signature)", e.getMessage());
    }
  }

  @Test
  void twoChannelModelsCannotDecodeImages(@TempDir Path base) throws Exception {
    ViTConfig two = TINY.toBuilder().channels(2).build();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SavedModelExporter.export(two, Weights.seed(0), base, ExportOptions.defaults().withImageBytesSignature(true)));
    assertEquals("image decoding supports models with 1, 3 or 4 input channels, not 2", e.getMessage());
    assertEquals(List.of(), TestSupport.tree(base));
  }
}
