package dev.vittf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vittf.core.HostTensor;
import dev.vittf.io.SafeTensors;
import dev.vittf.io.SafeTensorsException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The safetensors reader is strict and bounded; the writer round-trips and writes atomically. */
class SafeTensorsTest {
  @TempDir Path tmp;

  /** Builds a raw file from a header string and a data section. */
  private Path raw(String header, byte[] data) throws IOException {
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(h.length).put(h).put(data);
    Path f = Files.createTempFile(tmp, "t", ".safetensors");
    Files.write(f, b.array());
    return f;
  }

  private static byte[] floats(float... v) {
    ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    for (float x : v) {
      b.putFloat(x);
    }
    return b.array();
  }

  private String error(Path f) {
    return assertThrows(SafeTensorsException.class, () -> SafeTensors.read(f)).getMessage();
  }

  @Test
  void roundTripWithMetadataAndZeroSizeTensor() throws IOException {
    Map<String, HostTensor> t = new LinkedHashMap<>();
    t.put("a", new HostTensor(new long[] {2, 3}, new float[] {1, 2, 3, 4, 5, 6}));
    t.put("empty", new HostTensor(new long[] {0, 48}, new float[0]));
    t.put("scalar", new HostTensor(new long[] {}, new float[] {-7.5f}));
    Path f = tmp.resolve("sub/w.safetensors");
    SafeTensors.write(f, t, Map.of("format", "vit-tf"));
    SafeTensors.Contents c = SafeTensors.read(f);
    assertEquals(t, c.tensors());
    assertEquals("vit-tf", c.metadata().get("format"));
    assertEquals(0, (Files.size(f) - 8 - ByteBuffer.wrap(Files.readAllBytes(f), 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong()) % 4);
    try (var s = Files.list(f.getParent())) {
      assertEquals(1, s.count(), "no temporary file left behind");
    }
  }

  @Test
  void readsTheFixtureWithAZeroSizeClassToken() throws IOException {
    HostTensor cls = SafeTensors.read(Fixtures.dir().resolve("vit_mean.safetensors")).tensors().get("cls_token");
    assertArrayEquals(new long[] {0, 48}, cls.shape());
  }

  @Test
  void convertsHalfBfloatAndDouble() throws IOException {
    // F16 1.0 = 0x3C00, -2.0 = 0xC000; BF16 1.5 = 0x3FC0; F64 0.25
    ByteBuffer b = ByteBuffer.allocate(14).order(ByteOrder.LITTLE_ENDIAN);
    b.putShort((short) 0x3C00).putShort((short) 0xC000).putShort((short) 0x3FC0).putDouble(0.25);
    Path f = raw("{\"h\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]},"
        + "\"b\":{\"dtype\":\"BF16\",\"shape\":[1],\"data_offsets\":[4,6]},"
        + "\"d\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[6,14]}}", b.array());
    Map<String, HostTensor> t = SafeTensors.read(f).tensors();
    assertArrayEquals(new float[] {1f, -2f}, t.get("h").data());
    assertArrayEquals(new float[] {1.5f}, t.get("b").data());
    assertArrayEquals(new float[] {0.25f}, t.get("d").data());
  }

  @Test
  void rejectsAFileShorterThanTheLengthField() throws IOException {
    Path f = tmp.resolve("short");
    Files.write(f, new byte[] {1, 2, 3});
    assertTrue(error(f).contains("truncated: 3 bytes"), error(f));
  }

  @Test
  void rejectsAHeaderLongerThanTheFile() throws IOException {
    Path f = tmp.resolve("h");
    ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1000).putLong(0);
    Files.write(f, b.array());
    assertTrue(error(f).contains("header length 1000 exceeds the file size 16"), error(f));
  }

  @Test
  void rejectsAnAbsurdHeaderLength() throws IOException {
    Path f = tmp.resolve("h2");
    Files.write(f, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(-5).putLong(0).array());
    assertTrue(error(f).contains("bad header length"), error(f));
  }

  @Test
  void rejectsTruncatedData() throws IOException {
    Path f = raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", floats(1, 2));
    assertTrue(error(f).contains("data_offsets [0,16] out of range (data section has 8 bytes)"), error(f));
  }

  @Test
  void rejectsInvalidJson() throws IOException {
    assertTrue(error(raw("{\"a\": [", new byte[0])).contains("bad header: not valid JSON"));
  }

  @Test
  void rejectsAnEntryWithoutShape() throws IOException {
    Path f = raw("{\"a\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", floats(1));
    assertTrue(error(f).contains("tensor 'a': bad header entry"), error(f));
  }

  @Test
  void rejectsUnsupportedDtypes() throws IOException {
    Path f = raw("{\"a\":{\"dtype\":\"I8\",\"shape\":[4],\"data_offsets\":[0,4]}}", new byte[4]);
    assertTrue(error(f).contains("tensor 'a': unsupported dtype I8"), error(f));
  }

  @Test
  void rejectsASizeThatDoesNotMatchTheShape() throws IOException {
    Path f = raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", floats(1, 2));
    assertTrue(error(f).contains("span 8 bytes, but F32 [3] needs 12"), error(f));
  }

  @Test
  void rejectsOverlappingTensors() throws IOException {
    Path f = raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
        + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", floats(1, 2, 3));
    assertTrue(error(f).contains("overlaps the previous tensor"), error(f));
  }

  @Test
  void rejectsGapsAndTrailingBytes() throws IOException {
    Path gap = raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", floats(1, 2));
    assertTrue(error(gap).contains("gap in the data section before tensor 'a'"), error(gap));
    Path trailing = raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", floats(1, 2));
    assertTrue(error(trailing).contains("4 trailing bytes after the last tensor"), error(trailing));
  }

  @Test
  void rejectsNegativeDimensionsAndNonStringMetadata() throws IOException {
    Path neg = raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,0]}}", new byte[0]);
    assertTrue(error(neg).contains("bad shape [-1]"), error(neg));
    Path meta = raw("{\"__metadata__\":{\"k\":3}}", new byte[0]);
    assertTrue(error(meta).contains("__metadata__.k must be a string"), error(meta));
  }

  @Test
  void everyFixtureTruncationIsDetected() throws IOException {
    byte[] full = Files.readAllBytes(Fixtures.dir().resolve("vit.io.safetensors"));
    for (int cut : new int[] {0, 7, 8, 100, full.length / 2, full.length - 1}) {
      Path f = tmp.resolve("cut" + cut);
      Files.write(f, Arrays.copyOf(full, cut));
      assertThrows(SafeTensorsException.class, () -> SafeTensors.read(f), "cut at " + cut);
    }
  }
}
