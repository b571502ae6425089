package dev.vittf.preprocess;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Locale;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.image.DecodeJpeg;
import org.tensorflow.types.TString;
import org.tensorflow.types.TUint8;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * CMYK and YCCK JPEGs, written here (ImageIO, 4-component rasters, quality 100): decoded to PIL's {@code
 * convert('RGB')} — checked against PIL's formula evaluated in double precision on the components that were
 * written (so within JPEG's loss), and, for files with an Adobe marker, against a second decoder (TensorFlow's
 * libjpeg-turbo, whose own conversion truncates where PIL rounds: within one level).
 */
class CmykJpegTest {
  private static ImageDecoder decoder;
  private static final int W = 48;
  private static final int H = 40;

  @BeforeAll
  static void open() {
    decoder = new ImageDecoder();
  }

  @AfterAll
  static void close() {
    decoder.close();
  }

  /** Smooth components, so that quality-100 JPEG loses little: every component, several K levels. */
  private static WritableRaster components() {
    WritableRaster r = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, W, H, 4, null);
    for (int y = 0; y < H; y++) {
      for (int x = 0; x < W; x++) {
        r.setSample(x, y, 0, 30 + 4 * x);
        r.setSample(x, y, 1, 220 - 5 * y);
        r.setSample(x, y, 2, 60 + 2 * x + 2 * y);
        r.setSample(x, y, 3, 90 + 3 * y + x);
      }
    }
    return r;
  }

  /** A 4-component JPEG of the raster as stored components; {@code adobe} -1 writes no APP14 marker. */
  static byte[] jpeg(Raster raster, int adobe) throws IOException {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ImageWriteParam param = writer.getDefaultWriteParam();
    param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
    param.setCompressionQuality(1f);
    IIOMetadata meta = null;
    if (adobe >= 0) {
      // Start from an RGB image's metadata: drop JFIF, add the Adobe marker and a fourth component.
      meta = writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromBufferedImageType(
          java.awt.image.BufferedImage.TYPE_3BYTE_BGR), param);
      String format = "javax_imageio_jpeg_image_1.0";
      Element root = (Element) meta.getAsTree(format);
      Node variety = root.getElementsByTagName("JPEGvariety").item(0);
      while (variety.hasChildNodes()) {
        variety.removeChild(variety.getFirstChild());
      }
      IIOMetadataNode app14 = new IIOMetadataNode("app14Adobe");
      app14.setAttribute("transform", Integer.toString(adobe));
      root.getElementsByTagName("markerSequence").item(0).appendChild(app14);
      Element sof = (Element) root.getElementsByTagName("sof").item(0);
      sof.setAttribute("numFrameComponents", "4");
      IIOMetadataNode c4 = new IIOMetadataNode("componentSpec");
      c4.setAttribute("componentId", "4");
      c4.setAttribute("HsamplingFactor", "1");
      c4.setAttribute("VsamplingFactor", "1");
      c4.setAttribute("QtableSelector", "1");
      sof.appendChild(c4);
      Element sos = (Element) root.getElementsByTagName("sos").item(0);
      sos.setAttribute("numScanComponents", "4");
      IIOMetadataNode s4 = new IIOMetadataNode("scanComponentSpec");
      s4.setAttribute("componentSelector", "4");
      s4.setAttribute("dcHuffTable", "1");
      s4.setAttribute("acHuffTable", "1");
      sos.appendChild(s4);
      meta.setFromTree(format, root);
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
      writer.setOutput(out);
      writer.write(null, new IIOImage(raster, null, meta), param);
    } finally {
      writer.dispose();
    }
    return bytes.toByteArray();
  }

  /** PIL's result for stored components, in double precision (YCCK converted with the exact JPEG formulas). */
  private static int[] pil(int c0, int c1, int c2, int k, boolean ycck) {
    double[] cmy = {c0, c1, c2};
    if (ycck) {
      double r = c0 + 1.402 * (c2 - 128);
      double g = c0 - 0.344136 * (c1 - 128) - 0.714136 * (c2 - 128);
      double b = c0 + 1.772 * (c1 - 128);
      cmy = new double[] {255 - clip(r), 255 - clip(g), 255 - clip(b)};
    }
    int[] rgb = new int[3];
    for (int i = 0; i < 3; i++) {
      // CMYK;I inverts, convert('RGB') gives (255 - k)(255 - c)/255 on the inverted values.
      rgb[i] = (int) Math.round(k - k * (255 - cmy[i]) / 255.0);
    }
    return rgb;
  }

  private static double clip(double v) {
    return Math.max(0, Math.min(255, v));
  }

  /** TensorFlow's own DecodeJpeg to RGB (libjpeg-turbo; for Adobe files it computes floor(c·k/255)). */
  private static RgbImage tensorFlow(byte[] jpeg) {
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Placeholder<TString> in = tf.placeholder(TString.class);
      var out = tf.image.decodeJpeg(in, DecodeJpeg.channels(3L), DecodeJpeg.dctMethod("INTEGER_ACCURATE"));
      try (TString t = TString.tensorOfBytes(NdArrays.scalarOfObject(jpeg)); Result r = s.runner().feed(in, t).fetch(out).run()) {
        TUint8 px = (TUint8) r.get(0);
        byte[] b = new byte[H * W * 3];
        px.asRawTensor().data().read(b);
        return new RgbImage(H, W, b);
      }
    }
  }

  @ParameterizedTest(name = "Adobe transform {0}")
  @ValueSource(ints = {0, 2, -1})
  void convertedAsPilConvertRgbDoes(int adobe) throws IOException {
    WritableRaster raster = components();
    byte[] file = jpeg(raster, adobe);
    RgbImage got = decoder.decode(file, "cmyk.jpg");
    assertEquals(H, got.height());
    assertEquals(W, got.width());
    boolean ycck = adobe > 0;
    double max = 0;
    double sum = 0;
    int[] px = new int[4];
    for (int y = 0; y < H; y++) {
      for (int x = 0; x < W; x++) {
        raster.getPixel(x, y, px);
        int[] want = pil(px[0], px[1], px[2], px[3], ycck);
        for (int c = 0; c < 3; c++) {
          double d = Math.abs(want[c] - got.get(y, x, c));
          max = Math.max(max, d);
          sum += d;
        }
      }
    }
    double mean = sum / (W * H * 3);
    System.out.printf(Locale.ROOT, "CMYK JPEG (Adobe transform %d) vs PIL's formula on the written components: max %.0f, mean %.3f levels%n",
        adobe, max, mean);
    // JPEG's loss: a few levels, more for YCCK where R/G/B are sums of scaled components (gross errors, an inverted or
    // swapped channel, are around 100 levels).
    assertTrue(max <= (ycck ? 10 : 4) && mean <= 0.5, "max " + max + ", mean " + mean);

    if (adobe >= 0) {
      RgbImage tf = tensorFlow(file);
      int tfMax = 0;
      for (int i = 0; i < got.pixels().length; i++) {
        tfMax = Math.max(tfMax, Math.abs((got.pixels()[i] & 0xff) - (tf.pixels()[i] & 0xff)));
      }
      System.out.printf(Locale.ROOT, "CMYK JPEG (Adobe transform %d) vs TensorFlow's DecodeJpeg: max %d levels%n", adobe, tfMax);
      assertTrue(tfMax <= 1, "vs TensorFlow's decode: " + tfMax + " levels");
    }
  }

  @ParameterizedTest(name = "MULDIV255 exact for a = {0}")
  @ValueSource(ints = {0, 1, 127, 128, 200, 254, 255})
  void mulDiv255RoundsExactly(int a) {
    for (int b = 0; b < 256; b++) {
      assertEquals(Math.round(a * b / 255.0), CmykJpeg.mulDiv255(a, b), a + "*" + b);
    }
  }
}
