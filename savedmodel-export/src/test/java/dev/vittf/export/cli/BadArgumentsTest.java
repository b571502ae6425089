package dev.vittf.export.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vittf.cli.support.Declarations;
import dev.vittf.cli.support.Declarations.BadArgument;
import dev.vittf.core.HostTensor;
import dev.vittf.io.SafeTensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * Every bad argument of the {@code savedmodel-export} tool, run in this JVM: the cases of issue 18 with their exact
 * message, and one case per declared range or path role of every option of every command (generated from the
 * command tree). All are usage errors (exit 2) with one stderr line, and none starts any work.
 */
class BadArgumentsTest {
  @TempDir static Path scratch;

  private static BadArgument exact(String line, String... args) {
    return new BadArgument(List.of(args), line, true);
  }

  /** The cases of issue 18 and the conflicts found going through every command. */
  static Stream<BadArgument> issueCases() throws IOException {
    String out = scratch.resolve("models").toString();
    Path presetCfg = Files.writeString(scratch.resolve("preset.json"), "{\"preset\": \"vit-tiny\"}");
    Path archCfg = Files.writeString(scratch.resolve("arch.json"), "{\"architecture\": \"vit\", \"dim\": 64}");
    Path ckpt = Files.writeString(scratch.resolve("w.safetensors"), "not read: the conflict is found first");
    // A directory that passes as a SavedModel until TensorFlow loads it: the input checks come first.
    Path model = Files.createDirectories(scratch.resolve("fake-model"));
    Files.write(model.resolve("saved_model.pb"), new byte[0]);
    Path empty = scratch.resolve("empty.safetensors");
    SafeTensors.write(empty, Map.of("images", HostTensor.zeros(0, 32, 32, 3)), Map.of());
    Path image = Files.write(scratch.resolve("img.png"), new byte[] {1});
    List<BadArgument> c = new ArrayList<>();
    // --architecture against the config's own architecture (was: exports a ViT).
    c.add(exact("error: " + presetCfg + " describes architecture 'vit' (preset 'vit-tiny'), not --architecture=cait",
        "export", "--architecture", "cait", "--config", presetCfg.toString(), "-o", out));
    c.add(exact("error: " + archCfg + " describes architecture 'vit', not --architecture=cait",
        "export", "--architecture", "cait", "--config", archCfg.toString(), "-o", out));
    c.add(exact("error: preset 'vit-tiny' is a 'vit' model, not 'cait'", "export", "--architecture", "cait", "--preset", "vit-tiny", "-o", out));
    // --mean / --std without the signature that uses them (were dropped).
    c.add(exact("error: --mean needs --image-bytes (only the image-bytes signature normalises images)",
        "export", "--preset", "vit-tiny", "--mean", "0.5,0.5,0.5", "-o", out));
    c.add(exact("error: --std needs --image-bytes (only the image-bytes signature normalises images)",
        "export", "--preset", "vit-tiny", "--std", "0.5,0.5,0.5", "-o", out));
    c.add(exact("error: --std=0: must be > 0 (see 'vittf-export export --help')",
        "export", "--preset", "vit-tiny", "--image-bytes", "--std", "0.5,0,0.5", "-o", out));
    c.add(exact("error: --mean=NaN: must be a finite number (see 'vittf-export export --help')",
        "export", "--preset", "vit-tiny", "--image-bytes", "--mean", "NaN", "-o", out));
    // Other options that had no effect.
    c.add(exact("error: --seed has no effect with --checkpoint (the weights come from the checkpoint)",
        "export", "--preset", "vit-tiny", "--checkpoint", ckpt.toString(), "--seed", "3", "-o", out));
    c.add(exact("error: --source needs --checkpoint (it names the checkpoint's tensor naming)",
        "export", "--preset", "vit-tiny", "--source", "timm", "-o", out));
    c.add(exact("error: --overwrite needs --version (without --version the export takes the next free version)",
        "export", "--preset", "vit-tiny", "--overwrite", "-o", out));
    c.add(exact("error: --tensor needs --input (it names a tensor of the --input file)",
        "predict", model.toString(), "--image", image.toString(), "--tensor", "images"));
    c.add(exact("error: give either --preset or --config, not both",
        "export", "--preset", "vit-tiny", "--config", presetCfg.toString(), "-o", out));
    // Ranges.
    c.add(exact("error: --version=-1: must be >= 0 (see 'vittf-export export --help')", "export", "--preset", "vit-tiny", "--version", "-1", "-o", out));
    c.add(exact("error: --top=0: must be >= 1 (see 'vittf-export predict --help')", "predict", model.toString(), "--top", "0"));
    c.add(exact("error: --batch=0: must be >= 1 (see 'vittf-export bench --help')", "bench", "-b", "0"));
    c.add(exact("error: --iterations=0: must be >= 1 (see 'vittf-export bench --help')", "bench", "-n", "0"));
    c.add(exact("error: --warmup=-1: must be >= 0 (see 'vittf-export bench --help')", "bench", "-w", "-1"));
    // Paths: what was expected and why it failed.
    c.add(exact("error: DIR=" + scratch.resolve("none") + ": must be an existing readable directory; it does not exist"
        + " (see 'vittf-export inspect --help')", "inspect", scratch.resolve("none").toString()));
    c.add(exact("error: --image=" + scratch.resolve("cat.jpg") + ": must be an existing readable file; it does not exist"
        + " (see 'vittf-export predict --help')", "predict", model.toString(), "--image", scratch.resolve("cat.jpg").toString()));
    c.add(exact("error: --labels=" + scratch + ": must be an existing readable file; it is a directory"
        + " (see 'vittf-export predict --help')", "predict", model.toString(), "--labels", scratch.toString()));
    // Empty input: predict on a batch of 0 images (printed nothing, exit 0).
    c.add(exact("error: " + empty + ": no image to predict: the batch has shape [0, 32, 32, 3] (expected [B, H, W, C] with B >= 1,"
        + " or one image [H, W, C])", "predict", model.toString(), "--input", empty.toString()));
    return c.stream();
  }

  static Stream<BadArgument> declaredCases() {
    return Declarations.badArguments(VitTfExport.commandLine(), scratch).stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource({"issueCases", "declaredCases"})
  void isAUsageErrorNamingOptionValueAndRule(BadArgument c) {
    CliTest.Run r = CliTest.cli(c.args().toArray(String[]::new));
    assertNull(c.mismatch(r.code(), r.out(), r.err()));
    assertTrue(!Files.exists(scratch.resolve("models")), "nothing exported");
  }

  @Test
  void everyNumericAndPathOptionDeclaresItsRangeOrRole() {
    assertEquals(List.of(), Declarations.undeclared(VitTfExport.commandLine()));
    assertTrue(declaredCases().count() > 25, "generated cases");
  }

  @Test
  void noArgumentsPrintsTheUsageAndExitsTwo() {
    CliTest.Run r = CliTest.cli();
    assertEquals(2, r.code());
    assertTrue(r.err().startsWith("Usage: vittf-export [-hV] [COMMAND]"), r.err());
    assertTrue(r.err().endsWith("error: no command given\n"), r.err());
  }

  @Test
  void everyCommandsHelpListsTheExitCodes() {
    for (String cmd : List.of("export", "inspect", "predict", "bench")) {
      CliTest.Run r = CliTest.cli(cmd, "--help");
      assertEquals(0, r.code(), cmd + r.err());
      assertTrue(r.out().contains("Exit codes:\n   0   success\n   1   runtime failure"), cmd + ": " + r.out());
      assertTrue(r.out().contains("\n   3   the checkpoint does not match the model or is malformed\n"
          + "   4   the output exists and --overwrite was not given\n"), cmd + ": " + r.out());
    }
  }
}
