package dev.vittf.preprocess;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vittf.Fixtures;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Colour conversions as PIL's {@code convert('RGB')} and the refusal of bad input. */
class ImageDecoderTest {
  private static final Path PHOTOS = Fixtures.dir().resolve("preprocess");
  private static ImageDecoder decoder;

  @BeforeAll
  static void open() {
    decoder = new ImageDecoder();
  }

  @AfterAll
  static void close() {
    decoder.close();
  }

  private static byte[] png(BufferedImage image) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertTrue(ImageIO.write(image, "png", out));
    return out.toByteArray();
  }

  private static String error(byte[] bytes) {
    return assertThrows(ImageFormatException.class, () -> decoder.decode(bytes, "photo.x")).getMessage();
  }

  @Test
  void greyPaletteAlphaAndSixteenBitConvertLikePil() throws IOException {
    BufferedImage grey = new BufferedImage(3, 2, BufferedImage.TYPE_BYTE_GRAY);
    grey.getRaster().setSample(1, 0, 0, 200);
    RgbImage g = decoder.decode(png(grey), "grey");
    assertEquals(200, g.get(0, 1, 0));
    assertEquals(200, g.get(0, 1, 2)); // replicated, no gamma/colour management

    byte[] r = {10, (byte) 250};
    byte[] gg = {20, 5};
    byte[] b = {30, (byte) 128};
    BufferedImage palette = new BufferedImage(2, 2, BufferedImage.TYPE_BYTE_INDEXED, new IndexColorModel(8, 2, r, gg, b));
    palette.getRaster().setSample(1, 1, 0, 1);
    RgbImage p = decoder.decode(png(palette), "palette");
    assertEquals(250, p.get(1, 1, 0));
    assertEquals(5, p.get(1, 1, 1));
    assertEquals(128, p.get(1, 1, 2));
    assertEquals(10, p.get(0, 0, 0));

    BufferedImage rgba = new BufferedImage(2, 1, BufferedImage.TYPE_INT_ARGB);
    rgba.setRGB(0, 0, 0x10_40_80_c0); // alpha 0x10: dropped, not composited
    RgbImage a = decoder.decode(png(rgba), "rgba");
    assertEquals(0x40, a.get(0, 0, 0));
    assertEquals(0x80, a.get(0, 0, 1));
    assertEquals(0xc0, a.get(0, 0, 2));

    // 16-bit grey: PIL opens it as mode I and convert('RGB') clips every value to 255 (not the high byte).
    BufferedImage deep = new BufferedImage(4, 1, BufferedImage.TYPE_USHORT_GRAY);
    int[] values = {0xabcd, 0x00ff, 0x0080, 0x0100};
    for (int x = 0; x < 4; x++) {
      deep.getRaster().setSample(x, 0, 0, values[x]);
    }
    RgbImage d = decoder.decode(png(deep), "deep");
    for (int x = 0; x < 4; x++) {
      for (int c = 0; c < 3; c++) {
        assertEquals(Math.min(values[x], 255), d.get(0, x, c), "pixel " + x + " channel " + c);
      }
    }
  }

  @Test
  void jpegMatchesThePngOfTheSamePhotoClosely() {
    // chelsea_q90.jpg is chelsea.png saved at quality 90: a working decoder lands within a few levels on average.
    RgbImage jpg = decoder.decode(PHOTOS.resolve("chelsea_q90.jpg"));
    RgbImage png = decoder.decode(PHOTOS.resolve("chelsea.png"));
    assertEquals(png.height(), jpg.height());
    assertEquals(png.width(), jpg.width());
    double sum = 0;
    for (int i = 0; i < png.pixels().length; i++) {
      sum += Math.abs((png.pixels()[i] & 0xff) - (jpg.pixels()[i] & 0xff));
    }
    double mean = sum / png.pixels().length;
    assertTrue(mean > 0.1 && mean < 4, "mean JPEG error " + mean);
  }

  @Test
  void refusesBadInputNamingTheImageAndTheReason() throws IOException {
    assertTrue(error(new byte[0]).contains("empty file"));
    String m = error("hello".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertTrue(m.startsWith("photo.x: not a PNG, JPEG"), m);
    byte[] png = Files.readAllBytes(PHOTOS.resolve("coffee.png"));
    assertTrue(error(Arrays.copyOf(png, png.length - 5000)).contains("truncated PNG"));
    assertTrue(error(Arrays.copyOf(png, 20)).contains("truncated PNG"));
    byte[] jpg = Files.readAllBytes(PHOTOS.resolve("chelsea_q90.jpg"));
    assertTrue(error(Arrays.copyOf(jpg, jpg.length / 2)).contains("truncated JPEG"), error(Arrays.copyOf(jpg, jpg.length / 2)));
    assertTrue(error(Arrays.copyOf(jpg, 100)).contains("JPEG"));

    // A frame header claiming four components over three-component scans: a broken CMYK file, named as such.
    byte[] cmyk = jpg.clone();
    int sof = sofOffset(cmyk);
    cmyk[sof + 9] = 4;
    assertTrue(error(cmyk).startsWith("photo.x: invalid or truncated CMYK/YCCK JPEG data"), error(cmyk));
    byte[] five = jpg.clone();
    five[sof + 9] = 5;
    assertTrue(error(five).contains("JPEG with 5 colour components is not supported"), error(five));

    // Zero-size and giant headers are refused from the header, before any pixel is decoded.
    assertTrue(error(withIhdrSize(png, 0, 400)).contains("zero-size"));
    m = error(withIhdrSize(png, 100_000, 100_000));
    assertTrue(m.contains("10000000000 pixels exceeds the limit of 89478485"), m);
    byte[] giantJpeg = jpg.clone();
    giantJpeg[sof + 5] = (byte) 0xff;
    giantJpeg[sof + 6] = (byte) 0xff;
    giantJpeg[sof + 7] = (byte) 0xff;
    giantJpeg[sof + 8] = (byte) 0xff;
    assertTrue(error(giantJpeg).contains("exceeds the limit"));
    try (ImageDecoder small = new ImageDecoder(1000)) {
      String e = assertThrows(ImageFormatException.class, () -> small.decode(PHOTOS.resolve("chelsea.png"))).getMessage();
      assertTrue(e.contains("chelsea.png") && e.contains("135300 pixels exceeds the limit of 1000"), e);
    }
    String missing = assertThrows(ImageFormatException.class, () -> decoder.decode(PHOTOS.resolve("nope.png"))).getMessage();
    assertTrue(missing.contains("nope.png") && missing.contains("cannot read"), missing);
  }

  @Test
  void closedDecoderRefusesJpeg() throws IOException {
    ImageDecoder d = new ImageDecoder();
    byte[] jpg = Files.readAllBytes(PHOTOS.resolve("chelsea_q90.jpg"));
    assertEquals(451, d.decode(jpg, "a").width());
    d.close();
    assertThrows(IllegalStateException.class, () -> d.decode(jpg, "a"));
  }

  private static int sofOffset(byte[] jpg) {
    for (int p = 2; p + 1 < jpg.length; ) {
      int marker = jpg[p + 1] & 0xff;
      if (marker == 0xc0 || marker == 0xc2) {
        return p;
      }
      p += 2 + (((jpg[p + 2] & 0xff) << 8) | (jpg[p + 3] & 0xff));
    }
    throw new AssertionError("no SOF");
  }

  /** The PNG with another IHDR width/height (and a valid CRC, so only the size is wrong). */
  private static byte[] withIhdrSize(byte[] png, int width, int height) {
    byte[] b = png.clone();
    putInt(b, 16, width);
    putInt(b, 20, height);
    CRC32 crc = new CRC32();
    crc.update(b, 12, 17);
    putInt(b, 29, (int) crc.getValue());
    return b;
  }

  private static void putInt(byte[] b, int p, int v) {
    b[p] = (byte) (v >>> 24);
    b[p + 1] = (byte) (v >>> 16);
    b[p + 2] = (byte) (v >>> 8);
    b[p + 3] = (byte) v;
  }

  @Test
  void bufferedImageUsesRawSamples() {
    BufferedImage img = new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB);
    img.setRGB(1, 0, 0x123456);
    RgbImage rgb = decoder.fromBufferedImage(img, "img");
    assertArrayEquals(new byte[] {0x12, 0x34, 0x56}, Arrays.copyOfRange(rgb.pixels(), 3, 6));
  }
}
