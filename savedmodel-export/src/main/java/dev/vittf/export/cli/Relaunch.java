package dev.vittf.export.cli;

import dev.vittf.export.ServingModel;
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
import java.util.regex.Pattern;

/**
 * TensorFlow reads {@code TF_CPP_MIN_LOG_LEVEL} and {@code TF_XLA_FLAGS} once, when its native library
 * loads, and Java cannot change its own environment. So the command line relaunches itself once, in
 * a child JVM with the same JVM options and classpath, when:
 *
 * <ul>
 *   <li>{@code TF_CPP_MIN_LOG_LEVEL} is unset and {@code --verbose} was not given (it is set to 2),
 *   <li>or the command needs XLA JIT on CPU ({@code predict --xla-jit}, {@code bench}) and {@code
 *       TF_XLA_FLAGS} lacks {@code --tf_xla_cpu_global_jit}.
 * </ul>
 *
 * <p>Without {@code --verbose} the child's remaining TensorFlow/absl log lines (the ones {@code
 * TF_CPP_MIN_LOG_LEVEL} cannot silence) are filtered from stderr. Set the variables yourself, or
 * {@code VITTF_NO_RELAUNCH=1}, to run in one JVM.
 */
final class Relaunch {
  static final String MARKER = "VITTF_RELAUNCHED";
  static final String DISABLE = "VITTF_NO_RELAUNCH";
  private static final Pattern NOISE = Pattern.compile(
      "^(WARNING: All log messages before absl::InitializeLog\\(\\) is called are written to STDERR"
          + "|[IW]\\d{4} [\\d:.]+\\s+\\d+ \\S+:\\d+\\] .*"
          + "|\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d+: [IW] .*)$");

  private Relaunch() {}

  /** Whether {@code --verbose} (or {@code -v}) is among the arguments. */
  static boolean verbose(String[] args) {
    return Arrays.stream(args).anyMatch(a -> a.equals("--verbose") || a.equals("-v"));
  }

  /** Whether the command runs XLA JIT on CPU and so needs the flag at native-library load. */
  static boolean needsCpuJit(String[] args) {
    List<String> a = Arrays.asList(args);
    return a.contains("bench") || (a.contains("predict") && a.contains("--xla-jit"));
  }

  /** Whether the command loads TensorFlow at all ({@code inspect} and help do not). */
  static boolean loadsTensorFlow(String[] args) {
    List<String> a = Arrays.asList(args);
    if (a.isEmpty() || a.contains("--help") || a.contains("-h") || List.of("--version", "-V", "help").contains(a.get(0))) {
      return false;
    }
    return a.contains("export") || a.contains("predict") || a.contains("bench");
  }

  /** The environment additions the command needs, given the current environment. */
  static Map<String, String> missingEnv(String[] args, Map<String, String> env) {
    Map<String, String> add = new LinkedHashMap<>();
    if (!loadsTensorFlow(args)) {
      return add;
    }
    if (!env.containsKey("TF_CPP_MIN_LOG_LEVEL") && !verbose(args)) {
      add.put("TF_CPP_MIN_LOG_LEVEL", "2");
    }
    String flags = env.getOrDefault(ServingModel.XLA_FLAGS_ENV, "").trim();
    if (needsCpuJit(args) && !List.of(flags.split("\\s+")).contains(ServingModel.CPU_GLOBAL_JIT_FLAG)) {
      add.put(ServingModel.XLA_FLAGS_ENV, (flags + " " + ServingModel.CPU_GLOBAL_JIT_FLAG).trim());
    }
    return add;
  }

  /**
   * Relaunches if needed.
   *
   * @return the child's exit code, or -1 if this JVM should run the command itself
   */
  static int ifNeeded(String[] args) {
    Map<String, String> env = System.getenv();
    if (env.containsKey(MARKER) || env.containsKey(DISABLE)) {
      return -1;
    }
    Map<String, String> add = missingEnv(args, env);
    if (add.isEmpty()) {
      return -1;
    }
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(VitTfExport.class.getName());
    cmd.addAll(Arrays.asList(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.INHERIT)
        .redirectOutput(ProcessBuilder.Redirect.INHERIT);
    pb.environment().putAll(add);
    pb.environment().put(MARKER, "1");
    boolean filter = !verbose(args);
    if (!filter) {
      pb.redirectError(ProcessBuilder.Redirect.INHERIT);
    }
    try {
      Process p = pb.start();
      if (filter) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
          String line;
          while ((line = r.readLine()) != null) {
            if (!NOISE.matcher(line).matches()) {
              System.err.println(line);
            }
          }
        }
      }
      return p.waitFor();
    } catch (IOException e) {
      return -1; // cannot relaunch: run here, louder
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return VitTfExport.EXIT_FAILED;
    }
  }
}
