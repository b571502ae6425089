package dev.vittf.io;

import dev.vittf.core.HostTensor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * A safe reader of PyTorch state dicts saved by {@code torch.save} (≥ 1.6, zip format: {@code
 * pytorch_model.bin}, {@code .pth}, {@code .pt}). The archive is read with {@link java.util.zip}; its
 * {@code data.pkl} goes through {@link SafePickle}, which never executes anything and refuses every
 * global outside the state-dict whitelist by name. Before any tensor is allocated, every storage's
 * declared size is checked against its archive entry and every tensor's size, offset and strides
 * against its storage; the entries must be stored uncompressed (as torch writes them) and lie within
 * the file. Tensors of any floating or integer storage type are returned as float32 (strided views are
 * copied out in row-major order).
 *
 * <p>Accepted layouts: a state dict (name → tensor), or a dict that holds one under {@code
 * state_dict} or {@code model} (training checkpoints of timm and DeiT).
 */
public final class TorchCheckpoint {
  private static final int MAX_ENTRIES = 1_000_000;
  private static final long MAX_PICKLE_BYTES = 256L << 20;

  private TorchCheckpoint() {}

  /** Whether {@code file} starts like a zip archive (a torch.save file rather than safetensors). */
  public static boolean isTorchFile(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] head = in.readNBytes(4);
      return head.length == 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4;
    }
  }

  /**
   * Reads the state dict, in file order.
   *
   * @throws TorchCheckpointException naming the file and the problem for a legacy (non-zip) file, an
   *     incomplete archive, a forbidden global or opcode, or a tensor that does not fit its storage
   */
  public static Map<String, HostTensor> read(Path file) throws IOException {
    String name = file.toString();
    long fileSize = Files.size(file);
    try (InputStream in = Files.newInputStream(file)) {
      byte[] head = in.readNBytes(2);
      if (head.length == 2 && (head[0] & 0xff) == 0x80) {
        throw new TorchCheckpointException(name + ": legacy (pre-1.6, non-zip) torch.save format is not supported;"
            + " re-save it with torch.save(state_dict, f) from PyTorch >= 1.6");
      }
    }
    ZipFile zip;
    try {
      zip = new ZipFile(file.toFile());
    } catch (ZipException e) {
      throw new TorchCheckpointException(name + ": not a complete zip archive (" + e.getMessage() + ")");
    }
    try (zip) {
      return read(zip, name, fileSize);
    } catch (ZipException e) {
      throw new TorchCheckpointException(name + ": corrupt zip archive (" + e.getMessage() + ")");
    }
  }

  private static Map<String, HostTensor> read(ZipFile zip, String name, long fileSize) throws IOException {
    Map<String, ZipEntry> entries = new HashMap<>();
    String prefix = null;
    long total = 0;
    Enumeration<? extends ZipEntry> en = zip.entries();
    while (en.hasMoreElements()) {
      ZipEntry e = en.nextElement();
      if (entries.size() >= MAX_ENTRIES) {
        throw new TorchCheckpointException(name + ": more than " + MAX_ENTRIES + " archive entries");
      }
      if (e.getSize() < 0 || e.getCompressedSize() < 0) {
        throw new TorchCheckpointException(name + ": entry " + e.getName() + " has no recorded size");
      }
      total += e.getCompressedSize();
      if (total > fileSize) {
        throw new TorchCheckpointException(name + ": archive entries claim " + total + " bytes, more than the file's "
            + fileSize + " (corrupt or truncated)");
      }
      entries.put(e.getName(), e);
      if (e.getName().endsWith("data.pkl") && (e.getName().equals("data.pkl") || e.getName().endsWith("/data.pkl"))) {
        if (prefix != null) {
          throw new TorchCheckpointException(name + ": more than one data.pkl in the archive");
        }
        prefix = e.getName().substring(0, e.getName().length() - "data.pkl".length());
      }
    }
    if (prefix == null) {
      throw new TorchCheckpointException(name + ": no data.pkl in the archive (not a torch.save file)");
    }
    String root = prefix;
    ByteOrder order = byteOrder(zip, entries.get(root + "byteorder"), name);
    ZipEntry pkl = entries.get(root + "data.pkl");
    if (pkl.getSize() > MAX_PICKLE_BYTES) {
      throw new TorchCheckpointException(name + ": data.pkl of " + pkl.getSize() + " bytes is larger than "
          + MAX_PICKLE_BYTES);
    }
    byte[] pickle = bytes(zip, pkl, name);
    Object value = SafePickle.load(pickle, name, pid -> storage(pid, entries, root, name));
    Map<Object, Object> dict = stateDict(value, name);
    // Allocation bound: all tensors together at most a few times the file (tied weights share storages).
    long budget = 4 * fileSize + (1 << 20);
    long elements = 0;
    for (Map.Entry<Object, Object> e : dict.entrySet()) {
      if (!(e.getKey() instanceof String) || !(e.getValue() instanceof SafePickle.Tensor t)) {
        throw new TorchCheckpointException(name + ": state dict entry " + e.getKey() + " is not a named tensor");
      }
      elements += t.numel();
      if (4 * elements > budget || elements > Integer.MAX_VALUE - 8) {
        throw new TorchCheckpointException(name + ": tensors claim " + elements + " elements, far more than the "
            + fileSize + "-byte file holds");
      }
    }
    Map<String, ByteBuffer> storages = new HashMap<>();
    Map<String, HostTensor> out = new LinkedHashMap<>();
    for (Map.Entry<Object, Object> e : dict.entrySet()) {
      SafePickle.Tensor t = (SafePickle.Tensor) e.getValue();
      ByteBuffer data = storages.get(t.storage().key());
      if (data == null) {
        data = ByteBuffer.wrap(bytes(zip, entries.get(root + "data/" + t.storage().key()), name)).order(order);
        storages.put(t.storage().key(), data);
      }
      out.put((String) e.getKey(), materialise(t, data));
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static Map<Object, Object> stateDict(Object value, String name) throws TorchCheckpointException {
    if (!(value instanceof Map)) {
      throw new TorchCheckpointException(name + ": the pickle holds no dict of tensors");
    }
    Map<Object, Object> m = (Map<Object, Object>) value;
    boolean allTensors = m.values().stream().allMatch(v -> v instanceof SafePickle.Tensor);
    if (!allTensors) {
      for (String key : List.of("state_dict", "model")) {
        if (m.get(key) instanceof Map) {
          return stateDict(m.get(key), name);
        }
      }
    }
    return m;
  }

  private static ByteOrder byteOrder(ZipFile zip, ZipEntry e, String name) throws IOException {
    if (e == null) {
      return ByteOrder.LITTLE_ENDIAN;
    }
    if (e.getSize() > 16) {
      throw new TorchCheckpointException(name + ": byteorder entry of " + e.getSize() + " bytes");
    }
    String s = new String(bytes(zip, e, name), java.nio.charset.StandardCharsets.US_ASCII).strip();
    return switch (s) {
      case "little" -> ByteOrder.LITTLE_ENDIAN;
      case "big" -> ByteOrder.BIG_ENDIAN;
      default -> throw new TorchCheckpointException(name + ": byteorder '" + s + "' (expected little or big)");
    };
  }

  // ('storage', torch.<T>Storage, key, location, numel): checked against data/<key> before anything is read.
  private static SafePickle.Storage storage(SafePickle.Tuple pid, Map<String, ZipEntry> entries, String root, String name)
      throws TorchCheckpointException {
    List<Object> p = pid.items();
    if (p.size() != 5 || !"storage".equals(p.get(0)) || !(p.get(1) instanceof SafePickle.Global g)
        || !(p.get(2) instanceof String key) || !(p.get(4) instanceof Long numel)) {
      throw new TorchCheckpointException(name + ": persistent id " + p + " is not ('storage', type, key, location, numel)");
    }
    if (!g.module().equals("torch") || !g.name().endsWith("Storage")) {
      throw new TorchCheckpointException(name + ": persistent id names " + g.qualified() + ", not a storage type");
    }
    String type = g.name().substring(0, g.name().length() - "Storage".length());
    if (!key.matches("[A-Za-z0-9_.]{1,64}")) {
      throw new TorchCheckpointException(name + ": storage key '" + key + "' is not a plain name");
    }
    ZipEntry e = entries.get(root + "data/" + key);
    if (e == null) {
      throw new TorchCheckpointException(name + ": storage '" + key + "' has no entry " + root + "data/" + key);
    }
    long expected;
    try {
      expected = Math.multiplyExact(numel, elementSize(type));
    } catch (ArithmeticException ex) {
      throw new TorchCheckpointException(name + ": storage '" + key + "' claims " + numel + " elements");
    }
    if (numel < 0 || e.getSize() != expected) {
      throw new TorchCheckpointException(name + ": storage '" + key + "' claims " + numel + " " + type + " elements ("
          + expected + " bytes) but its entry holds " + e.getSize() + " bytes");
    }
    if (e.getMethod() != ZipEntry.STORED) {
      throw new TorchCheckpointException(name + ": storage entry " + e.getName() + " is compressed (torch.save stores"
          + " entries uncompressed)");
    }
    return new SafePickle.Storage(type, key, numel);
  }

  private static int elementSize(String type) {
    return switch (type) {
      case "Float", "Int" -> 4;
      case "Half", "BFloat16", "Short" -> 2;
      case "Double", "Long" -> 8;
      default -> 1; // Byte, Char, Bool
    };
  }

  private static byte[] bytes(ZipFile zip, ZipEntry e, String name) throws IOException {
    if (e.getSize() > Integer.MAX_VALUE - 8) {
      throw new TorchCheckpointException(name + ": entry " + e.getName() + " of " + e.getSize() + " bytes is too large");
    }
    try (InputStream in = zip.getInputStream(e)) {
      byte[] data = in.readNBytes((int) e.getSize());
      if (data.length != e.getSize() || in.read() != -1) {
        throw new TorchCheckpointException(name + ": entry " + e.getName() + " holds " + data.length + " bytes, the archive"
            + " says " + e.getSize() + " (truncated)");
      }
      return data;
    } catch (ZipException ex) {
      throw new TorchCheckpointException(name + ": entry " + e.getName() + " cannot be read (" + ex.getMessage() + ")");
    }
  }

  // Copies a (possibly strided) view out of its storage, row-major, converting to float32.
  private static HostTensor materialise(SafePickle.Tensor t, ByteBuffer data) {
    int n = (int) t.numel();
    float[] out = new float[n];
    long[] size = t.size();
    long[] index = new long[size.length];
    String type = t.storage().type();
    for (int i = 0; i < n; i++) {
      long at = t.offset();
      for (int d = 0; d < size.length; d++) {
        at += index[d] * t.stride()[d];
      }
      out[i] = element(data, type, (int) at);
      for (int d = size.length - 1; d >= 0; d--) {
        if (++index[d] < size[d]) {
          break;
        }
        index[d] = 0;
      }
    }
    return new HostTensor(size.clone(), out);
  }

  private static float element(ByteBuffer data, String type, int i) {
    return switch (type) {
      case "Float" -> data.getFloat(4 * i);
      case "Double" -> (float) data.getDouble(8 * i);
      case "Half" -> Float16.toFloat(data.getShort(2 * i));
      case "BFloat16" -> Float.intBitsToFloat((data.getShort(2 * i) & 0xffff) << 16);
      case "Long" -> data.getLong(8 * i);
      case "Int" -> data.getInt(4 * i);
      case "Short" -> data.getShort(2 * i);
      case "Char" -> data.get(i);
      case "Byte", "Bool" -> data.get(i) & 0xff;
      default -> throw new IllegalStateException("storage type " + type);
    };
  }

  /** Lists the whitelisted globals (for documentation and error messages). */
  public static List<String> allowedGlobals() {
    return new ArrayList<>(SafePickle.ALLOWED.stream().sorted().toList());
  }
}
