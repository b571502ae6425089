package dev.vittf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The top level of the repository is fixed by our user: {@code pom.xml}, {@code README.md}, {@code LICENSE},
 * {@code vit-tf/}, {@code savedmodel-export/}, {@code notebooks/} and {@code docs/}. Every other module lives
 * inside one of those folders (the command line and its shared support under {@code vit-tf/}).
 */
class ProjectLayoutTest {
  private static final Set<String> ALLOWED =
      Set.of("pom.xml", "README.md", "LICENSE", "vit-tf", "savedmodel-export", "notebooks", "docs");

  @Test
  void topLevelHoldsOnlyTheFixedLayout() throws IOException {
    // Surefire runs with the module folder (vit-tf) as working directory; its parent is the project root.
    Path root = Path.of("").toAbsolutePath().getParent();
    assertTrue(Files.isRegularFile(root.resolve("pom.xml")), "project root not found at " + root);
    Set<String> extra = new TreeSet<>();
    try (Stream<Path> entries = Files.list(root)) {
      entries.map(p -> p.getFileName().toString())
          .filter(name -> !name.startsWith(".") && !name.equals("target"))
          .filter(name -> !ALLOWED.contains(name))
          .forEach(extra::add);
    }
    assertEquals(Set.of(), extra, "entries outside the fixed top-level layout in " + root);
  }
}
