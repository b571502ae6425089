package dev.vittf.models;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vittf.core.InvalidConfigException;
import dev.vittf.core.ResourceLimits;
import dev.vittf.io.SafeTensors;
import dev.vittf.io.SafeTensorsException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16's fuzz tests, with fixed seeds: hostile values in every integer field of every tiny preset
 * (through ConfigJson, as {@code --set} does) give a valid config that fits the limits or an {@code
 * InvalidConfigException}/{@code ConfigJsonException}, never another exception; mutated safetensors
 * headers give the tensors or a {@code SafeTensorsException}, never another exception.
 */
class HostileInputFuzzTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long[] HOSTILE = {0, -1, 1, 2, 3, 7, 64, 65536, 46341, 1 << 20, 1_000_000, Integer.MAX_VALUE,
      Integer.MIN_VALUE, 1L << 31, 1L << 32, Long.MAX_VALUE};

  @Test
  void hostileConfigFieldValues() {
    Random r = new Random(16);
    int valid = 0;
    int refused = 0;
    for (String preset : List.of("vit-tiny", "deepvit-tiny", "cait-tiny", "parallel-vit-tiny", "scalable-vit-tiny")) {
      ObjectNode base = ConfigJson.toTree(Presets.get(preset));
      List<String> ints = new ArrayList<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = base.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> f = it.next();
        if (f.getValue().isIntegralNumber() || (f.getValue().isArray() && f.getValue().size() > 0
            && f.getValue().get(0).isIntegralNumber())) {
          ints.add(f.getKey());
        }
      }
      for (int trial = 0; trial < 120; trial++) {
        ObjectNode o = JSON.createObjectNode();
        for (int k = 0; k < 1 + r.nextInt(3); k++) {
          String field = ints.get(r.nextInt(ints.size()));
          long v = r.nextInt(4) == 0 ? r.nextInt(5000) : HOSTILE[r.nextInt(HOSTILE.length)];
          if (base.get(field).isArray()) {
            o.putArray(field).add(v);
          } else {
            o.put(field, v);
          }
        }
        try {
          ModelConfig c = ConfigJson.override(Presets.get(preset), o);
          valid++;
          assertTrue(4 * c.size().parameterCount() <= ResourceLimits.current().maxParameterBytes(), preset + " " + o);
        } catch (InvalidConfigException | ConfigJsonException e) {
          refused++;
          assertTrue(e.getMessage() != null && !e.getMessage().isBlank());
        } catch (RuntimeException e) {
          fail(preset + " " + o + ": " + e, e);
        }
      }
    }
    assertTrue(valid > 20 && refused > 200, valid + " valid, " + refused + " refused");
  }

  @Test
  void mutatedSafetensorsHeaders(@TempDir Path dir) throws Exception {
    Random r = new Random(16);
    String[] pieces = {"0", "-1", "8", "16", "18446744073709551616", "9223372036854775807", "1e3", "2.5", "null", "\"8\"",
        "[]", "[0]", "[0,8,16]", "{}", "\"F32\"", "\"F16\"", "\"I64\"", "true"};
    int ok = 0;
    for (int trial = 0; trial < 400; trial++) {
      String[] v = new String[5];
      v[0] = "\"F32\"";
      v[1] = "[2]";
      v[2] = "[0,8]";
      v[3] = "\"F32\"";
      v[4] = "[8,12]";
      for (int k = 0; k < 1 + r.nextInt(2); k++) {
        v[r.nextInt(5)] = pieces[r.nextInt(pieces.length)];
      }
      String header = "{\"a\":{\"dtype\":" + v[0] + ",\"shape\":" + v[1] + ",\"data_offsets\":" + v[2] + "},"
          + "\"b\":{\"dtype\":" + v[3] + ",\"shape\":[1],\"data_offsets\":" + v[4] + "}}";
      if (r.nextInt(10) == 0) {
        header = header.substring(0, r.nextInt(header.length())); // truncated
      }
      byte[] h = header.getBytes(StandardCharsets.UTF_8);
      ByteBuffer b = ByteBuffer.allocate(8 + h.length + 12).order(ByteOrder.LITTLE_ENDIAN);
      b.putLong(r.nextInt(20) == 0 ? r.nextLong() : h.length).put(h);
      Path f = dir.resolve("f" + trial + ".safetensors");
      Files.write(f, b.array());
      try {
        SafeTensors.read(f);
        ok++;
      } catch (SafeTensorsException e) {
        assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
      } catch (RuntimeException e) {
        fail(header + ": " + e, e);
      }
    }
    assertTrue(ok > 0 && ok < 400, ok + " of 400 accepted");
  }
}
