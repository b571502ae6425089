package dev.vittf.core;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Child JVM for {@link FaultsTest}. {@code write FILE}: writes FILE completely once, then starts
 * rewriting it and stops half way (prints {@code WRITING}) until killed. {@code relaunch PIDFILE}:
 * relaunches itself like the command lines do; the relaunched child writes its pid and sleeps.
 */
public final class FaultChild {
  private FaultChild() {}

  public static void main(String[] args) throws Exception {
    if (args[0].equals("write")) {
      Path file = Path.of(args[1]);
      AtomicFiles.writeString(file, "complete version 1\n");
      AtomicFiles.write(file, out -> {
        out.write("version 2, partial".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        out.flush();
        System.out.println("WRITING");
        System.out.flush();
        try {
          Thread.sleep(120_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      return;
    }
    int code = NativeLogging.relaunchIfNeeded(FaultChild.class, args, Map.of("VITTF_FAULT_TEST", "1"));
    if (code >= 0) {
      System.exit(code); // the parent, after its child ended
    }
    Files.writeString(Path.of(args[1]), Long.toString(ProcessHandle.current().pid()));
    Thread.sleep(120_000);
  }
}
