package dev.vittf.spark;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;

/** Generated photos for the Spark tests: smooth colour fields with noise, PNG and JPEG, of varied sizes. */
final class SparkTestImages {
  private SparkTestImages() {}

  /** Writes {@code count} images into {@code dir} (seeded) and returns their paths. */
  static List<Path> write(Path dir, int count, long seed) throws IOException {
    Files.createDirectories(dir);
    Random random = new Random(seed);
    List<Path> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int w = 24 + random.nextInt(72);
      int h = 24 + random.nextInt(72);
      BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
      int[] base = {random.nextInt(256), random.nextInt(256), random.nextInt(256)};
      int[] slope = {random.nextInt(9) - 4, random.nextInt(9) - 4, random.nextInt(9) - 4};
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          int rgb = 0;
          for (int c = 0; c < 3; c++) {
            int v = Math.floorMod(base[c] + slope[c] * (c == 1 ? y : x) + random.nextInt(24), 256);
            rgb = (rgb << 8) | v;
          }
          image.setRGB(x, y, rgb);
        }
      }
      String format = i % 2 == 0 ? "png" : "jpg";
      Path file = dir.resolve(String.format("img-%04d.%s", i, format));
      ImageIO.write(image, format.equals("jpg") ? "jpeg" : "png", file.toFile());
      out.add(file);
    }
    return out;
  }

  /**
   * A truncated JPEG, random bytes named .jpg, and a PNG that stops after its signature. (Not an empty file:
   * Spark's file sources skip zero-byte files, so no row would ever carry it.)
   */
  static List<Path> writeCorrupt(Path dir, Path goodJpeg) throws IOException {
    byte[] jpeg = Files.readAllBytes(goodJpeg);
    byte[] noise = new byte[700];
    new Random(7).nextBytes(noise);
    return List.of(
        Files.write(dir.resolve("corrupt-truncated.jpg"), Arrays.copyOf(jpeg, 120)),
        Files.write(dir.resolve("corrupt-noise.jpg"), noise),
        Files.write(dir.resolve("corrupt-signature-only.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10}));
  }

  /** A PNG of one image, in memory. */
  static byte[] png(int w, int h, int rgb) throws IOException {
    BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        image.setRGB(x, y, rgb ^ (x * 7 + y * 13));
      }
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ImageIO.write(image, "png", bytes);
    return bytes.toByteArray();
  }
}
