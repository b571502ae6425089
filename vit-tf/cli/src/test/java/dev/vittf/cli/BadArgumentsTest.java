package dev.vittf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vittf.cli.support.Declarations;
import dev.vittf.cli.support.Declarations.BadArgument;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * Every bad argument of the {@code vit-tf} tool, run in this JVM: the cases of issue 18 with their exact message,
 * and one case per declared range or path role of every option of every command (generated from the command tree,
 * so a command added later is covered once it is registered in {@link Main}). All are usage errors (exit 2) with
 * one stderr line that names the option, the value and the rule, and none starts any work.
 */
class BadArgumentsTest {
  @TempDir static Path scratch;

  record Run(int code, String out, String err) {}

  static Run run(List<String> args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code;
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      code = Main.execute(o, e, false, args.toArray(String[]::new));
    }
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static BadArgument exact(String line, String... args) {
    return new BadArgument(List.of(args), line, true);
  }

  private static BadArgument starts(String start, String... args) {
    return new BadArgument(List.of(args), start, false);
  }

  /** The cases listed in issue 18 (and the conflicts found going through every command). */
  static Stream<BadArgument> issueCases() throws IOException {
    Path file = Files.writeString(scratch.resolve("plain.txt"), "x");
    Path idx = Files.createDirectories(scratch.resolve("idx"));
    Files.write(idx.resolve("train-images-idx3-ubyte"), new byte[0]);
    Path cfg = Files.writeString(scratch.resolve("cfg.json"), "{}");
    String d = idx.toString();
    String o = scratch.resolve("out").toString();
    List<BadArgument> c = new ArrayList<>();
    // Negative or zero values: were raw exception text (exit 1) or silently used (exit 0).
    c.add(exact("error: --batch=-1: must be >= 1 (see 'vit-tf bench --help')", "bench", "--batch", "-1"));
    c.add(exact("error: --batch=0: must be >= 1 (see 'vit-tf bench --help')", "bench", "--batch", "0"));
    c.add(exact("error: --batch=0: must be >= 1 (see 'vit-tf bench --help')", "bench", "--batch", "1,0"));
    c.add(exact("error: --iterations=0: must be >= 1 (see 'vit-tf bench --help')", "bench", "--iterations", "0"));
    c.add(exact("error: --iterations=-1: must be >= 1 (see 'vit-tf bench --help')", "bench", "--iterations", "-1"));
    c.add(exact("error: --warmup=-1: must be >= 0 (see 'vit-tf bench --help')", "bench", "--warmup", "-1"));
    c.add(exact("error: --peak-size=0: must be >= 1 (see 'vit-tf bench --help')", "bench", "--peak-size", "0"));
    c.add(exact("error: --intra-op-threads=-1: must be >= 0 (see 'vit-tf bench --help')", "bench", "--intra-op-threads", "-1"));
    c.add(exact("error: --steps=-1: must be >= 1 (see 'vit-tf train-bench --help')", "train-bench", "--steps", "-1"));
    c.add(exact("error: --batch-size=-3: must be >= 1 (see 'vit-tf train-bench --help')", "train-bench", "--batch-size", "-3"));
    c.add(exact("error: --batch-size=0: must be >= 1 (see 'vit-tf train-bench --help')", "train-bench", "--batch-size", "0"));
    c.add(exact("error: --limit-train=-5: must be >= 0 (see 'vit-tf train --help')",
        "train", "--preset", "vit-tiny", "--data", d, "--output", o, "--limit-train", "-5"));
    // Path errors: were the bare path.
    c.add(starts("error: --output=/proc/vittf-out: must be a directory that can be created or written; cannot create it: /proc ",
        "train", "--preset", "vit-tiny", "--data", d, "--output", "/proc/vittf-out"));
    c.add(exact("error: --output=" + file + ": must be a directory that can be created or written; it exists and is a file"
        + " (see 'vit-tf train --help')", "train", "--preset", "vit-tiny", "--data", d, "--output", file.toString()));
    c.add(exact("error: --output=" + file.resolve("sub") + ": must be a directory that can be created or written; cannot create it: "
        + file + " is a file, not a directory (see 'vit-tf train --help')",
        "train", "--preset", "vit-tiny", "--data", d, "--output", file.resolve("sub").toString()));
    c.add(exact("error: --data=" + scratch.resolve("nope") + ": must be an existing readable directory; it does not exist"
        + " (see 'vit-tf train --help')", "train", "--preset", "vit-tiny", "--data", scratch.resolve("nope").toString(), "--output", o));
    c.add(exact("error: --checkpoint=" + scratch.resolve("w.safetensors") + ": must be an existing readable file; it does not exist"
        + " (see 'vit-tf bench --help')", "bench", "--checkpoint", scratch.resolve("w.safetensors").toString()));
    c.add(exact("error: --fixtures=" + scratch.resolve("a/b") + ": must be an existing readable directory; it does not exist (nor does"
        + " its directory " + scratch.resolve("a") + ") (see 'vit-tf parity --help')", "parity", "--fixtures", scratch.resolve("a/b").toString()));
    c.add(exact("error: --output=" + scratch.resolve("no/such/bench.md") + ": must be a writable file in an existing directory; its"
        + " directory " + scratch.resolve("no/such") + " does not exist (see 'vit-tf bench-all --help')",
        "bench-all", "--output", scratch.resolve("no/such/bench.md").toString()));
    // Options that were silently ignored or conflicting.
    c.add(exact("error: --source needs --checkpoint (it names the checkpoint's tensor naming)", "bench", "--source", "timm"));
    c.add(exact("error: --peak-size has no effect with --no-peak", "bench", "--no-peak", "--peak-size", "512"));
    c.add(exact("error: --test-data has no effect on an IDX directory (" + d + " has its own t10k test split)",
        "train", "--preset", "vit-tiny", "--data", d, "--test-data", d, "--output", o));
    c.add(exact("error: --min-lr=0.5: must be <= --lr=0.1", "train", "--preset", "vit-tiny", "--data", d, "--output", o, "--lr", "0.1",
        "--min-lr", "0.5"));
    c.add(exact("error: give exactly one of --preset and --config (or --init-from with a checkpoint that has its config)",
        "train", "--preset", "vit-tiny", "--config", cfg.toString(), "--data", d, "--output", o));
    c.add(exact("error: give exactly one of --preset and --config (or --init-from with a checkpoint that has its config)", "train", "--data", d, "--output", o));
    c.add(exact("error: give only one of --preset, --config (got --preset and --config)",
        "train-bench", "--preset", "vit-tiny", "--config", cfg.toString()));
    c.add(exact("error: --xla=maybe: must be 'on' or 'off'", "bench-all", "--xla", "on,maybe"));
    c.add(exact("error: --child-heap=4x: must be a JVM heap size such as 4g, 512m or 2048k", "bench-all", "--child-heap", "4x"));
    c.add(starts("error: --preset=vit-huge: unknown preset; known: vit-seed, ", "train", "--preset", "vit-huge"));
    c.add(exact("error: --source=keras: unknown checkpoint source; known: native, vit_pytorch, timm, hugging_face, torchvision (see 'vit-tf bench --help')",
        "bench", "--source", "keras"));
    c.add(exact("error: --source needs --checkpoint (it names the checkpoint's tensor naming)", "bench", "--source", "vit-pytorch"));
    // Empty input: parity on a folder with no case (was "0 cases", exit 0).
    Path empty = Files.createDirectories(scratch.resolve("empty"));
    c.add(exact("error: no fixture cases in " + empty.toAbsolutePath()
        + " (a case is <name>.json with <name>.safetensors and <name>.io.safetensors)", "parity", "--fixtures", empty.toString()));
    // picocli's own errors keep its wording, with the same exit code and hint.
    c.add(exact("error: Unknown option: '--bogus' (see 'vit-tf bench --help')", "bench", "--bogus"));
    c.add(exact("error: Unmatched argument at index 0: 'frobnicate' (see 'vit-tf --help')", "frobnicate"));
    return c.stream();
  }

  /** One case per declared range or path role of every option of every command. */
  static Stream<BadArgument> declaredCases() {
    return Declarations.badArguments(Main.commandLine(), scratch).stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource({"issueCases", "declaredCases"})
  void isAUsageErrorNamingOptionValueAndRule(BadArgument c) {
    Run r = run(c.args());
    assertNull(c.mismatch(r.code(), r.out(), r.err()));
  }

  @Test
  void everyNumericAndPathOptionDeclaresItsRangeOrRole() {
    assertEquals(List.of(), Declarations.undeclared(Main.commandLine()));
    assertTrue(declaredCases().count() > 60, "generated cases");
  }

  @Test
  void peakAndNoPeakMeanWhatTheySay() {
    // Before: picocli gave a default-true negatable option "false" for --peak and "true" for --no-peak.
    for (String[] args : new String[][] {{}, {"--peak"}, {"--no-peak"}}) {
      BenchCommand b = new BenchCommand();
      new CommandLine(b).parseArgs(args);
      assertEquals(args.length == 0 || args[0].equals("--peak"), b.peak, String.join(" ", args));
    }
  }

  @Test
  void noArgumentsPrintsTheUsageAndExitsTwo() {
    Run r = run(List.of());
    assertEquals(2, r.code());
    assertTrue(r.err().startsWith("Usage: vit-tf [-hV] [COMMAND]"), r.err());
    assertTrue(r.err().endsWith("error: no command given\n"), r.err());
    assertEquals("", r.out());
  }

  @Test
  void everyCommandsHelpListsTheExitCodes() {
    for (String cmd : Main.commandLine().getSubcommands().keySet()) {
      Run r = run(List.of(cmd, "--help"));
      assertEquals(0, r.code(), cmd);
      assertTrue(r.out().contains("Exit codes:\n   0   success\n   1   runtime failure"), cmd + ": " + r.out());
      assertTrue(r.out().contains("\n   2   usage error: "), cmd + ": " + r.out());
    }
  }

  @Test
  void aRunRegistersOnlyItsSubcommandAndEverythingElseSeesAll() {
    assertEquals(12, Main.commandLine().getSubcommands().size());
    assertEquals(List.of("bench"), List.copyOf(Main.commandLine("bench", "--preset", "vit-tiny").getSubcommands().keySet()));
    assertEquals(12, Main.commandLine("--help").getSubcommands().size());
    assertEquals(12, Main.commandLine("bnech").getSubcommands().size());
    Run r = run(List.of("bnech"));
    assertEquals(2, r.code());
    assertTrue(r.err().contains("'bnech'"), r.err());
  }
}
