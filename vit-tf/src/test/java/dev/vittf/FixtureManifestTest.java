package dev.vittf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The in-repository fixture copy matches every one of its manifests, and the check notices each kind of damage. */
class FixtureManifestTest {

  @Test
  void everyManifestInTheProjectCopyMatches() throws IOException {
    Path root = Fixtures.dir();
    List<Path> manifests;
    try (Stream<Path> s = Files.walk(root)) {
      manifests = s.filter(p -> p.getFileName().toString().equals(FixtureManifests.MANIFEST)).toList();
    }
    // The tree as copied: the flat cases plus classify, hostile, preprocess, timm_variants and six hub snapshots.
    assertTrue(manifests.size() >= 11, "expected at least 11 manifests under " + root + ", found " + manifests.size());
    assertEquals(List.of(), FixtureManifests.problems(root), "fixture tree " + root);
  }

  @Test
  void reportsACorruptedAMissingAnUnlistedFileAndAFolderWithoutManifest(@TempDir Path tmp) throws IOException {
    Path root = tmp.resolve("fixtures");
    Files.createDirectories(root.resolve("sub"));
    write(root.resolve("a.json"), "{}");
    write(root.resolve("b.bin"), "bytes");
    write(root.resolve("sub/c.txt"), "c");
    write(root.resolve(FixtureManifests.MANIFEST), FixtureManifests.sha256(root.resolve("a.json")) + "  a.json\n"
        + FixtureManifests.sha256(root.resolve("b.bin")) + "  b.bin\n");
    write(root.resolve("sub").resolve(FixtureManifests.MANIFEST), FixtureManifests.sha256(root.resolve("sub/c.txt")) + " *c.txt\n");
    assertEquals(List.of(), FixtureManifests.problems(root));

    write(root.resolve("a.json"), "{ }");          // one byte more
    Files.delete(root.resolve("b.bin"));
    write(root.resolve("extra.txt"), "x");
    write(root.resolve("sub/d.txt"), "d");
    Files.createDirectories(root.resolve("bare"));
    write(root.resolve("bare/e.txt"), "e");
    List<String> problems = FixtureManifests.problems(root);
    assertEquals(5, problems.size(), problems.toString());
    assertTrue(problems.get(0).startsWith("a.json: sha256 "), problems.get(0));
    assertEquals("b.bin: listed in MANIFEST.sha256 but missing", problems.get(1));
    assertEquals("extra.txt: not listed in MANIFEST.sha256", problems.get(2));
    assertEquals("bare/MANIFEST.sha256: missing (the folder holds 1 files)", problems.get(3));
    assertEquals("sub/d.txt: not listed in sub/MANIFEST.sha256", problems.get(4));
  }

  @Test
  void reportsAMalformedLine(@TempDir Path root) throws IOException {
    write(root.resolve("a.json"), "{}");
    write(root.resolve(FixtureManifests.MANIFEST), "deadbeef a.json\n");
    assertEquals(List.of("MANIFEST.sha256:1: not '<sha256>  <file name>': deadbeef a.json",
        "a.json: not listed in MANIFEST.sha256"), FixtureManifests.problems(root));
  }

  private static void write(Path file, String text) throws IOException {
    Files.writeString(file, text, StandardCharsets.UTF_8);
  }
}
