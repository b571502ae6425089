package dev.vittf.cli;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds the reference fixtures that ship with the project ({@code vit-tf/fixtures}) so that {@code demo} and
 * {@code parity} need no flag: an explicit directory wins, then {@code -Dvittf.fixtures} or {@code
 * VITTF_FIXTURES}, then {@code vit-tf/fixtures} in the working directory or any parent, then the same next
 * to the running jar or any parent of it (so the jar finds them from any working directory).
 */
final class FixtureLocator {
  /** System property naming the fixture directory. */
  static final String PROPERTY = "vittf.fixtures";
  /** Environment variable naming the fixture directory. */
  static final String ENV = "VITTF_FIXTURES";
  /** Where the fixtures live, relative to the project root. */
  static final Path IN_PROJECT = Path.of("vit-tf", "fixtures");
  /** A fixture copy is recognised by its manifest. */
  static final String MANIFEST = "MANIFEST.sha256";

  private FixtureLocator() {}

  /** The fixture directory; {@code explicit} (from {@code --fixtures}) may be null. */
  static Path locate(Path explicit) {
    return locate(explicit, System.getProperty(PROPERTY), System.getenv(), Path.of("").toAbsolutePath(), codeLocation());
  }

  /**
   * The fixture directory given every input explicitly (for tests).
   *
   * @throws FixturesNotFoundException naming every place tried
   */
  static Path locate(Path explicit, String property, Map<String, String> env, Path workingDir, Path codeLocation) {
    Path named = explicit != null ? explicit
        : property != null && !property.isBlank() ? Path.of(property)
        : env.get(ENV) != null && !env.get(ENV).isBlank() ? Path.of(env.get(ENV)) : null;
    if (named != null) {
      // A directory the user named is never replaced by a guess.
      if (!Files.isDirectory(named)) {
        String how = explicit != null ? "--fixtures" : property != null && !property.isBlank() ? "-D" + PROPERTY : ENV;
        throw new FixturesNotFoundException("fixture directory not found: " + named.toAbsolutePath() + " (from " + how + ")");
      }
      return named;
    }
    Set<Path> tried = new LinkedHashSet<>();
    List<Path> starts = new ArrayList<>();
    starts.add(workingDir);
    if (codeLocation != null) {
      starts.add(codeLocation);
    }
    for (Path start : starts) {
      for (Path p = start; p != null; p = p.getParent()) {
        Path candidate = p.resolve(IN_PROJECT);
        if (!tried.add(candidate)) {
          continue;
        }
        if (Files.isRegularFile(candidate.resolve(MANIFEST))) {
          return candidate;
        }
      }
    }
    throw new FixturesNotFoundException("reference fixtures not found; tried " + String.join(", ",
        tried.stream().map(Path::toString).toList()) + " (run from the project, or pass --fixtures DIR or set "
        + ENV + ")");
  }

  /** The directory of the jar (or classes folder) this class was loaded from, or null if unknown. */
  private static Path codeLocation() {
    CodeSource source = FixtureLocator.class.getProtectionDomain().getCodeSource();
    if (source == null || source.getLocation() == null) {
      return null;
    }
    try {
      Path p = Path.of(source.getLocation().toURI()).toAbsolutePath();
      return Files.isDirectory(p) ? p : p.getParent();
    } catch (URISyntaxException | IllegalArgumentException e) {
      return null;
    }
  }

  /** No fixture directory (a usage error, exit 2); the message names the places tried. */
  static final class FixturesNotFoundException extends dev.vittf.cli.support.UsageException {
    private static final long serialVersionUID = 1L;

    FixturesNotFoundException(String message) {
      super(message);
    }
  }
}
