package dev.vittf.export;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * The {@code <base>/<version>/} layout TensorFlow Serving polls, written safely: every export is
 * staged in a hidden sibling directory ({@code <base>/.vittf-staging-<version>-<random>/}, which
 * Serving ignores because its name is not a number) and renamed into place in one step, so a
 * reader never sees a half-written version. The staging name carries the exporting process's id
 * ({@code .vittf-staging-<version>-<pid>-<random>}), so that the next export can tell the directories
 * of processes that were killed ({@code kill -9}) from those of exports still running, and remove
 * the former ({@link #cleanStale}).
 */
final class VersionDirectories {
  static final String STAGING_PREFIX = ".vittf-staging-";

  private VersionDirectories() {}

  /** Numeric version directories under {@code base}, highest first; empty if none or no base. */
  static OptionalLong latest(Path base) {
    if (!Files.isDirectory(base)) {
      return OptionalLong.empty();
    }
    try (Stream<Path> s = Files.list(base)) {
      return s.filter(Files::isDirectory)
          .map(p -> p.getFileName().toString())
          .filter(n -> n.matches("\\d{1,18}"))
          .mapToLong(Long::parseLong)
          .max();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The next free version: one more than the highest existing, 1 if there is none. */
  static long nextVersion(Path base) {
    return latest(base).orElse(0) + 1;
  }

  /**
   * Makes sure {@code base} exists and is a writable directory.
   *
   * @throws ExportException with {@link ExportException.Reason#OUTPUT_NOT_WRITABLE} otherwise
   */
  static void prepareBase(Path base) {
    if (Files.exists(base) && !Files.isDirectory(base)) {
      throw notWritable(base, "it exists and is not a directory", null);
    }
    try {
      Files.createDirectories(base);
    } catch (FileAlreadyExistsException e) {
      throw notWritable(base, "a path component is not a directory (" + e.getFile() + ")", e);
    } catch (AccessDeniedException e) {
      throw notWritable(base, "permission denied (" + e.getFile() + ")", e);
    } catch (FileSystemException e) {
      throw notWritable(base, e.getReason() == null ? e.getClass().getSimpleName() : e.getReason(), e);
    } catch (IOException e) {
      throw notWritable(base, String.valueOf(e.getMessage()), e);
    }
    if (!Files.isWritable(base)) {
      throw notWritable(base, "permission denied", null);
    }
  }

  private static final java.util.regex.Pattern STAGING =
      java.util.regex.Pattern.compile("^" + java.util.regex.Pattern.quote(STAGING_PREFIX) + "(\\d{1,18})-(\\d+)-.*$");

  /**
   * Removes the staging directories of exports whose process no longer runs, and returns one line per
   * directory saying what was done. A staging directory holding {@code replaced} (an overwrite killed
   * between its two renames) whose version is missing is first put back as that version.
   */
  static List<String> cleanStale(Path base) {
    List<String> done = new ArrayList<>();
    if (!Files.isDirectory(base)) {
      return done;
    }
    try (Stream<Path> s = Files.list(base)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        java.util.regex.Matcher m = STAGING.matcher(p.getFileName().toString());
        if (!m.matches() || !Files.isDirectory(p) || ProcessHandle.of(Long.parseLong(m.group(2))).map(ProcessHandle::isAlive).orElse(false)) {
          continue;
        }
        Path replaced = p.resolve("replaced");
        Path version = base.resolve(m.group(1));
        if (Files.isDirectory(replaced) && !Files.exists(version)) {
          Files.move(replaced, version, StandardCopyOption.ATOMIC_MOVE);
          done.add("restored version " + m.group(1) + " from " + p.getFileName() + " (an overwrite by process "
              + m.group(2) + " was interrupted)");
        }
        deleteTree(p);
        done.add("removed " + p.getFileName() + ", left by export process " + m.group(2) + ", which no longer runs");
      }
    } catch (IOException | NumberFormatException e) {
      // best effort: the export that follows reports any real problem with the directory
    }
    return done;
  }

  /** Creates the staging directory for one export. */
  static Path createStaging(Path base, long version) {
    try {
      return Files.createTempDirectory(base, STAGING_PREFIX + version + "-" + ProcessHandle.current().pid() + "-");
    } catch (AccessDeniedException e) {
      throw notWritable(base, "permission denied", e);
    } catch (IOException e) {
      throw notWritable(base, String.valueOf(e.getMessage()), e);
    }
  }

  static ExportException notWritable(Path base, String why, Throwable cause) {
    return new ExportException(
        ExportException.Reason.OUTPUT_NOT_WRITABLE, "cannot write to output directory " + base + ": " + why, cause);
  }

  static ExportException exists(Path target) {
    return new ExportException(
        ExportException.Reason.VERSION_EXISTS,
        "version " + target.getFileName() + " already exists at " + target + " (choose another version, omit it for the next free one, or overwrite)",
        null);
  }

  /**
   * Moves the finished model directory into place as {@code target}.
   *
   * @param staging the staging directory (holding {@code model})
   * @param model the finished SavedModel directory inside {@code staging}
   * @param overwrite whether an existing {@code target} is replaced: it is first renamed into the
   *     staging directory, then the new version is renamed into place, then the old one is deleted
   *     (if the second rename fails the old version is put back)
   * @throws ExportException if {@code target} exists and {@code overwrite} is false
   */
  static void commit(Path staging, Path model, Path target, boolean overwrite) throws IOException {
    if (Files.exists(target)) {
      if (!overwrite) {
        throw exists(target);
      }
      Path old = staging.resolve("replaced");
      Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
      try {
        Files.move(model, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException | RuntimeException e) {
        Files.move(old, target, StandardCopyOption.ATOMIC_MOVE);
        throw e;
      }
      return;
    }
    try {
      Files.move(model, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      if (Files.exists(target)) {
        throw exists(target); // another export won the race
      }
      throw e;
    }
  }

  /** Deletes a directory tree, best effort (used on failure and for staging leftovers). */
  static void deleteTree(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          // best effort; reported by the caller's original exception
        }
      });
    } catch (IOException e) {
      // best effort
    }
  }
}
