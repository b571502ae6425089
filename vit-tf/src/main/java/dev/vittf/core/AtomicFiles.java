package dev.vittf.core;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Atomic file writes for everything the library saves (checkpoints, training histories, configs,
 * datasets): the bytes go to a hidden temporary file beside the target, named {@code
 * .<name>.vittf-tmp-<pid>-<random>}, which is flushed to disk and then renamed over the target in one
 * step. A reader sees the old file or the new one, never a part; a process killed with {@code kill -9}
 * leaves only the temporary file, which no reader opens (readers ask for exact names) and which the
 * next write into that directory removes, saying so ({@link #cleanStale}).
 *
 * <p>A full disk fails the write with an {@link IOException} that says so and that the target is
 * unchanged; the temporary file is removed.
 */
public final class AtomicFiles {
  /** Marks temporary files: {@code .<name>.vittf-tmp-<pid>-<random>}. */
  public static final String TEMP_MARK = ".vittf-tmp-";
  private static final Pattern TEMP = Pattern.compile("^\\.(.+)" + Pattern.quote(TEMP_MARK) + "(\\d+)-[0-9a-f]+$");
  private static final System.Logger LOG = System.getLogger(AtomicFiles.class.getName());

  private AtomicFiles() {}

  /** Writes the content of a file. */
  @FunctionalInterface
  public interface Writer {
    /** Writes everything to {@code out} (buffered; do not close it). */
    void write(OutputStream out) throws IOException;
  }

  /**
   * Writes {@code target} atomically (see the class comment). Stale temporary files of dead
   * processes in the directory are removed first and logged.
   *
   * @throws IOException if writing fails; the target is then unchanged and no temporary file remains
   */
  public static void write(Path target, Writer writer) throws IOException {
    Path abs = target.toAbsolutePath();
    Path dir = abs.getParent();
    Files.createDirectories(dir);
    cleanStale(dir);
    Path tmp = dir.resolve("." + abs.getFileName() + TEMP_MARK + ProcessHandle.current().pid() + "-"
        + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE));
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 20);
        writer.write(out);
        out.flush();
        ch.force(true); // on disk before the rename makes it visible
      }
      try {
        Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw explain(e, abs);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Writes a UTF-8 string atomically. */
  public static void writeString(Path target, String text) throws IOException {
    write(target, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * Removes the temporary files in {@code dir} left by processes that no longer run (killed while
   * writing), logging each, and returns them. Files of live processes are left alone: they may be
   * writing right now.
   */
  public static List<Path> cleanStale(Path dir) {
    List<Path> removed = new ArrayList<>();
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        Matcher m = TEMP.matcher(p.getFileName().toString());
        if (m.matches() && !alive(Long.parseLong(m.group(2)))) {
          if (Files.deleteIfExists(p)) {
            removed.add(p);
            LOG.log(System.Logger.Level.WARNING, "removed " + p + ": a partial write of " + m.group(1)
                + " left by process " + m.group(2) + ", which no longer runs");
          }
        }
      }
    } catch (IOException | NumberFormatException e) {
      // best effort: an unreadable directory fails the write that follows, with its own message
    }
    return removed;
  }

  /** Whether a process runs (true if this cannot be told). */
  static boolean alive(long pid) {
    try {
      Optional<ProcessHandle> h = ProcessHandle.of(pid);
      return h.isPresent() && h.get().isAlive();
    } catch (SecurityException | UnsupportedOperationException e) {
      return true;
    }
  }

  /**
   * An {@link IOException} whose message says what failed writing {@code target} in plain words: a
   * full disk ({@code ENOSPC}) or quota, or else the original message, always adding that the target
   * is unchanged.
   */
  public static IOException explain(IOException e, Path target) {
    String m = String.valueOf(e.getMessage());
    String why = m.contains("No space left on device") ? "the disk is full (No space left on device)"
        : m.contains("Disk quota exceeded") ? "the disk quota is exceeded"
        : e.getClass().getSimpleName() + ": " + m;
    return new IOException("cannot write " + target + ": " + why + "; nothing was written, " + target.getFileName()
        + (Files.exists(target) ? " keeps its previous content" : " was not created"), e);
  }
}
