package dev.vittf.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vittf.Fixtures;
import dev.vittf.core.HostTensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The safe torch.save reader: the fixture .bin, the shipped hostile files and hostile variants made here. */
class TorchCheckpointTest {
  private static final Path MARKER = Path.of("/tmp/vittf-pickle-executed");
  @TempDir Path dir;

  /** pytorch_model.bin holds exactly the tensors of the same model's model.safetensors. */
  @Test
  void binEqualsSafetensors() throws Exception {
    Path hub = Fixtures.dir().resolve("hub");
    Map<String, HostTensor> bin = TorchCheckpoint.read(hub.resolve("hf_vit_bin/pytorch_model.bin"));
    Map<String, HostTensor> st = SafeTensors.read(hub.resolve("hf_vit/model.safetensors")).tensors();
    assertEquals(st.keySet(), bin.keySet());
    for (String k : st.keySet()) {
      assertEquals(st.get(k), bin.get(k), k);
    }
    assertEquals(st.keySet(), Checkpoints.tensors(hub.resolve("hf_vit_bin/pytorch_model.bin")).keySet());
  }

  /** Every file in hostile/ is refused as hostile.json says; nothing runs. */
  @Test
  void shippedHostileFilesAreRefused() throws Exception {
    Path hostile = Fixtures.dir().resolve("hostile");
    JsonNode spec = new ObjectMapper().readTree(hostile.resolve("hostile.json").toFile());
    Map<String, String> expected = Map.of(
        "system.bin", "forbidden global posix.system",
        "bad_storage_size.bin", "extends past its storage",
        "truncated.bin", "not a complete zip archive");
    assertFalse(Files.exists(MARKER));
    int n = 0;
    for (Iterator<String> it = spec.get("cases").fieldNames(); it.hasNext(); n++) {
      String file = it.next();
      TorchCheckpointException e = assertThrows(TorchCheckpointException.class, () -> Checkpoints.tensors(hostile.resolve(file)));
      assertTrue(e.getMessage().contains(expected.get(file)), file + ": " + e.getMessage());
      assertTrue(e.getMessage().contains(file), e.getMessage());
    }
    assertEquals(3, n);
    assertFalse(Files.exists(MARKER), "a pickle payload ran");
  }

  @Test
  void otherGlobalsAreRefusedByName() throws Exception {
    assertRefused(new Pickle().global("os", "system").str("touch /tmp/vittf-pickle-executed").tuple1().reduce(),
        "forbidden global os.system");
    assertRefused(new Pickle().global("builtins", "eval").stop(), "forbidden global builtins.eval");
    // protocol 4's STACK_GLOBAL takes its names from the stack
    assertRefused(new Pickle().str("subprocess").str("Popen").op(0x93).stop(), "forbidden global subprocess.Popen");
    assertRefused(new Pickle().global("torch", "load").stop(), "forbidden global torch.load");
    assertFalse(Files.exists(MARKER));
  }

  @Test
  void reduceOnlyOnWhitelistedFunctions() throws Exception {
    assertRefused(new Pickle().global("torch", "FloatStorage").emptyTuple().reduce(), "REDUCE on torch.FloatStorage is not allowed");
    assertRefused(new Pickle().str("os.system").emptyTuple().reduce(), "REDUCE on String is not allowed");
    assertRefused(new Pickle().op(0x81).stop(), "unsupported pickle opcode 0x81");
    assertRefused(new Pickle().op('i').stop(), "unsupported pickle opcode 0x69 'i'");
  }

  @Test
  void tensorsMustFitTheirStorages() throws Exception {
    assertRefused(stateDict(16, 20, new long[] {4}, new long[] {1}), "extends past its storage");
    assertRefused(stateDict(16, 0, new long[] {4, 5}, new long[] {5, 1}), "extends past its storage");
    assertRefused(stateDict(16, 0, new long[] {1L << 40, 1L << 40}, new long[] {1, 1}), "overflows");
    assertRefused(stateDict(16, 0, new long[] {16}, new long[] {-1}), "negative size or stride");
    assertRefused(stateDict(16, 0, new long[] {32}, new long[] {0}), "expanded views are not supported");
    // a storage whose element count disagrees with its entry is refused before anything is read
    assertRefused(torchZip(tensorPickle(1L << 40, 0, new long[] {4}, new long[] {1}), floats(16)), "claims 1099511627776");
  }

  @Test
  void deepNestingAndTruncatedPicklesAreRefused() throws Exception {
    Pickle deep = new Pickle();
    for (int i = 0; i < 5000; i++) {
      deep.op('(');
    }
    assertRefused(deep.stop(), "nesting deeper than 1000");
    assertRefused(new Pickle().op('X').raw(0xff, 0xff, 0xff, 0x7f), "needs 2147483647 bytes");
    assertRefused(new Pickle().emptyDict(), "ends without STOP");
  }

  /** A transposed (non-contiguous) view is copied out in row-major order. */
  @Test
  void stridedViewsAreCopiedOut() throws Exception {
    Path f = write(stateDict(6, 0, new long[] {3, 2}, new long[] {1, 3}));
    HostTensor t = TorchCheckpoint.read(f).get("w");
    assertArrayEquals(new long[] {3, 2}, t.shape());
    assertArrayEquals(new float[] {0, 3, 1, 4, 2, 5}, t.data());
    // an offset view of the same storage
    HostTensor o = TorchCheckpoint.read(write(stateDict(6, 2, new long[] {2, 2}, new long[] {2, 1}))).get("w");
    assertArrayEquals(new float[] {2, 3, 4, 5}, o.data());
  }

  @Test
  void archiveDefectsAreRefused() throws Exception {
    assertRefused(compressed(tensorPickle(16, 0, new long[] {16}, new long[] {1}), floats(16)), "compressed");
    Path legacy = dir.resolve("legacy.pt");
    Files.write(legacy, new byte[] {(byte) 0x80, 2, 'K', 1, '.'});
    assertTrue(assertThrows(TorchCheckpointException.class, () -> TorchCheckpoint.read(legacy)).getMessage()
        .contains("legacy (pre-1.6, non-zip) torch.save format"));
    byte[] good = torchZip(tensorPickle(16, 0, new long[] {16}, new long[] {1}), floats(16));
    for (int cut : new int[] {good.length - 1, good.length - 30, good.length / 2}) {
      byte[] part = java.util.Arrays.copyOf(good, cut);
      assertRefused(part, "");
    }
    assertEquals(16, TorchCheckpoint.read(write(good)).get("w").size());
  }

  // ---- helpers ----

  private void assertRefused(Pickle p, String message) throws IOException {
    assertRefused(torchZip(p.bytes(), floats(16)), message);
  }

  private void assertRefused(byte[] zip, String message) throws IOException {
    Path f = write(zip);
    TorchCheckpointException e = assertThrows(TorchCheckpointException.class, () -> TorchCheckpoint.read(f));
    assertTrue(e.getMessage().contains(message), e.getMessage());
  }

  private Path write(byte[] bytes) throws IOException {
    Path f = Files.createTempFile(dir, "ckpt", ".pth");
    Files.write(f, bytes);
    return f;
  }

  private static byte[] floats(int n) {
    ByteBuffer b = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < n; i++) {
      b.putFloat(i);
    }
    return b.array();
  }

  private static byte[] stateDict(long numel, long offset, long[] size, long[] stride) throws IOException {
    return torchZip(tensorPickle(numel, offset, size, stride), floats((int) numel));
  }

  // OrderedDict(w=_rebuild_tensor_v2(('storage', torch.FloatStorage, '0', 'cpu', numel), offset, size, stride, False, OrderedDict()))
  private static byte[] tensorPickle(long numel, long offset, long[] size, long[] stride) {
    Pickle p = new Pickle().global("collections", "OrderedDict").emptyTuple().reduce().op('(').str("w")
        .global("torch._utils", "_rebuild_tensor_v2").op('(')
        .op('(').str("storage").global("torch", "FloatStorage").str("0").str("cpu").integer(numel).op('t').op('Q')
        .integer(offset).op('(');
    for (long s : size) {
      p.integer(s);
    }
    p.op('t').op('(');
    for (long s : stride) {
      p.integer(s);
    }
    p.op('t').op(0x89).global("collections", "OrderedDict").emptyTuple().reduce().op('t').reduce().op('u');
    return p.stop().bytes();
  }

  private static byte[] torchZip(byte[] pickle, byte[] storage) throws IOException {
    return zip(pickle, storage, ZipEntry.STORED);
  }

  private static byte[] compressed(byte[] pickle, byte[] storage) throws IOException {
    return zip(pickle, storage, ZipEntry.DEFLATED);
  }

  private static byte[] zip(byte[] pickle, byte[] storage, int method) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(out)) {
      put(z, "archive/data.pkl", pickle, ZipEntry.STORED);
      put(z, "archive/data/0", storage, method);
      put(z, "archive/version", "3\n".getBytes(StandardCharsets.US_ASCII), ZipEntry.STORED);
    }
    return out.toByteArray();
  }

  private static void put(ZipOutputStream z, String name, byte[] data, int method) throws IOException {
    ZipEntry e = new ZipEntry(name);
    e.setMethod(method);
    if (method == ZipEntry.STORED) {
      CRC32 crc = new CRC32();
      crc.update(data);
      e.setSize(data.length);
      e.setCompressedSize(data.length);
      e.setCrc(crc.getValue());
    }
    z.putNextEntry(e);
    z.write(data);
    z.closeEntry();
  }

  /** Writes pickle opcodes (protocol 2), the way a hostile file would. */
  static final class Pickle {
    private final ByteArrayOutputStream b = new ByteArrayOutputStream();

    Pickle() {
      raw(0x80, 2);
    }

    Pickle raw(int... bytes) {
      for (int x : bytes) {
        b.write(x);
      }
      return this;
    }

    Pickle op(int code) {
      return raw(code);
    }

    Pickle global(String module, String name) {
      b.write('c');
      b.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.UTF_8));
      return this;
    }

    Pickle str(String s) {
      byte[] u = s.getBytes(StandardCharsets.UTF_8);
      raw('X', u.length & 0xff, (u.length >> 8) & 0xff, (u.length >> 16) & 0xff, u.length >>> 24);
      b.writeBytes(u);
      return this;
    }

    Pickle integer(long v) {
      b.write(0x8a);
      b.write(8);
      for (int i = 0; i < 8; i++) {
        b.write((int) (v >>> (8 * i)) & 0xff);
      }
      return this;
    }

    Pickle emptyTuple() {
      return op(')');
    }

    Pickle emptyDict() {
      return op('}');
    }

    Pickle tuple1() {
      return op(0x85);
    }

    Pickle reduce() {
      return op('R');
    }

    Pickle stop() {
      return op('.');
    }

    byte[] bytes() {
      return b.toByteArray();
    }
  }
}
