package dev.vittf.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vittf.models.ConfigJson;
import dev.vittf.models.ConfigJsonException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 16, row 5: offsets and shapes are exact integers, and JSON keys are unique. */
class SafeTensorsExactnessTest {
  /** A file with {@code header} and 8 data bytes. */
  static Path file(Path dir, String header, int dataBytes) throws Exception {
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(h.length).put(h);
    Path f = Files.createTempFile(dir, "t", ".safetensors");
    Files.write(f, b.array());
    return f;
  }

  private static String refused(Path f) {
    return assertThrows(SafeTensorsException.class, () -> SafeTensors.read(f)).getMessage();
  }

  @Test
  void offsetsPastALongAreRefusedNotWrapped(@TempDir Path dir) throws Exception {
    String ok = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";
    assertEquals(2, SafeTensors.read(file(dir, ok, 8)).tensors().get("a").size());
    for (String off : new String[] {"[18446744073709551616,18446744073709551624]", "[36893488147419103232,36893488147419103240]",
        "[0,18446744073709551624]", "[-18446744073709551616,8]", "[9223372036854775807,9223372036854775815]"}) {
      String m = refused(file(dir, "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":" + off + "}}", 8));
      assertTrue(m.contains("data_offsets") && m.contains("out of range"), m);
    }
  }

  @Test
  void shapesPastALongAreRefusedNotWrapped(@TempDir Path dir) throws Exception {
    String m = refused(file(dir, "{\"a\":{\"dtype\":\"F32\",\"shape\":[18446744073709551618],\"data_offsets\":[0,8]}}", 8));
    assertTrue(m.contains("bad shape"), m);
    String deep = "[1,1,1,1,1,1,1,1,2]";
    m = refused(file(dir, "{\"a\":{\"dtype\":\"F32\",\"shape\":" + deep + ",\"data_offsets\":[0,8]}}", 8));
    assertTrue(m.contains("rank 9, more than 8"), m);
  }

  @Test
  void duplicateKeysAreRefused(@TempDir Path dir) throws Exception {
    String t = "{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}";
    String m = refused(file(dir, "{\"a\":" + t + ",\"a\":" + t + "}", 4));
    assertTrue(m.contains("Duplicate field 'a'"), m);
    m = refused(file(dir, "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"shape\":[2]}}", 4));
    assertTrue(m.contains("Duplicate field 'shape'"), m);
    ConfigJsonException c = assertThrows(ConfigJsonException.class,
        () -> ConfigJson.fromJson("{\"preset\": \"vit-tiny\", \"depth\": 2, \"depth\": 3}"));
    assertTrue(c.getMessage().contains("Duplicate field 'depth'"), c.getMessage());
  }
}
