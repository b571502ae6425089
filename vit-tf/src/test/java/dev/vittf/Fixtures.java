package dev.vittf;

import dev.vittf.core.HostTensor;
import dev.vittf.io.SafeTensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Locates the reference fixtures: {@code -Dvittf.fixtures=DIR}, else {@code <project>/../shared/fixtures}. */
public final class Fixtures {
  private Fixtures() {}

  /** The fixture directory. */
  public static Path dir() {
    String prop = System.getProperty("vittf.fixtures");
    if (prop != null && !prop.isBlank()) {
      return Path.of(prop).toAbsolutePath();
    }
    Path here = Path.of("").toAbsolutePath();
    // Surefire runs in the module directory; the project root is its parent.
    Path root = Files.exists(here.resolve("vit-tf")) ? here : here.getParent();
    return root.resolveSibling("shared").resolve("fixtures");
  }

  /** Case names (every {@code <case>.json} with its two safetensors files). */
  public static List<String> cases(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new IllegalStateException("fixture directory not found: " + dir + " (set -Dvittf.fixtures=DIR)");
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".json"))
          .map(n -> n.substring(0, n.length() - 5))
          .filter(n -> Files.exists(dir.resolve(n + ".safetensors")) && Files.exists(dir.resolve(n + ".io.safetensors")))
          .sorted()
          .toList();
    }
  }

  /** The {@code input} and {@code logits} of a case. */
  public static Map<String, HostTensor> io(Path dir, String name) throws IOException {
    return SafeTensors.read(dir.resolve(name + ".io.safetensors")).tensors();
  }
}
