package dev.vittf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vittf.Fixtures;
import dev.vittf.core.HostTensor;
import dev.vittf.io.CheckpointSource;
import dev.vittf.io.Checkpoints;
import dev.vittf.io.SafeTensors;
import dev.vittf.models.ConfigJson;
import dev.vittf.models.ModelConfig;
import dev.vittf.models.VitModel;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code inspect} and {@code convert} on every hub folder, and {@code parity} over the hub folders. */
class PretrainedCommandsTest {
  @TempDir Path tmp;

  private record Run(int code, String out, String err) {}

  private static Run main(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
      int code = Main.execute(args);
      return new Run(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }

  private static final List<String> HUB = List.of("hf_vit", "hf_vit_bin", "hf_vit_bare", "hf_deit_distilled", "timm_vit", "torchvision_vit");

  @Test
  void inspectEveryHubFolder() {
    for (String n : HUB) {
      Run r = main("inspect", Fixtures.dir().resolve("hub").resolve(n).toString());
      assertEquals(0, r.code(), n + ": " + r.err());
      for (String field : List.of("format:", "architecture:  vit", "parameters:", "labels:", "preprocessing:")) {
        assertTrue(r.out().contains(field), n + " lacks " + field + ":\n" + r.out());
      }
    }
    Run bin = main("inspect", Fixtures.dir().resolve("hub/hf_vit_bin/pytorch_model.bin").toString());
    assertTrue(bin.out().contains("torch.save zip") && bin.out().contains("tensors:  40"), bin.out());
    Run hostile = main("inspect", Fixtures.dir().resolve("hostile/system.bin").toString());
    assertEquals(1, hostile.code());
    assertTrue(hostile.err().contains("forbidden global posix.system"), hostile.err());
  }

  /** convert writes our names with config and labels; the file reproduces the expected logits. */
  @Test
  void convertEveryHubFolder() throws Exception {
    for (String n : HUB) {
      Path folder = Fixtures.dir().resolve("hub").resolve(n);
      Path out = tmp.resolve(n + ".safetensors");
      Run r = main("convert", folder.toString(), "--output", out.toString());
      assertEquals(0, r.code(), n + ": " + r.err());
      SafeTensors.Contents c = SafeTensors.read(out);
      ModelConfig config = ConfigJson.fromJson(c.metadata().get("config"));
      Map<String, HostTensor> io = SafeTensors.read(folder.resolve("expected.io.safetensors")).tensors();
      String expected = io.containsKey("logits") ? "logits" : "pooler_output";
      try (VitModel m = Checkpoints.model(out, config, CheckpointSource.NATIVE)) {
        double diff = m.predict(io.get("input")).maxAbsDiff(io.get(expected));
        assertTrue(diff <= 1e-4, n + ": " + diff);
      }
      assertEquals(n.equals("hf_vit_bare") ? 0 : config.numClasses(), Checkpoints.labels(out).size(), n);
    }
    Path out = tmp.resolve("hf_vit.safetensors");
    Run again = main("convert", Fixtures.dir().resolve("hub/hf_vit").toString(), "--output", out.toString());
    assertEquals(4, again.code());
    assertTrue(again.err().contains("exists (use --overwrite"), again.err());
    assertTrue(Files.exists(out));
  }

  @Test
  void parityRunsHubFolders() {
    Run r = main("parity", "--fixtures", Fixtures.dir().resolve("hub").toString());
    assertEquals(0, r.code(), r.out() + r.err());
    for (String n : HUB) {
      assertTrue(r.out().lines().anyMatch(l -> l.startsWith(n + " ") && l.endsWith("PASS")), n + ":\n" + r.out());
    }
    assertTrue(r.out().contains("6 cases: 6 passed, 0 failed, 0 unsupported"), r.out());
  }
}
