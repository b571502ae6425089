package dev.vittf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vittf.Fixtures;
import dev.vittf.cli.support.UsageException;
import dev.vittf.core.HostTensor;
import dev.vittf.io.SafeTensors;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code parity} reports every case on its own line and goes on past failed and unsupported cases. */
class ParityCommandTest {
  @TempDir Path dir;

  private record Run(int code, List<String> lines) {}

  private static Run parity(Path fixtures) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code;
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8)) {
      code = new ParityCommand(o).withDir(fixtures).call();
    }
    return new Run(code, out.toString(StandardCharsets.UTF_8).lines().toList());
  }

  /** Copies a reference case under a new name. */
  private void copyCase(String from, String to) throws IOException {
    for (String suffix : List.of(".json", ".safetensors", ".io.safetensors")) {
      Files.copy(Fixtures.dir().resolve(from + suffix), dir.resolve(to + suffix));
    }
  }

  private String line(Run r, String name) {
    return r.lines().stream().filter(l -> l.startsWith(name + " ")).findFirst()
        .orElseThrow(() -> new AssertionError("no line for " + name + " in " + r.lines()));
  }

  @Test
  void reportsPassFailAndUnsupportedCasesAndExitsOne() throws IOException {
    copyCase("vit", "a_pass");
    // Logits off by 0.5 in one place: the model runs, the comparison fails with that difference.
    copyCase("vit_mean", "b_wrong_logits");
    Map<String, HostTensor> io = new LinkedHashMap<>(SafeTensors.read(dir.resolve("b_wrong_logits.io.safetensors")).tensors());
    HostTensor logits = io.get("logits");
    float[] data = Arrays.copyOf(logits.data(), logits.data().length);
    data[3] += 0.5f;
    io.put("logits", new HostTensor(logits.shape(), data));
    SafeTensors.write(dir.resolve("b_wrong_logits.io.safetensors"), io, Map.of());
    // A truncated checkpoint: reading it fails, the case fails with the reader's reason.
    copyCase("timm_vit", "c_truncated");
    byte[] w = Files.readAllBytes(dir.resolve("c_truncated.safetensors"));
    Files.write(dir.resolve("c_truncated.safetensors"), Arrays.copyOf(w, w.length - 100));
    // A family this library does not build.
    copyCase("vit", "d_unsupported");
    Files.writeString(dir.resolve("d_unsupported.json"),
        Files.readString(dir.resolve("d_unsupported.json")).replace("\"family\": \"vit\"", "\"family\": \"keras_vit\""));
    assertTrue(Files.readString(dir.resolve("d_unsupported.json")).contains("keras_vit"));
    copyCase("deepvit", "e_pass_after_the_others");

    Run r = parity(dir);
    assertEquals(1, r.code(), r.lines().toString());
    assertTrue(line(r, "a_pass").matches("a_pass +vit +\\d\\.\\d\\de-\\d\\d +\\d\\.\\d\\de-\\d\\d  PASS"), line(r, "a_pass"));
    String wrong = line(r, "b_wrong_logits");
    assertTrue(wrong.endsWith("FAIL: max |diff| 5.00e-01 > 1e-04"), wrong);
    assertTrue(wrong.matches("b_wrong_logits +vit +5\\.00e-01 +5\\.00e-01  FAIL.*"), wrong);
    String truncated = line(r, "c_truncated");
    assertTrue(truncated.matches("c_truncated +timm_vit +- +-  FAIL: .*c_truncated\\.safetensors.*"), truncated);
    String unsupported = line(r, "d_unsupported");
    assertTrue(unsupported.matches("d_unsupported +keras_vit +- +-  UNSUPPORTED: .*keras_vit.*"), unsupported);
    assertTrue(line(r, "e_pass_after_the_others").endsWith("  PASS"), line(r, "e_pass_after_the_others"));
    assertEquals("5 cases: 2 passed, 2 failed, 1 unsupported", r.lines().get(r.lines().size() - 1));
  }

  @Test
  void allPassingExitsZero() throws IOException {
    copyCase("vit", "vit");
    Run r = parity(dir);
    assertEquals(0, r.code(), r.lines().toString());
    assertEquals("1 cases: 1 passed, 0 failed, 0 unsupported", r.lines().get(r.lines().size() - 1));
  }

  @Test
  void aMissingPartnerFileFailsThatCaseOnly() throws IOException {
    copyCase("vit", "vit");
    Files.copy(Fixtures.dir().resolve("vit.json"), dir.resolve("lonely.json"));
    Run r = parity(dir);
    assertEquals(1, r.code());
    assertTrue(line(r, "lonely").endsWith("FAIL: missing lonely.safetensors (the state_dict), lonely.io.safetensors (input batch and logits)"),
        line(r, "lonely"));
    // Present but not a file: what was expected and why it failed.
    Files.copy(Fixtures.dir().resolve("vit.safetensors"), dir.resolve("lonely.safetensors"));
    Files.createDirectories(dir.resolve("lonely.io.safetensors"));
    r = parity(dir);
    assertTrue(line(r, "lonely").endsWith("FAIL: lonely.io.safetensors must be an existing readable file; it is a directory"),
        line(r, "lonely"));
    assertTrue(line(r, "vit").endsWith("  PASS"));
  }

  @Test
  void theTimmVariantsFolderGetsALineForEveryCaseWithoutAborting() throws IOException {
    // Several of these cases are not supported yet (a later issue): parity must still report each of them.
    Path variants = Fixtures.dir().resolve("timm_variants");
    List<String> cases = ParityCommand.cases(variants);
    assertEquals(6, cases.size(), cases.toString());
    Run r = parity(variants);
    for (String c : cases) {
      assertTrue(line(r, c).matches(c + " .*  PASS"), line(r, c));
    }
    String summary = r.lines().get(r.lines().size() - 1);
    assertEquals("6 cases: 6 passed, 0 failed, 0 unsupported", summary);
    assertEquals(0, r.code(), summary);
  }

  @Test
  void anEmptyOrMissingFolderIsAnErrorNamingIt() throws IOException {
    Path empty = Files.createDirectories(dir.resolve("empty"));
    Files.writeString(empty.resolve("README.md"), "no cases here");
    // Usage errors (exit 2, printed by the tool's handler: BadArgumentsTest).
    UsageException e = assertThrows(UsageException.class, () -> parity(empty));
    assertEquals("no fixture cases in " + empty
        + " (a case is <name>.json with <name>.safetensors and <name>.io.safetensors)", e.getMessage());
    Path missing = dir.resolve("missing");
    e = assertThrows(UsageException.class, () -> parity(missing));
    assertEquals("fixture directory not found: " + missing + " (from --fixtures)", e.getMessage());
  }
}
