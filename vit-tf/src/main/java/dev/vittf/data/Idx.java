package dev.vittf.data;

import java.io.BufferedInputStream;
import dev.vittf.core.AtomicFiles;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipException;

/**
 * The IDX format of MNIST and Fashion-MNIST (LeCun et al.): a 4-byte magic {@code 00 00 TT NN} (type
 * {@code TT}, here only {@code 0x08} = unsigned byte; {@code NN} dimensions), {@code NN} big-endian
 * int32 dimensions, then the data, row-major. Files may be gzip-compressed (detected by the gzip
 * magic, not by the name).
 *
 * <p>The reader is strict: wrong magic, an unsupported element type, non-positive dimensions, a
 * truncated body and trailing bytes are all errors naming the file.
 */
public final class Idx {
  /** Element type code of unsigned bytes. */
  public static final int UBYTE = 0x08;

  /** The largest accepted body (2 GiB - 1, the size of a Java array). */
  private static final long MAX_BYTES = Integer.MAX_VALUE - 8;

  private Idx() {}

  /**
   * The contents of one IDX file.
   *
   * @param dims dimensions
   * @param data row-major unsigned bytes
   */
  public record Array(int[] dims, byte[] data) {
    /** Defensive copy of the dimensions. */
    public Array {
      dims = dims.clone();
    }

    @Override
    public int[] dims() {
      return dims.clone();
    }
  }

  /**
   * Reads an IDX file of unsigned bytes (plain or gzip).
   *
   * @throws DataException if the file is missing, unreadable or malformed (the message names it)
   */
  public static Array read(Path file) throws IOException {
    String where = file.toString();
    if (!Files.isRegularFile(file)) {
      throw new DataException(where + ": no such file");
    }
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(file))) {
      raw.mark(2);
      int b0 = raw.read();
      int b1 = raw.read();
      raw.reset();
      boolean gzip = b0 == 0x1f && b1 == 0x8b;
      try (InputStream in = gzip ? new GZIPInputStream(raw, 1 << 16) : raw) {
        return parse(in, where);
      } catch (ZipException | EOFException e) {
        if (gzip) {
          throw new DataException(where + ": corrupt or truncated gzip data (" + e.getMessage() + ")", e);
        }
        throw e;
      }
    } catch (DataException e) {
      throw e;
    } catch (IOException e) {
      throw new DataException(where + ": unreadable (" + e + ")", e);
    }
  }

  private static Array parse(InputStream in, String where) throws IOException {
    byte[] magic = in.readNBytes(4);
    if (magic.length < 4) {
      throw new DataException(where + ": truncated: " + magic.length + " bytes, an IDX file starts with a 4-byte magic");
    }
    if (magic[0] != 0 || magic[1] != 0) {
      throw new DataException(where + ": not an IDX file: magic " + hex(magic) + " must start with 00 00");
    }
    int type = magic[2] & 0xff;
    int rank = magic[3] & 0xff;
    if (type != UBYTE) {
      throw new DataException(where + ": unsupported IDX element type 0x" + Integer.toHexString(type)
          + " (only 0x08, unsigned byte, is supported)");
    }
    if (rank == 0) {
      throw new DataException(where + ": IDX file has 0 dimensions");
    }
    byte[] dimBytes = in.readNBytes(4 * rank);
    if (dimBytes.length < 4 * rank) {
      throw new DataException(where + ": truncated header: " + rank + " dimensions announced, "
          + dimBytes.length / 4 + " present");
    }
    int[] dims = new int[rank];
    long count = 1;
    for (int i = 0; i < rank; i++) {
      dims[i] = ((dimBytes[4 * i] & 0xff) << 24) | ((dimBytes[4 * i + 1] & 0xff) << 16)
          | ((dimBytes[4 * i + 2] & 0xff) << 8) | (dimBytes[4 * i + 3] & 0xff);
      if (dims[i] <= 0) {
        throw new DataException(where + ": dimension " + i + " is " + dims[i] + ", must be > 0");
      }
      count *= dims[i];
      if (count > MAX_BYTES) {
        throw new DataException(where + ": dimensions " + Arrays.toString(Arrays.copyOf(dims, i + 1)) + " are too large");
      }
    }
    byte[] data = in.readNBytes((int) count);
    if (data.length < count) {
      throw new DataException(where + ": truncated: dimensions " + Arrays.toString(dims) + " need " + count
          + " data bytes, only " + data.length + " present");
    }
    if (in.read() != -1) {
      throw new DataException(where + ": trailing bytes after the " + count + " data bytes of " + Arrays.toString(dims));
    }
    return new Array(dims, data);
  }

  private static String hex(byte[] b) {
    StringBuilder s = new StringBuilder();
    for (byte x : b) {
      s.append(String.format("%02x ", x & 0xff));
    }
    return s.toString().trim();
  }

  /** Writes an IDX file of unsigned bytes atomically (gzip-compressed when {@code gzip}). */
  public static void write(Path file, Array array, boolean gzip) throws IOException {
    int[] dims = array.dims();
    long count = 1;
    for (int d : dims) {
      count *= d;
    }
    if (count != array.data().length) {
      throw new IllegalArgumentException("dims " + Arrays.toString(dims) + " need " + count + " bytes, got " + array.data().length);
    }
    ByteArrayOutputStream header = new ByteArrayOutputStream();
    header.write(new byte[] {0, 0, UBYTE, (byte) dims.length});
    for (int d : dims) {
      header.write(new byte[] {(byte) (d >>> 24), (byte) (d >>> 16), (byte) (d >>> 8), (byte) d});
    }
    AtomicFiles.write(file, raw -> {
      OutputStream out = gzip ? new GZIPOutputStream(raw) : raw;
      header.writeTo(out);
      out.write(array.data());
      if (out instanceof GZIPOutputStream z) {
        z.finish(); // the trailer, without closing the stream AtomicFiles owns
      }
    });
  }

  /**
   * Reads an image file ({@code [n, h, w]} or {@code [n, h, w, c]}) and a label file ({@code [n]}) into
   * a dataset.
   *
   * @param classNames class names (their count is the number of classes), or null for {@code
   *     max(label) + 1} classes named by number
   */
  public static ImageDataset load(Path images, Path labels, List<String> classNames) throws IOException {
    Array im = read(images);
    Array lb = read(labels);
    int[] d = im.dims();
    if (d.length != 3 && d.length != 4) {
      throw new DataException(images + ": image file must have 3 dimensions [n, height, width] (or 4 with channels), has "
          + Arrays.toString(d));
    }
    int[] l = lb.dims();
    if (l.length != 1) {
      throw new DataException(labels + ": label file must have 1 dimension [n], has " + Arrays.toString(l));
    }
    if (l[0] != d[0]) {
      throw new DataException(images + " has " + d[0] + " images but " + labels + " has " + l[0] + " labels");
    }
    byte[] lbytes = lb.data();
    int[] y = new int[lbytes.length];
    int max = 0;
    for (int i = 0; i < y.length; i++) {
      y[i] = lbytes[i] & 0xff;
      max = Math.max(max, y[i]);
    }
    List<String> names = classNames != null ? classNames : ImageDataset.defaultClassNames(max + 1);
    ImageDataset.checkLabels(y, names.size(), labels.toString());
    return ImageDataset.of(d[1], d[2], d.length == 4 ? d[3] : 1, im.data(), y, names);
  }

  /**
   * Loads the split {@code prefix} ({@code train} or {@code t10k}) of an MNIST-style directory:
   * {@code <prefix>-images-idx3-ubyte[.gz]} and {@code <prefix>-labels-idx1-ubyte[.gz]}.
   */
  public static ImageDataset loadSplit(Path dir, String prefix, List<String> classNames) throws IOException {
    return load(find(dir, prefix + "-images-idx3-ubyte"), find(dir, prefix + "-labels-idx1-ubyte"), classNames);
  }

  /** {@code dir/name}, or {@code dir/name.gz}, whichever exists. */
  static Path find(Path dir, String name) {
    if (!Files.isDirectory(dir)) {
      throw new DataException(dir + ": not a directory");
    }
    for (String candidate : List.of(name, name + ".gz")) {
      Path p = dir.resolve(candidate);
      if (Files.isRegularFile(p)) {
        return p;
      }
    }
    throw new DataException(dir + ": neither " + name + " nor " + name + ".gz exists");
  }

  /** The ten Fashion-MNIST class names (Xiao et al. 2017), by label. */
  public static final List<String> FASHION_MNIST_CLASSES = List.of(
      "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");
}
