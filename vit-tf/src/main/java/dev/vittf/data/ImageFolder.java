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

  /**
   * Writes a dataset as an image folder: {@code dir/<class name>/<index>.png}, 8-bit grey or RGB PNGs, the
   * index being the image's position in the dataset (zero-padded). The folder is written in a temporary sibling
   * and renamed when complete, so it is never seen half-written.
   *
   * @throws IOException if {@code dir} exists or a file cannot be written
   */
  public static void write(ImageDataset data, Path dir) throws IOException {
    if (data.channels() != 1 && data.channels() != 3) {
      throw new DataException("image folders hold 1- or 3-channel images, not " + data.channels());
    }
    if (Files.exists(dir)) {
      throw new java.nio.file.FileAlreadyExistsException(dir.toString(), null, "exists; choose a new folder");
    }
    Path abs = dir.toAbsolutePath();
    Files.createDirectories(abs.getParent());
    Path tmp = Files.createTempDirectory(abs.getParent(), "." + abs.getFileName() + dev.vittf.core.AtomicFiles.TEMP_MARK);
    try {
      int digits = String.valueOf(data.size() - 1).length();
      byte[] img = new byte[data.imageSize()];
      for (int i = 0; i < data.size(); i++) {
        Path classDir = Files.createDirectories(tmp.resolve(data.classNames().get(data.label(i))));
        data.copyImage(i, img, 0);
        BufferedImage b = new BufferedImage(data.width(), data.height(),
            data.channels() == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < data.height(); y++) {
          for (int x = 0; x < data.width(); x++) {
            for (int c = 0; c < data.channels(); c++) {
              b.getRaster().setSample(x, y, c, img[(y * data.width() + x) * data.channels() + c] & 0xff);
            }
          }
        }
        String name = String.format(Locale.ROOT, "%0" + digits + "d.png", i);
        if (!ImageIO.write(b, "png", classDir.resolve(name).toFile())) {
          throw new IOException("no PNG writer available");
        }
      }
      Files.move(tmp, abs, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } finally {
      if (Files.exists(tmp)) {
        try (Stream<Path> s = Files.walk(tmp)) {
          for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
            Files.deleteIfExists(p);
          }
        }
      }
    }
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
