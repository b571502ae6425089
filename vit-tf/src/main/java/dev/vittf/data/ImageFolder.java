package dev.vittf.data;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * Reads an image-folder dataset: one sub-folder per class ({@code root/<class>/<image>}), classes
 * sorted by folder name, PNG and JPEG files decoded with {@code javax.imageio}. Images are converted
 * to the requested channel count (1 = grey, 3 = RGB) and, when their size differs from the requested
 * one, resized bilinearly if {@code resize} is set, otherwise rejected.
 */
public final class ImageFolder {
  private static final List<String> EXTENSIONS = List.of(".png", ".jpg", ".jpeg");

  private ImageFolder() {}

  /**
   * Reads the dataset under {@code root}.
   *
   * @param height target image height
   * @param width target image width
   * @param channels 1 (grey) or 3 (RGB)
   * @param resize whether images of another size are resized (otherwise they are an error)
   * @throws DataException if there is no class folder, a class folder has no image, a file cannot be
   *     decoded, or an image has the wrong size and {@code resize} is off
   */
  public static ImageDataset read(Path root, int height, int width, int channels, boolean resize) throws IOException {
    if (channels != 1 && channels != 3) {
      throw new DataException("image folders are read as 1 (grey) or 3 (RGB) channels, not " + channels);
    }
    if (!Files.isDirectory(root)) {
      throw new DataException(root + ": not a directory");
    }
    List<Path> classDirs;
    try (Stream<Path> s = Files.list(root)) {
      classDirs = s.filter(Files::isDirectory).sorted().toList();
    }
    if (classDirs.isEmpty()) {
      throw new DataException(root + ": no class sub-folders (expected root/<class>/<image>.png|jpg)");
    }
    List<String> classNames = new ArrayList<>();
    List<byte[]> images = new ArrayList<>();
    List<Integer> labels = new ArrayList<>();
    for (int k = 0; k < classDirs.size(); k++) {
      Path dir = classDirs.get(k);
      classNames.add(dir.getFileName().toString());
      List<Path> files;
      try (Stream<Path> s = Files.list(dir)) {
        files = s.filter(p -> Files.isRegularFile(p) && hasImageExtension(p)).sorted().toList();
      }
      if (files.isEmpty()) {
        throw new DataException(dir + ": class folder has no PNG or JPEG image");
      }
      for (Path f : files) {
        images.add(decode(f, height, width, channels, resize));
        labels.add(k);
      }
    }
    int per = height * width * channels;
    byte[] pixels = new byte[Math.multiplyExact(images.size(), per)];
    int[] y = new int[labels.size()];
    for (int i = 0; i < y.length; i++) {
      System.arraycopy(images.get(i), 0, pixels, i * per, per);
      y[i] = labels.get(i);
    }
    return ImageDataset.of(height, width, channels, pixels, y, classNames);
  }

  private static boolean hasImageExtension(Path p) {
    String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
    return EXTENSIONS.stream().anyMatch(n::endsWith);
  }

  /** Decodes one file to {@code height × width × channels} bytes. */
  static byte[] decode(Path file, int height, int width, int channels, boolean resize) throws IOException {
    BufferedImage img;
    try {
      img = ImageIO.read(file.toFile());
    } catch (IOException e) {
      throw new DataException(file + ": unreadable image (" + e.getMessage() + ")", e);
    }
    if (img == null) {
      throw new DataException(file + ": unreadable image (not a PNG or JPEG that javax.imageio can decode)");
    }
    int h = img.getHeight();
    int w = img.getWidth();
    if ((h != height || w != width) && !resize) {
      throw new DataException(file + ": image is " + h + "x" + w + " but " + height + "x" + width
          + " is required (enable resizing to convert)");
    }
    boolean grey = img.getType() == BufferedImage.TYPE_BYTE_GRAY;
    byte[] rgb = new byte[h * w * 3];
    byte[] g = new byte[h * w];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        if (grey) {
          g[y * w + x] = (byte) img.getRaster().getSample(x, y, 0);
        } else {
          int p = img.getRGB(x, y);
          int o = (y * w + x) * 3;
          rgb[o] = (byte) (p >>> 16);
          rgb[o + 1] = (byte) (p >>> 8);
          rgb[o + 2] = (byte) p;
        }
      }
    }
    byte[] px = grey ? Images.adaptChannels(g, 1, channels) : Images.adaptChannels(rgb, 3, channels);
    return Images.resizeBilinear(px, h, w, channels, height, width);
  }
}
