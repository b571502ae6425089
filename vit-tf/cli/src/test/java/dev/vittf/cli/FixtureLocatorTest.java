package dev.vittf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where {@code demo} and {@code parity} look for the fixtures when no flag is given. */
class FixtureLocatorTest {

  private static Path project(Path root) throws IOException {
    Path fixtures = root.resolve("vit-tf/fixtures");
    Files.createDirectories(fixtures);
    Files.writeString(fixtures.resolve(FixtureLocator.MANIFEST), "");
    Files.createDirectories(root.resolve("vit-tf/cli/target"));
    return fixtures;
  }

  @Test
  void findsTheProjectCopyFromTheRootAndFromAnyFolderInside(@TempDir Path tmp) throws IOException {
    Path fixtures = project(tmp.resolve("proj"));
    assertEquals(fixtures, FixtureLocator.locate(null, null, Map.of(), tmp.resolve("proj"), null));
    assertEquals(fixtures, FixtureLocator.locate(null, null, Map.of(), tmp.resolve("proj/vit-tf/cli/target"), null));
  }

  @Test
  void findsTheProjectCopyThroughTheJarLocationFromElsewhere(@TempDir Path tmp) throws IOException {
    Path fixtures = project(tmp.resolve("proj"));
    Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
    assertEquals(fixtures, FixtureLocator.locate(null, null, Map.of(), elsewhere, tmp.resolve("proj/vit-tf/cli/target")));
  }

  @Test
  void anExplicitDirectoryWinsAndIsNeverReplacedByAGuess(@TempDir Path tmp) throws IOException {
    project(tmp.resolve("proj"));
    Path mine = Files.createDirectories(tmp.resolve("mine"));
    Path cwd = tmp.resolve("proj");
    assertEquals(mine, FixtureLocator.locate(mine, "x", Map.of(FixtureLocator.ENV, "y"), cwd, null));
    assertEquals(mine, FixtureLocator.locate(null, mine.toString(), Map.of(FixtureLocator.ENV, "y"), cwd, null));
    assertEquals(mine, FixtureLocator.locate(null, null, Map.of(FixtureLocator.ENV, mine.toString()), cwd, null));
    Path missing = tmp.resolve("missing");
    var e = assertThrows(FixtureLocator.FixturesNotFoundException.class,
        () -> FixtureLocator.locate(missing, null, Map.of(), cwd, null));
    assertEquals("fixture directory not found: " + missing + " (from --fixtures)", e.getMessage());
    e = assertThrows(FixtureLocator.FixturesNotFoundException.class,
        () -> FixtureLocator.locate(null, null, Map.of(FixtureLocator.ENV, missing.toString()), cwd, null));
    assertEquals("fixture directory not found: " + missing + " (from " + FixtureLocator.ENV + ")", e.getMessage());
  }

  @Test
  void notFoundNamesEveryPlaceTried(@TempDir Path tmp) throws IOException {
    Path cwd = Files.createDirectories(tmp.resolve("a/b"));
    Path jar = Files.createDirectories(tmp.resolve("jar"));
    // A folder without a manifest is not taken for the fixtures.
    Files.createDirectories(tmp.resolve("a/vit-tf/fixtures"));
    var e = assertThrows(FixtureLocator.FixturesNotFoundException.class,
        () -> FixtureLocator.locate(null, null, Map.of(), cwd, jar));
    String m = e.getMessage();
    assertTrue(m.startsWith("reference fixtures not found; tried " + cwd.resolve("vit-tf/fixtures") + ", "
        + tmp.resolve("a/vit-tf/fixtures") + ", " + tmp.resolve("vit-tf/fixtures") + ", "), m);
    assertTrue(m.contains(", " + jar.resolve("vit-tf/fixtures") + " (run from"), m);
    assertTrue(m.endsWith("(run from the project, or pass --fixtures DIR or set VITTF_FIXTURES)"), m);
  }
}
