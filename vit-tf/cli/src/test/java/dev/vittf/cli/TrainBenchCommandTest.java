package dev.vittf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vittf.models.ModelConfig;
import dev.vittf.models.Presets;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class TrainBenchCommandTest {
  @Test
  void reportsMillisecondsAndGflopsConsistently() {
    ModelConfig tiny = Presets.get("vit-tiny");
    TrainBenchCommand.Result r = TrainBenchCommand.bench(tiny, 4, 1, 3, 1);
    assertEquals(3, r.stepMillis().length);
    assertTrue(r.msPerStep() > 0);
    assertEquals(3.0 * tiny.network().flopsPerImage() * 4 / (r.msPerStep() / 1e3) / 1e9, r.gflopsPerSecond(), 1e-9);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (PrintStream p = new PrintStream(out, true, StandardCharsets.UTF_8)) {
      int code = new CommandLine(new TrainBenchCommand(p)).execute("--preset", "vit-tiny", "--batch-size", "2", "--warmup", "1",
          "--steps", "1", "--precision", "fp32,bf16");
      assertEquals(0, code);
    }
    String s = out.toString(StandardCharsets.UTF_8);
    String bf16 = dev.vittf.core.Precision.resolve(dev.vittf.core.Precision.BF16).label(); // fp32 on a CPU without bf16
    assertTrue(s.matches("(?s)train-bench vit-tiny batch 2 fp32: [0-9.]+ ms/step \\(median of 1, after 1 warm-up\\), [0-9.]+ images/s, "
        + "[0-9.]+ GFLOP/s .*\ntrain-bench vit-tiny batch 2 " + bf16 + ": [0-9.]+ ms/step .*\n  " + bf16
        + " / fp32 images/s: [0-9.]+x\n"), s);
  }
}
