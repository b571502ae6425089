package dev.vittf.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderTest {
  @TempDir Path root;

  private void rgb(Path file, int w, int h, int rgb) throws IOException {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.setRGB(x, y, x == 0 && y == 0 ? 0x102030 : rgb);
      }
    }
    Files.createDirectories(file.getParent());
    String fmt = file.toString().endsWith(".png") ? "png" : "jpg";
    ImageIO.write(img, fmt, file.toFile());
  }

  private void grey(Path file, int w, int h, int v) throws IOException {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.getRaster().setSample(x, y, 0, v);
      }
    }
    Files.createDirectories(file.getParent());
    ImageIO.write(img, "png", file.toFile());
  }

  @Test
  void readsClassesSortedWithExactPngPixels() throws IOException {
    rgb(root.resolve("zebra/1.png"), 4, 3, 0xff8000);
    rgb(root.resolve("ant/a.png"), 4, 3, 0x00ff40);
    rgb(root.resolve("ant/b.png"), 4, 3, 0x0000ff);
    Files.writeString(root.resolve("ant/notes.txt"), "ignored");
    ImageDataset d = ImageFolder.read(root, 3, 4, 3, false);
    assertEquals(List.of("ant", "zebra"), d.classNames());
    assertEquals(3, d.size());
    assertEquals(0, d.label(0));
    assertEquals(0, d.label(1));
    assertEquals(1, d.label(2));
    // image 0 = ant/a.png: pixel (0,0) is 0x102030, pixel (0,1) is 0x00ff40
    assertEquals(0x10, d.pixel(0, 0));
    assertEquals(0x20, d.pixel(0, 1));
    assertEquals(0x30, d.pixel(0, 2));
    assertEquals(0x00, d.pixel(0, 3));
    assertEquals(0xff, d.pixel(0, 4));
    assertEquals(0x40, d.pixel(0, 5));
    assertEquals(0x80, d.pixel(2, 4));
  }

  @Test
  void convertsChannelsAndReadsJpeg() throws IOException {
    grey(root.resolve("a/g.png"), 2, 2, 77);
    rgb(root.resolve("b/c.jpg"), 2, 2, 0x808080);
    ImageDataset rgb3 = ImageFolder.read(root, 2, 2, 3, false);
    assertEquals(77, rgb3.pixel(0, 0));
    assertEquals(77, rgb3.pixel(0, 1));
    assertEquals(77, rgb3.pixel(0, 2));
    ImageDataset g1 = ImageFolder.read(root, 2, 2, 1, false);
    assertEquals(77, g1.pixel(0, 3));
    assertTrue(Math.abs(g1.pixel(1, 3) - 128) <= 3, "jpeg grey ~128, got " + g1.pixel(1, 3));
  }

  @Test
  void wrongSizeIsAnErrorUnlessResizing() throws IOException {
    grey(root.resolve("a/big.png"), 8, 8, 200);
    String m = assertThrows(DataException.class, () -> ImageFolder.read(root, 4, 4, 1, false)).getMessage();
    assertTrue(m.contains("big.png: image is 8x8 but 4x4 is required"), m);
    ImageDataset d = ImageFolder.read(root, 4, 4, 1, true);
    assertEquals(4, d.height());
    assertEquals(200, d.pixel(0, 5));
  }

  @Test
  void unreadableEmptyAndMissingDataHaveClearMessages() throws IOException {
    Files.createDirectories(root.resolve("a"));
    Files.write(root.resolve("a/broken.png"), new byte[] {1, 2, 3, 4});
    String m = assertThrows(DataException.class, () -> ImageFolder.read(root, 2, 2, 1, false)).getMessage();
    assertTrue(m.contains("broken.png: unreadable image"), m);
    Files.delete(root.resolve("a/broken.png"));
    m = assertThrows(DataException.class, () -> ImageFolder.read(root, 2, 2, 1, false)).getMessage();
    assertTrue(m.endsWith("a: class folder has no PNG or JPEG image"), m);
    Path empty = Files.createDirectories(root.resolve("x/empty"));
    m = assertThrows(DataException.class, () -> ImageFolder.read(empty, 2, 2, 1, false)).getMessage();
    assertTrue(m.contains("no class sub-folders"), m);
    m = assertThrows(DataException.class, () -> ImageFolder.read(root.resolve("nope"), 2, 2, 1, false)).getMessage();
    assertTrue(m.contains("not a directory"), m);
  }
}
