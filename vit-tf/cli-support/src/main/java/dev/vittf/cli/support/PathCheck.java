package dev.vittf.cli.support;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * The one path checker of both command-line tools. A path option declares its role once, with a converter:
 * {@code @Option(names = "--data", converter = PathCheck.InputDir.class)}. The check runs while the arguments are
 * parsed, so a path that cannot serve fails before any work, as a usage error that says what was expected and why
 * it failed: {@code --output=/proc/x: must be a directory that can be created or written; /proc does not accept new
 * entries (No such file or directory)}. Paths a command derives later (files inside a directory) use {@link
 * #problem} with the same wording.
 */
public final class PathCheck {
  private PathCheck() {}

  /** What a path option must name. */
  public enum Role {
    /** An existing, readable regular file. */
    INPUT_FILE("an existing readable file"),
    /** An existing, readable directory. */
    INPUT_DIR("an existing readable directory"),
    /** An existing, readable file or directory (a hub folder or a single weights/description file). */
    INPUT_PATH("an existing readable file or directory"),
    /** A directory that exists and is writable, or can be created (missing parents included). */
    OUTPUT_DIR("a directory that can be created or written"),
    /** A file that can be written: absent or a writable regular file, in an existing writable directory. */
    OUTPUT_FILE("a writable file in an existing directory");

    private final String expected;

    Role(String expected) {
      this.expected = expected;
    }

    /** What the path must be, e.g. {@code an existing readable file}. */
    public String expected() {
      return expected;
    }
  }

  /** Why {@code path} cannot serve as {@code role} ("must be ...; why"), or empty when it can. */
  public static Optional<String> problem(Path path, Role role) {
    String why = switch (role) {
      case INPUT_FILE -> inputFile(path);
      case INPUT_DIR -> inputDir(path);
      case INPUT_PATH -> Files.isDirectory(path) ? inputDir(path) : inputFile(path);
      case OUTPUT_DIR -> outputDir(path);
      case OUTPUT_FILE -> outputFile(path);
    };
    return why == null ? Optional.empty() : Optional.of("must be " + role.expected() + "; " + why);
  }

  /** Throws {@link TypeConversionException} (a usage error) when {@code path} cannot serve as {@code role}. */
  public static Path require(Path path, Role role) {
    Optional<String> p = problem(path, role);
    if (p.isPresent()) {
      throw new TypeConversionException(p.get());
    }
    return path;
  }

  private static String inputFile(Path p) {
    if (!Files.exists(p)) {
      return missing(p);
    }
    if (Files.isDirectory(p)) {
      return "it is a directory";
    }
    if (!Files.isRegularFile(p)) {
      return "it is not a regular file";
    }
    return Files.isReadable(p) ? null : "permission denied (not readable)";
  }

  private static String inputDir(Path p) {
    if (!Files.exists(p)) {
      return missing(p);
    }
    if (!Files.isDirectory(p)) {
      return Files.isRegularFile(p) ? "it is a file, not a directory" : "it is not a directory";
    }
    return Files.isReadable(p) && Files.isExecutable(p) ? null : "permission denied (not readable)";
  }

  private static String outputDir(Path p) {
    if (Files.exists(p)) {
      if (!Files.isDirectory(p)) {
        return "it exists and is " + (Files.isRegularFile(p) ? "a file" : "not a directory");
      }
      return writableDirectory(p, "it");
    }
    Path a = p.toAbsolutePath().normalize().getParent();
    while (a != null && !Files.exists(a)) {
      a = a.getParent();
    }
    if (a == null) {
      return "no ancestor of it exists";
    }
    if (!Files.isDirectory(a)) {
      return "cannot create it: " + a + " is a file, not a directory";
    }
    String w = writableDirectory(a, a.toString());
    return w == null ? null : "cannot create it: " + w;
  }

  private static String outputFile(Path p) {
    if (Files.isDirectory(p)) {
      return "it is a directory";
    }
    if (Files.exists(p) && !Files.isRegularFile(p)) {
      return "it is not a regular file";
    }
    if (Files.exists(p) && !Files.isWritable(p)) {
      return "permission denied (the file is not writable)";
    }
    Path parent = p.toAbsolutePath().normalize().getParent();
    if (parent == null || !Files.exists(parent)) {
      return "its directory " + parent + " does not exist";
    }
    if (!Files.isDirectory(parent)) {
      return "its parent " + parent + " is a file, not a directory";
    }
    return writableDirectory(parent, parent.toString());
  }

  /** Null if files can be created in {@code dir}; else why not ({@code name} is how to call it). */
  private static String writableDirectory(Path dir, String name) {
    if (!Files.isWritable(dir)) {
      return name + " is not writable (permission denied)";
    }
    try {
      // Access bits do not tell everything (read-only mounts, /proc, root's view): create and delete a probe.
      Path probe = Files.createTempFile(dir, ".vittf-write-check", ".tmp");
      Files.delete(probe);
    } catch (IOException e) {
      return name + " does not accept new entries (" + reason(e) + ")";
    }
    try {
      // An empty file still fits on a full disk; pseudo file systems (/proc) report 0 of 0 bytes.
      java.nio.file.FileStore store = Files.getFileStore(dir);
      if (store.getUsableSpace() == 0 && store.getTotalSpace() > 0) {
        return "the disk of " + dir + " is full (0 bytes free)";
      }
    } catch (IOException e) {
      return null; // no space figures: the write itself will tell
    }
    return null;
  }

  private static String missing(Path p) {
    Path parent = p.toAbsolutePath().normalize().getParent();
    if (parent != null && !Files.exists(parent)) {
      return "it does not exist (nor does its directory " + parent + ")";
    }
    if (parent != null && !Files.isDirectory(parent)) {
      return "it does not exist (" + parent + " is a file, not a directory)";
    }
    return "it does not exist";
  }

  /**
   * The reason of a file-system error in words ({@code permission denied}, {@code disk full}, {@code does not
   * exist}, ...), without the path.
   */
  public static String reason(IOException e) {
    if (e instanceof NoSuchFileException) {
      return "No such file or directory";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof java.nio.file.FileAlreadyExistsException) {
      return "it already exists";
    }
    if (e instanceof java.nio.file.NotDirectoryException) {
      return "not a directory";
    }
    if (e instanceof java.nio.file.DirectoryNotEmptyException) {
      return "directory not empty";
    }
    String r = e instanceof FileSystemException f ? f.getReason() : e.getMessage();
    if (r == null) {
      return e.getClass().getSimpleName();
    }
    if (r.contains("No space left on device") || r.contains("Disk quota exceeded")) {
      return "disk full (" + r + ")";
    }
    return r;
  }

  /** Picocli converter base: the path, checked for its role. */
  public abstract static class Checked implements ITypeConverter<Path> {
    private final Role role;

    Checked(Role role) {
      this.role = role;
    }

    @Override
    public Path convert(String value) {
      Path p;
      try {
        p = Path.of(value);
      } catch (java.nio.file.InvalidPathException e) {
        throw new TypeConversionException("must be " + role.expected() + "; not a valid path (" + e.getReason() + ")");
      }
      return require(p, role);
    }

    /** The role checked. */
    public Role role() {
      return role;
    }
  }

  /** {@link Role#INPUT_FILE}. */
  public static final class InputFile extends Checked {
    /** Picocli instantiates converters. */
    public InputFile() {
      super(Role.INPUT_FILE);
    }
  }

  /** {@link Role#INPUT_DIR}. */
  public static final class InputDir extends Checked {
    /** Picocli instantiates converters. */
    public InputDir() {
      super(Role.INPUT_DIR);
    }
  }

  /** {@link Role#INPUT_PATH}. */
  public static final class InputPath extends Checked {
    /** Picocli instantiates converters. */
    public InputPath() {
      super(Role.INPUT_PATH);
    }
  }

  /** {@link Role#OUTPUT_DIR}. */
  public static final class OutputDir extends Checked {
    /** Picocli instantiates converters. */
    public OutputDir() {
      super(Role.OUTPUT_DIR);
    }
  }

  /** {@link Role#OUTPUT_FILE}. */
  public static final class OutputFile extends Checked {
    /** Picocli instantiates converters. */
    public OutputFile() {
      super(Role.OUTPUT_FILE);
    }
  }
}
