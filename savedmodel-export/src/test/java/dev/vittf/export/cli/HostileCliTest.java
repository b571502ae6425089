package dev.vittf.export.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vittf.core.HostTensor;
import dev.vittf.io.SafeTensors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 16 through the export command line: rows 3 (fail fast on a model too large) and 4 (no NaN printed). */
class HostileCliTest {
  @Test
  void exportOfAModelThatCannotFitFailsFastWithTheSize(@TempDir Path dir) {
    CliTest.Run r = assertTimeoutPreemptively(Duration.ofSeconds(30),
        () -> CliTest.cli("export", "--preset", "vit-tiny", "--set", "depth=1000000", "-o", dir.resolve("m").toString()));
    CliTest.assertErrorStartsWith(r, VitTfExport.EXIT_USAGE, "error: invalid ViTConfig (");
    assertTrue(r.err().contains("): depth=1000000: the model would have ") && r.err().contains("-Dvittf.maxParameterBytes"), r.err());
    assertTrue(!Files.exists(dir.resolve("m")) || dir.resolve("m").toFile().list().length == 0, "nothing written");
  }

  @Test
  void configFilesWithDuplicateKeysAreRefused(@TempDir Path dir) throws Exception {
    Path cfg = dir.resolve("c.json");
    Files.writeString(cfg, "{\"preset\": \"vit-tiny\", \"depth\": 2, \"depth\": 1000}");
    CliTest.Run r = CliTest.cli("export", "--config", cfg.toString(), "-o", dir.resolve("m").toString());
    assertEquals(VitTfExport.EXIT_USAGE, r.code(), r.err());
    assertTrue(r.err().contains("Duplicate field 'depth'"), r.err());
  }

  @Test
  void predictNeverPrintsNaNProbabilities(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("m");
    assertEquals(0, CliTest.cli("export", "--preset", "vit-tiny", "-o", out.toString()).code());
    float[] x = new float[2 * 32 * 32 * 3];
    x[32 * 32 * 3 + 7] = Float.NaN;
    Path in = dir.resolve("x.safetensors");
    SafeTensors.write(in, Map.of("images", new HostTensor(new long[] {2, 32, 32, 3}, x)), Map.of());
    CliTest.Run r = CliTest.cli("predict", out.toString(), "--input", in.toString());
    assertTrue(r.code() != 0, r.out());
    assertTrue(!r.out().contains("NaN"), r.out());
    assertTrue(r.err().contains("input image 1 of the batch"), r.err());
  }
}
