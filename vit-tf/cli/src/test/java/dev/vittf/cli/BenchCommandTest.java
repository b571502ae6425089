package dev.vittf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vittf.core.Precision;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code bench --precision fp32,bf16 --json}: one result line per batch and precision, each with its own peak. */
class BenchCommandTest {
  @Test
  void eachPrecisionHasItsRowAndItsPeak() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream saved = System.out;
    int code;
    try (PrintStream p = new PrintStream(out, true, StandardCharsets.UTF_8)) {
      System.setOut(p);
      code = Main.execute(p, p, false, new String[] {"bench", "--preset", "vit-tiny", "--batch", "2", "--precision", "fp32,bf16",
          "--iterations", "3", "--warmup", "1", "--peak-size", "256", "--json"});
    } finally {
      System.setOut(saved);
    }
    String s = out.toString(StandardCharsets.UTF_8);
    assertEquals(0, code, s);
    List<JsonNode> rows = new ArrayList<>();
    for (String line : s.split("\n")) {
      if (line.startsWith(BenchCommand.RESULT_PREFIX)) {
        rows.add(new ObjectMapper().readTree(line.substring(BenchCommand.RESULT_PREFIX.length())));
      }
    }
    assertEquals(2, rows.size(), s);
    assertEquals("fp32", rows.get(0).get("precision").asText());
    assertEquals(Precision.resolve(Precision.BF16).label(), rows.get(1).get("precision").asText());
    for (JsonNode r : rows) {
      assertEquals(2, r.get("batch").asInt());
      assertTrue(r.get("imagesPerSecond").asDouble() > 0, r.toString());
      assertTrue(r.get("peakGflops").asDouble() > 0, r.toString());
      assertEquals(256, r.get("peakSize").asInt());
      assertTrue(r.get("fractionOfPeak").asDouble() > 0, r.toString());
    }
    assertTrue(s.matches("(?s).*\\n  batch 2: " + rows.get(1).get("precision").asText()
        + " [0-9.]+ images/s = [0-9.]+x fp32 \\(peak matmul .*"), s);
  }
}
