package dev.vittf.preprocess;

import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.image.DecodeJpeg;
import org.tensorflow.types.TString;
import org.tensorflow.types.TUint8;

/**
 * Decodes image files to the 8-bit RGB that PIL's {@code Image.open(f).convert('RGB')} gives, so
 * that every pipeline starts from the same pixels as the Python libraries.
 *
 * <ul>
 *   <li><b>JPEG</b> (baseline and progressive, grey or YCbCr): TensorFlow's own {@code DecodeJpeg}
 *       op, which is libjpeg-turbo — the library inside PIL — run with the accurate integer IDCT
 *       ("islow", PIL's default) and fancy upsampling. Java's ImageIO decoder differs from libjpeg
 *       in both (see docs/preprocessing.md for the measurement).
 *   <li><b>CMYK and YCCK JPEG</b> (4 components): the raw components from ImageIO's IJG libjpeg (the same islow IDCT
 *       and fancy upsampling), then what PIL does ({@link CmykJpeg}): libjpeg's YCCK-to-CMYK conversion, PIL's
 *       inverted ("Adobe") CMYK reading, and {@code convert('RGB')}.
 *   <li><b>PNG</b> (1–16 bit grey, RGB, palette, with or without alpha), <b>GIF</b> (first frame) and
 *       <b>BMP</b>: ImageIO, reading the raw samples (never {@code getRGB}, which would apply colour
 *       management): alpha is dropped, grey is replicated, a palette is looked up, 1/2/4-bit grey is
 *       scaled to 0–255, 16-bit samples keep their high byte as PIL does for 16-bit RGB and grey + alpha, and 16-bit
 *       grey is clipped to 255 as PIL's {@code convert('RGB')} of mode {@code I} does (a 16-bit grey photo comes out
 *       almost white: PIL's behaviour, copied so that the model sees what it saw in Python).
 * </ul>
 *
 * <p>The width and height are read from the header and checked against the pixel limit before any
 * pixel is decoded (default: PIL's {@code MAX_IMAGE_PIXELS}, 89,478,485). Every failure is an {@link
 * ImageFormatException} naming the image and the reason. Thread-safe; close it to free the JPEG
 * decoder's TensorFlow graph.
 */
public final class ImageDecoder implements AutoCloseable {
  /** PIL's {@code Image.MAX_IMAGE_PIXELS}: above it PIL warns of a decompression bomb. */
  public static final long DEFAULT_MAX_PIXELS = 89_478_485L;
  /** Largest encoded file read into memory (1 GiB). */
  public static final long MAX_FILE_BYTES = 1L << 30;

  private final long maxPixels;
  private final ReadWriteLock lock = new ReentrantReadWriteLock();
  private Graph jpegGraph;
  private Session jpegSession;
  private Placeholder<TString> jpegInput;
  private Operand<TUint8> jpegOutput;
  private boolean closed;

  /** A decoder with PIL's default pixel limit. */
  public ImageDecoder() {
    this(DEFAULT_MAX_PIXELS);
  }

  /** A decoder refusing images with more than {@code maxPixels} pixels. */
  public ImageDecoder(long maxPixels) {
    if (maxPixels < 1) {
      throw new IllegalArgumentException("maxPixels must be >= 1, got " + maxPixels);
    }
    this.maxPixels = maxPixels;
  }

  /** The pixel limit. */
  public long maxPixels() {
    return maxPixels;
  }

  /** Decodes a file; errors name the file. */
  public RgbImage decode(Path file) {
    String name = file.toString();
    byte[] bytes;
    try {
      long size = Files.size(file);
      if (size > MAX_FILE_BYTES) {
        throw new ImageFormatException(name, "file of " + size + " bytes is larger than the " + MAX_FILE_BYTES + "-byte limit");
      }
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new ImageFormatException(name, "cannot read the file (" + e + ")", e);
    }
    return decode(bytes, name);
  }

  /** Decodes encoded image bytes; {@code name} labels the image in errors. */
  public RgbImage decode(byte[] bytes, String name) {
    Header header = Header.read(bytes, name);
    if (header.width() <= 0 || header.height() <= 0) {
      throw new ImageFormatException(name, "zero-size image (" + header.width() + "x" + header.height() + " in the "
          + header.format() + " header)");
    }
    checkPixels(name, header.width(), header.height());
    if (header.format().equals("JPEG")) {
      if (header.components() == 4) {
        return decodeCmykJpeg(bytes, name, header);
      }
      if (header.components() != 1 && header.components() != 3) {
        throw new ImageFormatException(name, "JPEG with " + header.components() + " colour components is not supported "
            + "(1: grey, 3: YCbCr/RGB, 4: CMYK/YCCK)");
      }
      return decodeJpeg(bytes, name, header);
    }
    return decodeWithImageIo(bytes, name, header.format());
  }

  /**
   * Converts a Java image to RGB as {@code convert('RGB')} would convert the same samples: raw
   * samples (no colour management), alpha dropped, grey replicated, palette looked up.
   */
  public RgbImage fromBufferedImage(BufferedImage image, String name) {
    checkPixels(name, image.getWidth(), image.getHeight());
    return toRgb(image, name);
  }

  private void checkPixels(String name, long width, long height) {
    if (width <= 0 || height <= 0) {
      throw new ImageFormatException(name, "zero-size image (" + width + "x" + height + ")");
    }
    if (width * height > maxPixels) {
      throw new ImageFormatException(name, "image of " + width + "x" + height + " = " + width * height
          + " pixels exceeds the limit of " + maxPixels + " pixels (a possible decompression bomb; raise the limit if "
          + "the image is trusted)");
    }
  }

  // ---- JPEG: libjpeg-turbo through TensorFlow ----

  private RgbImage decodeJpeg(byte[] bytes, String name, Header header) {
    lock.readLock().lock();
    try {
      ensureJpegDecoder();
      try (TString in = TString.tensorOfBytes(NdArrays.scalarOfObject(bytes));
          Result r = jpegSession.runner().feed(jpegInput, in).fetch(jpegOutput).run()) {
        TUint8 out = (TUint8) r.get(0);
        Shape s = out.shape();
        if (s.numDimensions() != 3 || s.get(2) != 3 || s.get(0) != header.height() || s.get(1) != header.width()) {
          throw new ImageFormatException(name, "JPEG decoded to " + s + ", the header says " + header.height() + "x"
              + header.width());
        }
        byte[] pixels = new byte[(int) (s.get(0) * s.get(1) * 3)];
        out.asRawTensor().data().read(pixels);
        return new RgbImage((int) s.get(0), (int) s.get(1), pixels);
      } catch (ImageFormatException e) {
        throw e;
      } catch (RuntimeException e) {
        // TensorFlow reports libjpeg's errors as TFInvalidArgumentException (an IllegalArgumentException).
        throw new ImageFormatException(name, "invalid or truncated JPEG data (" + firstLine(e.getMessage()) + ")", e);
      }
    } finally {
      lock.readLock().unlock();
    }
  }

  private void ensureJpegDecoder() {
    synchronized (this) {
      if (closed) {
        throw new IllegalStateException("image decoder is closed");
      }
      if (jpegSession != null) {
        return;
      }
      Graph g = new Graph();
      try {
        Ops tf = Ops.create(g);
        Placeholder<TString> input = tf.withName("jpeg_bytes").placeholder(TString.class, Placeholder.shape(Shape.scalar()));
        // islow IDCT and fancy upsampling: PIL's libjpeg defaults (TensorFlow's own default is the fast IDCT).
        Operand<TUint8> output = tf.image.decodeJpeg(input, DecodeJpeg.channels(3L),
            DecodeJpeg.dctMethod("INTEGER_ACCURATE"), DecodeJpeg.fancyUpscaling(true), DecodeJpeg.tryRecoverTruncated(false));
        jpegSession = new Session(g);
        jpegGraph = g;
        jpegInput = input;
        jpegOutput = output;
      } catch (RuntimeException e) {
        g.close();
        throw e;
      }
    }
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "no detail";
    }
    String m = message.strip();
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl).strip();
  }

  // ---- CMYK / YCCK JPEG: ImageIO's raw components, converted as libjpeg and PIL do ----

  private RgbImage decodeCmykJpeg(byte[] bytes, String name, Header header) {
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
      Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName("jpeg");
      if (!readers.hasNext()) {
        throw new ImageFormatException(name, "no JPEG decoder for this CMYK/YCCK file");
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        // readRaster: the decoded components as stored (IJG libjpeg islow IDCT, fancy upsampling), no colour conversion.
        Raster raw = reader.readRaster(0, null);
        if (raw.getNumBands() != 4 || raw.getWidth() != header.width() || raw.getHeight() != header.height()) {
          throw new ImageFormatException(name, "CMYK/YCCK JPEG decoded to " + raw.getNumBands() + " components of "
              + raw.getWidth() + "x" + raw.getHeight() + ", the header says 4 of " + header.width() + "x" + header.height());
        }
        return CmykJpeg.toRgb(raw, CmykJpeg.isYcck(header.adobeTransform()));
      } finally {
        reader.dispose();
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof ImageFormatException f) {
        throw f;
      }
      throw new ImageFormatException(name, "invalid or truncated CMYK/YCCK JPEG data (" + e + ")", e);
    }
  }

  // ---- PNG, GIF, BMP: ImageIO raw samples ----

  private RgbImage decodeWithImageIo(byte[] bytes, String name, String format) {
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        throw new ImageFormatException(name, "no decoder for this " + format + " file");
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        checkPixels(name, reader.getWidth(0), reader.getHeight(0));
        return toRgb(reader.read(0), name);
      } finally {
        reader.dispose();
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof ImageFormatException f) {
        throw f;
      }
      throw new ImageFormatException(name, "invalid or truncated " + format + " data (" + e + ")", e);
    }
  }

  private static RgbImage toRgb(BufferedImage image, String name) {
    int w = image.getWidth();
    int h = image.getHeight();
    Raster raster = image.getRaster();
    ColorModel cm = image.getColorModel();
    int bands = raster.getNumBands();
    byte[] rgb = new byte[Math.multiplyExact(Math.multiplyExact(w, h), 3)];
    int[] row = new int[w * bands];
    if (cm instanceof IndexColorModel icm) {
      for (int y = 0; y < h; y++) {
        raster.getPixels(0, y, w, 1, row);
        for (int x = 0; x < w; x++) {
          int i = row[x * bands];
          int o = (y * w + x) * 3;
          rgb[o] = (byte) icm.getRed(i);
          rgb[o + 1] = (byte) icm.getGreen(i);
          rgb[o + 2] = (byte) icm.getBlue(i);
        }
      }
      return new RgbImage(h, w, rgb);
    }
    int colours = cm.getNumColorComponents();
    if (colours != 1 && colours != 3) {
      throw new ImageFormatException(name, "unsupported colour model with " + colours + " colour components");
    }
    int[] bits = raster.getSampleModel().getSampleSize();
    // PIL opens 16-bit grey (no alpha) as mode I / I;16, whose convert('RGB') clips each value to 255; every other
    // 16-bit layout (RGB, grey + alpha) is unpacked to its high byte.
    boolean clipGrey16 = colours == 1 && bands == 1 && bits[0] == 16;
    for (int y = 0; y < h; y++) {
      raster.getPixels(0, y, w, 1, row);
      for (int x = 0; x < w; x++) {
        int o = (y * w + x) * 3;
        for (int b = 0; b < 3; b++) {
          int band = colours == 1 ? 0 : b;
          int sample = row[x * bands + band];
          rgb[o + b] = (byte) (clipGrey16 ? Math.min(sample, 255) : to8Bits(sample, bits[band]));
        }
      }
    }
    return new RgbImage(h, w, rgb);
  }

  /** A sample of {@code bits} bits as 0–255: low depths are scaled up, high depths keep their top byte. */
  private static int to8Bits(int sample, int bits) {
    if (bits == 8) {
      return sample;
    }
    if (bits > 8) {
      return sample >>> (bits - 8);
    }
    return sample * 255 / ((1 << bits) - 1);
  }

  @Override
  public void close() {
    lock.writeLock().lock();
    try {
      synchronized (this) {
        closed = true;
        if (jpegSession != null) {
          jpegSession.close();
          jpegGraph.close();
          jpegSession = null;
          jpegGraph = null;
        }
      }
    } finally {
      lock.writeLock().unlock();
    }
  }

  /**
   * What the first bytes of a file say: format, size, (JPEG) colour components and the transform of an Adobe APP14
   * marker before the frame header (-1 if none).
   */
  record Header(String format, long width, long height, int components, int adobeTransform) {
    Header(String format, long width, long height, int components) {
      this(format, width, height, components, -1);
    }

    static Header read(byte[] b, String name) {
      if (b.length == 0) {
        throw new ImageFormatException(name, "empty file, not an image");
      }
      if (startsWith(b, 0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a)) {
        if (b.length < 24 || !(b[12] == 'I' && b[13] == 'H' && b[14] == 'D' && b[15] == 'R')) {
          throw new ImageFormatException(name, "truncated PNG: no IHDR chunk");
        }
        return new Header("PNG", u32(b, 16), u32(b, 20), 0);
      }
      if (startsWith(b, 0xff, 0xd8)) {
        return jpeg(b, name);
      }
      if (startsWith(b, 'G', 'I', 'F', '8')) {
        return new Header("GIF", 1, 1, 0); // size checked by the reader before decoding
      }
      if (startsWith(b, 'B', 'M')) {
        return new Header("BMP", 1, 1, 0);
      }
      throw new ImageFormatException(name, "not a PNG, JPEG, GIF or BMP image (unrecognised first bytes)");
    }

    /** Walks the JPEG markers to the first start-of-frame segment. */
    private static Header jpeg(byte[] b, String name) {
      int p = 2;
      int adobe = -1;
      while (p + 4 <= b.length) {
        if ((b[p] & 0xff) != 0xff) {
          throw new ImageFormatException(name, "corrupt JPEG: no marker at byte " + p);
        }
        int marker = b[p + 1] & 0xff;
        if (marker == 0xff) {
          p++;
          continue;
        }
        if (marker == 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
          p += 2;
          continue;
        }
        int length = ((b[p + 2] & 0xff) << 8) | (b[p + 3] & 0xff);
        boolean sof = marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 && marker != 0xc8 && marker != 0xcc;
        if (sof) {
          if (p + 10 > b.length) {
            break;
          }
          int precision = b[p + 4] & 0xff;
          if (precision != 8) {
            throw new ImageFormatException(name, precision + "-bit JPEG samples are not supported (8-bit only)");
          }
          long h = ((b[p + 5] & 0xff) << 8) | (b[p + 6] & 0xff);
          long w = ((b[p + 7] & 0xff) << 8) | (b[p + 8] & 0xff);
          return new Header("JPEG", w, h, b[p + 9] & 0xff, adobe);
        }
        // APP14 "Adobe": version (2), flags0 (2), flags1 (2), transform (1) after the identifier.
        if (marker == 0xee && length >= 14 && p + 16 <= b.length && b[p + 4] == 'A' && b[p + 5] == 'd' && b[p + 6] == 'o'
            && b[p + 7] == 'b' && b[p + 8] == 'e') {
          adobe = b[p + 15] & 0xff;
        }
        if (marker == 0xd9 || marker == 0xda || length < 2) {
          break;
        }
        p += 2 + length;
      }
      throw new ImageFormatException(name, "truncated or corrupt JPEG: no frame header (SOF) found");
    }

    private static boolean startsWith(byte[] b, int... prefix) {
      if (b.length < prefix.length) {
        return false;
      }
      for (int i = 0; i < prefix.length; i++) {
        if ((b[i] & 0xff) != prefix[i]) {
          return false;
        }
      }
      return true;
    }

    private static long u32(byte[] b, int p) {
      return ((long) (b[p] & 0xff) << 24) | ((b[p + 1] & 0xff) << 16) | ((b[p + 2] & 0xff) << 8) | (b[p + 3] & 0xff);
    }
  }
}
