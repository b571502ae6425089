package dev.vittf.export.cli;

import dev.vittf.core.NativeLogging;
import dev.vittf.export.ServingModel;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
  static final String MARKER = NativeLogging.MARKER;
  static final String DISABLE = NativeLogging.DISABLE;

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
    if (!env.containsKey(NativeLogging.LOG_LEVEL) && !verbose(args)) {
      add.put(NativeLogging.LOG_LEVEL, "2");
    }
    String flags = env.getOrDefault(ServingModel.XLA_FLAGS_ENV, "").trim();
    if (needsCpuJit(args) && !List.of(flags.split("\\s+")).contains(ServingModel.CPU_GLOBAL_JIT_FLAG)) {
      add.put(ServingModel.XLA_FLAGS_ENV, (flags + " " + ServingModel.CPU_GLOBAL_JIT_FLAG).trim());
    }
    return add;
  }

  /**
   * Relaunches if needed (see {@link NativeLogging}).
   *
   * @return the child's exit code, or -1 if this JVM should run the command itself
   */
  static int ifNeeded(String[] args) {
    return NativeLogging.relaunchIfNeeded(VitTfExport.class, args, missingEnv(args, System.getenv()));
  }
}
