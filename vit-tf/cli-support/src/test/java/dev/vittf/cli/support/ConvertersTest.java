package dev.vittf.cli.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** The range converters accept their boundary and reject what is outside; the path checker says why. */
class ConvertersTest {
  private static String rejects(ITypeConverter<?> c, String value) {
    return assertThrows(TypeConversionException.class, () -> c.convert(value), value).getMessage();
  }

  @Test
  void boundariesAreIncludedOrExcludedAsTheRuleSays() throws Exception {
    assertEquals(1, new Ranges.PositiveInt().convert("1"));
    assertEquals("must be >= 1", rejects(new Ranges.PositiveInt(), "0"));
    assertEquals("must be an integer >= 1", rejects(new Ranges.PositiveInt(), "1.5"));
    assertEquals("must be <= 2147483647", rejects(new Ranges.PositiveInt(), "2147483648"));
    assertEquals(0, new Ranges.NonNegativeInt().convert("0"));
    assertEquals("must be >= 0", rejects(new Ranges.NonNegativeInt(), "-1"));
    assertEquals(0L, new Ranges.NonNegativeLong().convert("0"));
    assertEquals(Long.MIN_VALUE, new Ranges.AnyLong().convert(String.valueOf(Long.MIN_VALUE)));
    assertEquals("must be an integer", rejects(new Ranges.AnyLong(), "seven"));
    assertEquals(1e-9, new Ranges.PositiveDouble().convert("1e-9"));
    assertEquals("must be > 0", rejects(new Ranges.PositiveDouble(), "0"));
    assertEquals("must be finite and > 0", rejects(new Ranges.PositiveDouble(), "Infinity"));
    assertEquals("must be a number > 0", rejects(new Ranges.PositiveDouble(), "fast"));
    assertEquals(0.0, new Ranges.NonNegativeDouble().convert("0"));
    assertEquals(0.0, new Ranges.Fraction().convert("0"));
    assertEquals("must be in [0, 1)", rejects(new Ranges.Fraction(), "1"));
    assertEquals("must be in [0, 1)", rejects(new Ranges.Fraction(), "-0.01"));
    assertEquals(-3.5, new Ranges.FiniteDouble().convert("-3.5"));
    assertEquals("must be a finite number", rejects(new Ranges.FiniteDouble(), "NaN"));
  }

  @Test
  void everyOutsideValueIsRejectedWithTheRuleFirst() {
    for (Ranges.Range r : List.<Ranges.Range>of(new Ranges.PositiveInt(), new Ranges.NonNegativeInt(), new Ranges.PositiveLong(),
        new Ranges.NonNegativeLong(), new Ranges.AnyLong(), new Ranges.PositiveDouble(), new Ranges.NonNegativeDouble(),
        new Ranges.Fraction(), new Ranges.FiniteDouble(), new Names.PresetName(), new Names.ArchitectureName())) {
      ITypeConverter<?> c = (ITypeConverter<?>) r;
      assertEquals(r.rule(), rejects(c, r.outside().get(0)), r.getClass().getSimpleName());
      r.outside().forEach(v -> rejects(c, v));
    }
  }

  @Test
  void pathProblemsSayWhatWasExpectedAndWhy(@TempDir Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("f.txt"), "x");
    assertEquals("must be an existing readable file; it does not exist",
        PathCheck.problem(dir.resolve("none"), PathCheck.Role.INPUT_FILE).orElseThrow());
    assertEquals("must be an existing readable file; it is a directory", PathCheck.problem(dir, PathCheck.Role.INPUT_FILE).orElseThrow());
    assertEquals("must be an existing readable directory; it is a file, not a directory",
        PathCheck.problem(file, PathCheck.Role.INPUT_DIR).orElseThrow());
    assertEquals("must be a directory that can be created or written; cannot create it: " + file + " is a file, not a directory",
        PathCheck.problem(file.resolve("a/b"), PathCheck.Role.OUTPUT_DIR).orElseThrow());
    assertEquals("must be a writable file in an existing directory; its directory " + dir.resolve("x") + " does not exist",
        PathCheck.problem(dir.resolve("x/out.md"), PathCheck.Role.OUTPUT_FILE).orElseThrow());
    assertTrue(PathCheck.problem(dir.resolve("new/deeper"), PathCheck.Role.OUTPUT_DIR).isEmpty());
    assertTrue(PathCheck.problem(file, PathCheck.Role.OUTPUT_FILE).isEmpty());
    assertTrue(PathCheck.problem(file, PathCheck.Role.INPUT_FILE).isEmpty());
    try (var s = Files.list(dir)) {
      assertEquals(1, s.count(), "the write probe leaves nothing behind and nothing is created");
    }
  }

  @Test
  void fileSystemReasonsInWords() {
    assertEquals("permission denied", PathCheck.reason(new AccessDeniedException("/x")));
    assertEquals("No such file or directory", PathCheck.reason(new NoSuchFileException("/x")));
    assertEquals("disk full (No space left on device)", PathCheck.reason(new FileSystemException("/x", null, "No space left on device")));
    assertEquals("Read-only file system", PathCheck.reason(new FileSystemException("/x", null, "Read-only file system")));
    CliErrors.Failure f = CliErrors.failure(new FileSystemException("/data/out/model.safetensors", null, "No space left on device"));
    assertEquals(new CliErrors.Failure(ExitCodes.FAILED, "/data/out/model.safetensors: disk full (No space left on device)"), f);
    assertEquals(ExitCodes.USAGE, CliErrors.failure(new UsageException("x")).code());
  }
}
