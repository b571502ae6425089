package dev.vittf.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vittf.core.AtomicFiles;
import dev.vittf.core.HostTensor;
import dev.vittf.core.StrictJson;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.ByteDataBuffer;
import org.tensorflow.types.TFloat32;

/**
 * Reader and writer for the safetensors format: an 8-byte little-endian header length {@code N}, an
 * {@code N}-byte UTF-8 JSON header ({@code dtype}, {@code shape}, {@code data_offsets} per tensor,
 * optional string-valued {@code __metadata__}), then the raw little-endian data.
 *
 * <p>The reader is strict and bounded: the header must fit in the file and be at most {@value
 * #MAX_HEADER_BYTES} bytes, a JSON object without duplicate keys; every tensor has rank at most {@value
 * #MAX_RANK} and dimensions below 2^31, at most 2^31 elements, and offsets that are exact integers
 * (never wrapped to a long) inside the data section; every tensor's byte range must lie inside the data section and match its
 * dtype and shape, ranges must tile the data section without overlap, gap or trailing bytes. {@code
 * F32} is read as is; {@code F16}, {@code BF16} and {@code F64} are converted to float32; any other
 * dtype is rejected. Zero-size tensors ({@code [0, 48]}) are accepted.
 */
public final class SafeTensors {
  /** Upper bound on the JSON header size (100 MB, as in the reference implementation). */
  public static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;
  /** Upper bound on a tensor's rank. */
  public static final int MAX_RANK = 8;

  /** Duplicate keys are errors; integers stay exact (BigInteger past a long) until range-checked. */
  private static final ObjectMapper JSON = StrictJson.mapper();

  /**
   * A parsed file.
   *
   * @param tensors tensors by name, in file order
   * @param metadata the {@code __metadata__} strings (possibly empty)
   */
  public record Contents(Map<String, HostTensor> tensors, Map<String, String> metadata) {}

  private record Entry(String name, String dtype, long[] shape, long begin, long end) {}

  private SafeTensors() {}

  /** Reads every tensor of a file. */
  public static Contents read(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      Map<String, String> metadata = new LinkedHashMap<>();
      Header h = header(ch, file.toString(), metadata);
      Map<String, HostTensor> tensors = new LinkedHashMap<>();
      for (Entry e : h.entries()) {
        tensors.put(e.name, readTensor(ch, e, h.dataStart(), h.where()));
      }
      return new Contents(tensors, metadata);
    }
  }

  /**
   * Every tensor of a file whose tensors are all F32 and finite, copied from the mapped file straight into
   * TensorFlow tensors, in file order: no Java array, so no heap to fill and collect (a ViT-B/16 is 346 MB).
   * Empty, with nothing left open, if a tensor has another dtype or a non-finite value (with {@code
   * checkFinite}): {@link #read} then gives the general path and its messages. The caller closes the tensors.
   *
   * @throws SafeTensorsException if the file is malformed
   */
  public static Optional<Map<String, TFloat32>> readFloat32Tensors(Path file, boolean checkFinite) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      Header h = header(ch, file.toString(), new LinkedHashMap<>());
      if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN || h.entries().stream().anyMatch(e -> !e.dtype.equals("F32"))) {
        return Optional.empty();
      }
      Map<String, TFloat32> out = new LinkedHashMap<>();
      boolean complete = false;
      try {
        byte[] chunk = new byte[1 << 20];
        for (Entry e : h.entries()) {
          int n = (int) (e.end - e.begin);
          ByteBuffer buf = ch.map(FileChannel.MapMode.READ_ONLY, h.dataStart() + e.begin, n).order(ByteOrder.LITTLE_ENDIAN);
          if (checkFinite && !allFinite(buf)) {
            return Optional.empty();
          }
          out.put(e.name, TFloat32.tensorOf(Shape.of(e.shape), t -> copy(buf, t.asRawTensor().data(), chunk)));
        }
        complete = true;
        return Optional.of(out);
      } finally {
        if (!complete) {
          out.values().forEach(TFloat32::close);
        }
      }
    }
  }

  private static boolean allFinite(ByteBuffer buf) {
    java.nio.FloatBuffer f = buf.asFloatBuffer();
    for (int i = 0, n = f.limit(); i < n; i++) {
      if (!Float.isFinite(f.get(i))) {
        return false;
      }
    }
    return true;
  }

  /** Copies {@code src} (little-endian, the native order: checked by the caller) in cache-sized chunks. */
  private static void copy(ByteBuffer src, ByteDataBuffer dst, byte[] chunk) {
    ByteBuffer in = src.duplicate();
    long pos = 0;
    while (in.hasRemaining()) {
      int len = Math.min(chunk.length, in.remaining());
      in.get(chunk, 0, len);
      dst.offset(pos).write(chunk, 0, len);
      pos += len;
    }
  }

  /** Where a file's tensors are: the parsed header, and the offset of the data after it. */
  private record Header(List<Entry> entries, long dataStart, String where) {}

  private static Header header(FileChannel ch, String where, Map<String, String> metadata) throws IOException {
    long size = ch.size();
    if (size < 8) {
      throw new SafeTensorsException(where + ": truncated: " + size + " bytes, the 8-byte header length is missing");
    }
    ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    readFully(ch, lenBuf, 0, where);
    long headerLen = lenBuf.flip().getLong();
    if (headerLen < 2 || headerLen > MAX_HEADER_BYTES) {
      throw new SafeTensorsException(where + ": bad header length " + Long.toUnsignedString(headerLen)
          + " (must be between 2 and " + MAX_HEADER_BYTES + ")");
    }
    if (8 + headerLen > size) {
      throw new SafeTensorsException(where + ": truncated: header length " + headerLen + " exceeds the file size " + size);
    }
    ByteBuffer headerBuf = ByteBuffer.allocate((int) headerLen);
    readFully(ch, headerBuf, 8, where);
    String headerText = new String(headerBuf.array(), StandardCharsets.UTF_8);
    long dataStart = 8 + headerLen;
    return new Header(parseHeader(headerText, where, size - dataStart, metadata), dataStart, where);
  }

  private static List<Entry> parseHeader(String text, String where, long dataSize, Map<String, String> metadata)
      throws SafeTensorsException {
    JsonNode root;
    try {
      root = JSON.readTree(text.trim());
    } catch (JsonProcessingException e) {
      throw new SafeTensorsException(where + ": bad header: not valid JSON (" + e.getOriginalMessage() + ")");
    }
    if (root == null || !root.isObject()) {
      throw new SafeTensorsException(where + ": bad header: must be a JSON object");
    }
    List<Entry> entries = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      String name = f.getKey();
      JsonNode v = f.getValue();
      if (name.equals("__metadata__")) {
        if (!v.isObject()) {
          throw new SafeTensorsException(where + ": bad header: __metadata__ must be an object of strings");
        }
        for (Iterator<Map.Entry<String, JsonNode>> m = v.fields(); m.hasNext(); ) {
          Map.Entry<String, JsonNode> kv = m.next();
          if (!kv.getValue().isTextual()) {
            throw new SafeTensorsException(where + ": bad header: __metadata__." + kv.getKey() + " must be a string");
          }
          metadata.put(kv.getKey(), kv.getValue().asText());
        }
        continue;
      }
      String ctx = where + ": tensor '" + name + "'";
      if (!v.isObject() || !v.path("dtype").isTextual() || !v.path("shape").isArray() || !v.path("data_offsets").isArray()) {
        throw new SafeTensorsException(ctx + ": bad header entry, needs dtype, shape and data_offsets");
      }
      String dtype = v.get("dtype").asText();
      int width = dtypeWidth(dtype);
      if (width < 0) {
        throw new SafeTensorsException(ctx + ": unsupported dtype " + dtype + " (supported: F32, F16, BF16, F64)");
      }
      JsonNode shapeNode = v.get("shape");
      if (shapeNode.size() > MAX_RANK) {
        throw new SafeTensorsException(ctx + ": shape has rank " + shapeNode.size() + ", more than " + MAX_RANK);
      }
      long[] shape = new long[shapeNode.size()];
      long count = 1;
      for (int i = 0; i < shape.length; i++) {
        // Exact: a dimension of 2^64 + 3 is refused, not wrapped to 3.
        Long d = StrictJson.exactLong(shapeNode.get(i), 0, Integer.MAX_VALUE);
        if (d == null) {
          throw new SafeTensorsException(ctx + ": bad shape " + shapeNode
              + " (dimensions must be integers in [0, 2^31))");
        }
        shape[i] = d;
        try {
          count = Math.multiplyExact(count, shape[i]);
        } catch (ArithmeticException ex) {
          throw new SafeTensorsException(ctx + ": shape " + shapeNode + " is too large");
        }
      }
      if (count > Integer.MAX_VALUE - 8) {
        throw new SafeTensorsException(ctx + ": shape " + shapeNode + " has more than 2^31 elements");
      }
      JsonNode off = v.get("data_offsets");
      if (off.size() != 2 || !off.get(0).isIntegralNumber() || !off.get(1).isIntegralNumber()) {
        throw new SafeTensorsException(ctx + ": data_offsets must be two integers, got " + off);
      }
      // Range-checked exactly before narrowing: [2^64, 2^64+8] must not become [0, 8].
      Long b0 = StrictJson.exactLong(off.get(0), 0, dataSize);
      Long e0 = StrictJson.exactLong(off.get(1), 0, dataSize);
      if (b0 == null || e0 == null) {
        throw new SafeTensorsException(ctx + ": data_offsets " + off + " out of range (data section has " + dataSize + " bytes)");
      }
      long begin = b0;
      long end = e0;
      if (end < begin) {
        throw new SafeTensorsException(ctx + ": data_offsets " + off + " out of range (data section has " + dataSize + " bytes)");
      }
      if (end - begin != count * width) {
        throw new SafeTensorsException(ctx + ": data_offsets " + off + " span " + (end - begin)
            + " bytes, but " + dtype + " " + shapeNode + " needs " + count * width);
      }
      entries.add(new Entry(name, dtype, shape, begin, end));
    }
    List<Entry> sorted = new ArrayList<>(entries);
    sorted.sort(Comparator.comparingLong((Entry e) -> e.begin).thenComparingLong(e -> e.end));
    long pos = 0;
    for (Entry e : sorted) {
      if (e.begin < pos) {
        throw new SafeTensorsException(where + ": tensor '" + e.name + "' overlaps the previous tensor (offset " + e.begin + " < " + pos + ")");
      }
      if (e.begin > pos) {
        throw new SafeTensorsException(where + ": gap in the data section before tensor '" + e.name + "' (bytes " + pos + ".." + e.begin + ")");
      }
      pos = e.end;
    }
    if (pos != dataSize) {
      throw new SafeTensorsException(where + ": " + (dataSize - pos) + " trailing bytes after the last tensor");
    }
    return entries;
  }

  private static int dtypeWidth(String dtype) {
    return switch (dtype) {
      case "F32" -> 4;
      case "F16", "BF16" -> 2;
      case "F64" -> 8;
      default -> -1;
    };
  }

  private static HostTensor readTensor(FileChannel ch, Entry e, long dataStart, String where) throws IOException {
    int n = (int) (e.end - e.begin);
    // Mapped, not read: one copy (page cache to the float array) instead of two, and no heap buffer to
    // zero. The header check has already placed every tensor inside the file.
    ByteBuffer buf = ch.map(FileChannel.MapMode.READ_ONLY, dataStart + e.begin, n).order(ByteOrder.LITTLE_ENDIAN);
    int count = n / dtypeWidth(e.dtype);
    float[] out = new float[count];
    switch (e.dtype) {
      case "F32" -> buf.asFloatBuffer().get(out);
      case "F64" -> {
        for (int i = 0; i < count; i++) {
          out[i] = (float) buf.getDouble();
        }
      }
      case "BF16" -> {
        for (int i = 0; i < count; i++) {
          out[i] = Float.intBitsToFloat((buf.getShort() & 0xffff) << 16);
        }
      }
      case "F16" -> {
        for (int i = 0; i < count; i++) {
          out[i] = Float16.toFloat(buf.getShort());
        }
      }
      default -> throw new SafeTensorsException(where + ": unsupported dtype " + e.dtype);
    }
    return new HostTensor(e.shape, out);
  }

  private static void readFully(FileChannel ch, ByteBuffer buf, long position, String where) throws IOException {
    long pos = position;
    while (buf.hasRemaining()) {
      int r = ch.read(buf, pos);
      if (r < 0) {
        throw new SafeTensorsException(where + ": truncated: unexpected end of file at byte " + pos);
      }
      pos += r;
    }
  }

  /**
   * Writes tensors as F32 safetensors, atomically ({@link AtomicFiles}): the data goes to a temporary
   * file beside {@code file}, which is then renamed over it, so a crash never leaves a half-written
   * checkpoint, and a full disk leaves the previous file as it was.
   */
  public static void write(Path file, Map<String, HostTensor> tensors, Map<String, String> metadata) throws IOException {
    ObjectNode header = JSON.createObjectNode();
    if (metadata != null && !metadata.isEmpty()) {
      ObjectNode m = header.putObject("__metadata__");
      metadata.forEach(m::put);
    }
    long offset = 0;
    for (Map.Entry<String, HostTensor> e : tensors.entrySet()) {
      ObjectNode t = header.putObject(e.getKey());
      t.put("dtype", "F32");
      var shape = t.putArray("shape");
      for (long d : e.getValue().shape()) {
        shape.add(d);
      }
      long bytes = 4L * e.getValue().size();
      t.putArray("data_offsets").add(offset).add(offset + bytes);
      offset += bytes;
    }
    byte[] headerBytes = JSON.writeValueAsBytes(header);
    int padded = (headerBytes.length + 7) / 8 * 8;
    byte[] headerPadded = new byte[padded];
    java.util.Arrays.fill(headerPadded, (byte) ' ');
    System.arraycopy(headerBytes, 0, headerPadded, 0, headerBytes.length);
    AtomicFiles.write(file, out -> {
      ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
      out.write(len.array());
      out.write(headerPadded);
      for (HostTensor t : tensors.values()) {
        ByteBuffer b = ByteBuffer.allocate(4 * t.size()).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(t.data());
        out.write(b.array());
      }
    });
  }
}
