package dev.vittf.data;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;

/**
 * Writes small image folders for tests: one sub-folder per class, PNG and JPEG photos of various sizes whose
 * class is visible (a class-specific dominant colour and stripe direction) so that a few steps can learn it.
 */
public final class GeneratedImageFolder {
  private GeneratedImageFolder() {}

  /** The classes {@link #write} uses, in order. */
  public static final List<String> CLASSES = List.of("cat", "dog", "fish");

  /**
   * Writes {@code perClass} images of each of {@link #CLASSES} under {@code root/<class>/}: RGB, sizes between
   * 20 and 48 pixels, every third a JPEG, the rest PNG.
   */
  public static Path write(Path root, int perClass, long seed) throws IOException {
    SplittableRandom r = new SplittableRandom(seed);
    for (int k = 0; k < CLASSES.size(); k++) {
      Path dir = Files.createDirectories(root.resolve(CLASSES.get(k)));
      for (int i = 0; i < perClass; i++) {
        int h = 20 + r.nextInt(29);
        int w = 20 + r.nextInt(29);
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < h; y++) {
          for (int x = 0; x < w; x++) {
            int stripe = ((k == 0 ? x : k == 1 ? y : x + y) / 4) % 2 == 0 ? 60 : 0;
            int[] rgb = new int[3];
            for (int c = 0; c < 3; c++) {
              rgb[c] = Math.min(255, (c == k ? 170 : 40) + stripe + r.nextInt(25));
            }
            img.setRGB(x, y, (rgb[0] << 16) | (rgb[1] << 8) | rgb[2]);
          }
        }
        String format = i % 3 == 2 ? "jpg" : "png";
        ImageIO.write(img, format, dir.resolve(String.format("%s_%03d.%s", CLASSES.get(k), i, format)).toFile());
      }
    }
    return root;
  }

  /** Writes one grey PNG of {@code size x size}. */
  public static void grey(Path file, int size, int level) throws IOException {
    BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        img.getRaster().setSample(x, y, 0, (level + x * 7 + y * 3) & 0xff);
      }
    }
    Files.createDirectories(file.getParent());
    ImageIO.write(img, "png", file.toFile());
  }
}
