package dev.vittf.core;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Keeps native TensorFlow logging quiet by default in the command-line tools. TensorFlow reads {@code
 * TF_CPP_MIN_LOG_LEVEL} (and {@code TF_XLA_FLAGS}) from the process environment when its native library
 * loads, and Java cannot change its own environment, so an entry point started without the variable
 * relaunches itself once, in a child JVM with the same JVM options and classpath and the variable set,
 * and filters from the child's stderr the few absl lines that no log level silences. {@code --verbose}
 * keeps TensorFlow's own logging; an explicitly set variable is always respected; {@value #DISABLE}
 * disables the relaunch.
 */
public final class NativeLogging {
  /** The environment variable TensorFlow reads. */
  public static final String LOG_LEVEL = "TF_CPP_MIN_LOG_LEVEL";
  /** Set in the child so that it never relaunches again. */
  public static final String MARKER = "VITTF_RELAUNCHED";
  /** Set to run in one JVM, without relaunching. */
  public static final String DISABLE = "VITTF_NO_RELAUNCH";
  /** Set in the child to the parent's process id, which the child watches. */
  public static final String PARENT_PID = "VITTF_PARENT_PID";

  // Informational (I) and warning (W) lines in absl's two formats, absl's start-up notice, and one
  // ERROR-level line that is only a notice: oneDNN declines an int32 op of the training graph
  // (TensorFlow 2.18 prints it even on this AVX-512 CPU) and TensorFlow runs its Eigen kernel instead.
  // Every other E or F line is kept.
  private static final Pattern NOISE = Pattern.compile(
      "^(WARNING: All log messages before absl::InitializeLog\\(\\) is called are written to STDERR"
          + "|[IW]\\d{4} [\\d:.]+\\s+\\d+ \\S+:\\d+\\] .*"
          + "|\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d+: [IW] .*"
          + "|(\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d+: E |E\\d{4} [\\d:.]+\\s+\\d+ )"
          + "tensorflow/core/util/util\\.cc:\\d+\\] oneDNN supports DT_INT32 only on platforms with AVX-512\\..*)$");

  private NativeLogging() {}

  /** Whether {@code --verbose} is among the arguments. */
  public static boolean verbose(String[] args) {
    return Arrays.asList(args).contains("--verbose");
  }

  /** Whether a stderr line is TensorFlow/absl informational noise. */
  public static boolean isNoise(String line) {
    return NOISE.matcher(line).matches();
  }

  /** {@code TF_CPP_MIN_LOG_LEVEL=2} if it is unset and {@code --verbose} was not given. */
  public static Map<String, String> quietEnv(String[] args, Map<String, String> env) {
    Map<String, String> add = new LinkedHashMap<>();
    if (!env.containsKey(LOG_LEVEL) && !verbose(args)) {
      add.put(LOG_LEVEL, "2");
    }
    return add;
  }

  /**
   * Relaunches {@code mainClass} with {@code args} in a child JVM whose environment adds {@code
   * additions}, unless there is nothing to add, this is already the child, or relaunching is disabled.
   *
   * @return the child's exit code, or -1 if this JVM should run the command itself
   */
  public static int relaunchIfNeeded(Class<?> mainClass, String[] args, Map<String, String> additions) {
    Map<String, String> env = System.getenv();
    if (env.containsKey(MARKER)) {
      watchParent(env.get(PARENT_PID));
      return -1;
    }
    if (additions.isEmpty() || env.containsKey(DISABLE)) {
      return -1;
    }
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(mainClass.getName());
    cmd.addAll(Arrays.asList(args));
    ProcessBuilder pb = new ProcessBuilder(cmd)
        .redirectInput(ProcessBuilder.Redirect.INHERIT)
        .redirectOutput(ProcessBuilder.Redirect.INHERIT);
    pb.environment().putAll(additions);
    pb.environment().put(MARKER, "1");
    pb.environment().put(PARENT_PID, Long.toString(ProcessHandle.current().pid()));
    boolean filter = !verbose(args);
    if (!filter) {
      pb.redirectError(ProcessBuilder.Redirect.INHERIT);
    }
    try {
      Process p = pb.start();
      // A parent stopped by a signal it can handle (Ctrl-C, kill) takes the child with it; after
      // kill -9 no hook runs, and the child's own watch (watchParent) ends it.
      Thread reaper = new Thread(p::destroy, "vittf-stop-child");
      Runtime.getRuntime().addShutdownHook(reaper);
      if (filter) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
          String line;
          while ((line = r.readLine()) != null) {
            if (!isNoise(line)) {
              System.err.println(line);
            }
          }
        }
      }
      return p.waitFor();
    } catch (IOException e) {
      return -1; // cannot relaunch: run here, with TensorFlow's default logging
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 130;
    }
  }

  /**
   * In a relaunched child: ends this JVM as soon as the parent process is gone (killed with {@code kill
   * -9}, which runs no shutdown hook), so that no orphan JVM keeps running a command nobody waits for.
   * {@code ProcessHandle.onExit} of a non-child is detected by polling, within about a second.
   */
  static void watchParent(String parentPid) {
    Optional<ProcessHandle> found;
    try {
      found = parentPid == null ? ProcessHandle.current().parent() : ProcessHandle.of(Long.parseLong(parentPid));
    } catch (NumberFormatException e) {
      found = ProcessHandle.current().parent();
    }
    if (found.isEmpty() || !found.get().isAlive()) {
      Runtime.getRuntime().halt(EXIT_PARENT_GONE);
    }
    ProcessHandle parent = found.get();
    parent.onExit().thenRun(() -> {
      System.err.println("vit-tf: the parent process " + parent.pid() + " is gone; stopping");
      Runtime.getRuntime().halt(EXIT_PARENT_GONE);
    });
  }

  /** Exit status of a relaunched child whose parent is gone (128 + SIGHUP). */
  public static final int EXIT_PARENT_GONE = 129;

  /** Removes the {@code --verbose} flag (handled here) from the arguments. */
  public static String[] withoutVerbose(String[] args) {
    return Arrays.stream(args).filter(a -> !a.equals("--verbose")).toArray(String[]::new);
  }
}
