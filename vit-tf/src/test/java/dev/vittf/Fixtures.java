package dev.vittf;

import dev.vittf.core.HostTensor;
import dev.vittf.io.SafeTensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Locates the reference fixtures: {@code -Dvittf.fixtures=DIR}, else the project's own copy {@code
 * vit-tf/fixtures}, found from the working directory (surefire runs in the module directory) or a parent.
 */
public final class Fixtures {
  private Fixtures() {}

  /** The fixture directory. */
  public static Path dir() {
    String prop = System.getProperty("vittf.fixtures");
    if (prop != null && !prop.isBlank()) {
      return Path.of(prop).toAbsolutePath();
    }
    Path here = Path.of("").toAbsolutePath();
    for (Path p = here; p != null; p = p.getParent()) {
      Path candidate = p.resolve("vit-tf").resolve("fixtures");
      if (Files.isRegularFile(candidate.resolve("MANIFEST.sha256"))) {
        return candidate;
      }
    }
    throw new IllegalStateException("fixture directory not found: no vit-tf/fixtures in " + here
        + " or any parent (set -Dvittf.fixtures=DIR)");
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
