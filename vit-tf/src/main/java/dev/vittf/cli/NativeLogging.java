package dev.vittf.cli;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Keeps native TensorFlow logging quiet by default. TensorFlow reads {@code TF_CPP_MIN_LOG_LEVEL}
 * from the process environment when its native library loads, and Java cannot change its own
 * environment, so a command-line entry point started without the variable re-launches itself once with
 * {@code TF_CPP_MIN_LOG_LEVEL=2} (or {@code 0} when {@code --verbose} is given). An explicitly set
 * variable is always respected.
 */
public final class NativeLogging {
  /** The environment variable TensorFlow reads. */
  public static final String VARIABLE = "TF_CPP_MIN_LOG_LEVEL";

  private NativeLogging() {}

  /**
   * Re-launches this JVM with the logging variable set, if it is not set yet, and returns the child's
   * exit code; returns empty when the current process should just continue.
   */
  public static Optional<Integer> relaunchIfNeeded(String[] args) {
    if (System.getenv(VARIABLE) != null) {
      return Optional.empty();
    }
    boolean verbose = Arrays.asList(args).contains("--verbose");
    ProcessHandle.Info info = ProcessHandle.current().info();
    Optional<String> command = info.command();
    Optional<String[]> jvmArgs = info.arguments();
    if (command.isEmpty() || jvmArgs.isEmpty()) {
      return Optional.empty(); // cannot re-launch faithfully: continue with TensorFlow's default level
    }
    List<String> cmd = new ArrayList<>();
    cmd.add(command.get());
    cmd.addAll(Arrays.asList(jvmArgs.get()));
    ProcessBuilder pb = new ProcessBuilder(cmd).inheritIO();
    pb.environment().put(VARIABLE, verbose ? "0" : "2");
    try {
      return Optional.of(pb.start().waitFor());
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.of(130);
    }
  }

  /** Removes the {@code --verbose} flag (handled here) from the arguments. */
  public static String[] withoutVerbose(String[] args) {
    return Arrays.stream(args).filter(a -> !a.equals("--verbose")).toArray(String[]::new);
  }
}
