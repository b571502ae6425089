package dev.vittf.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16, faults: a write killed with {@code kill -9} leaves the previous file and nothing a reader
 * picks up, and the next write removes the leftover; a full disk (a test double: a writer failing with
 * the {@code ENOSPC} message) leaves the target unchanged with a clear error; a relaunched command line
 * never outlives its killed parent.
 */
class FaultsTest {
  private static Process child(Path dir, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
        FaultChild.class.getName()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(dir.resolve("child.err").toFile());
    pb.environment().remove(NativeLogging.MARKER);
    pb.environment().remove(NativeLogging.DISABLE);
    return pb.start();
  }

  private static List<String> names(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void aWriteKilledMidwayLeavesThePreviousFileAndTheNextWriteCleansUp(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("ckpt.safetensors");
    Process p = child(dir, "write", file.toString());
    try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      assertEquals("WRITING", out.readLine());
      p.destroyForcibly(); // SIGKILL: no shutdown hook, no finally block runs
      assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    }
    assertEquals("complete version 1\n", Files.readString(file), "a reader still sees the complete file");
    List<String> left = names(dir).stream().filter(n -> n.contains(AtomicFiles.TEMP_MARK)).toList();
    assertEquals(1, left.size(), names(dir).toString());
    assertTrue(left.get(0).startsWith(".ckpt.safetensors" + AtomicFiles.TEMP_MARK + p.pid() + "-"), left.toString());
    List<Path> cleaned = AtomicFiles.cleanStale(dir);
    assertEquals(List.of(dir.resolve(left.get(0))), cleaned);
    AtomicFiles.writeString(file, "version 3\n");
    assertEquals(List.of("child.err", "ckpt.safetensors"), names(dir));
  }

  @Test
  void aLiveWritersTemporaryFileIsLeftAlone(@TempDir Path dir) throws Exception {
    Path mine = dir.resolve(".x" + AtomicFiles.TEMP_MARK + ProcessHandle.current().pid() + "-ab12");
    Files.writeString(mine, "in progress");
    assertEquals(List.of(), AtomicFiles.cleanStale(dir));
    assertTrue(Files.exists(mine));
  }

  @Test
  void aFullDiskLeavesTheTargetUnchangedWithAClearError(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("history.csv");
    AtomicFiles.writeString(file, "old\n");
    IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(file, out -> {
      out.write(new byte[4096]);
      throw new IOException("No space left on device"); // what FileChannel.write reports on ENOSPC
    }));
    assertEquals("cannot write " + file + ": the disk is full (No space left on device); nothing was written, "
        + "history.csv keeps its previous content", e.getMessage());
    assertEquals("old\n", Files.readString(file));
    assertEquals(List.of("history.csv"), names(dir));
  }

  @Test
  void aRelaunchedChildDoesNotOutliveItsKilledParent(@TempDir Path dir) throws Exception {
    Path pidFile = dir.resolve("child.pid");
    Process parent = child(dir, "relaunch", pidFile.toString());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!Files.exists(pidFile) || Files.readString(pidFile).isBlank()) {
      assertTrue(System.nanoTime() < deadline && parent.isAlive(), "the relaunched child started");
      Thread.sleep(50);
    }
    long pid = Long.parseLong(Files.readString(pidFile).trim());
    Optional<ProcessHandle> grandchild = ProcessHandle.of(pid);
    assertTrue(grandchild.isPresent() && grandchild.get().isAlive());
    parent.destroyForcibly();
    assertTrue(parent.waitFor(30, TimeUnit.SECONDS));
    try {
      grandchild.get().onExit().get(20, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      grandchild.get().destroyForcibly(); // do not leave it behind even when the test fails
    }
    assertFalse(grandchild.get().isAlive(), "the relaunched JVM outlived its killed parent");
  }
}
