package dev.vittf.core;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The resource limits every config is checked against when it is validated (see {@link ModelSize}),
 * so that a model this process cannot hold is refused before anything is allocated.
 *
 * <p>Defaults come from the memory this process can use: the smaller of the machine's physical memory
 * ({@code OperatingSystemMXBean}, else {@code /proc/meminfo}) and a cgroup memory limit ({@code
 * /sys/fs/cgroup/memory.max} or the v1 {@code memory.limit_in_bytes}). Building a model takes several
 * times its weights in native memory (measured: vit-tiny with {@code heads=65536}, 1.1 GB of float32
 * weights, peaked at 5.1 GB RSS while its initialisers ran), and loading, exporting or reading the
 * weights holds a copy on the Java heap; so by default the parameters may use at most a fifth of that
 * memory and half of the maximum heap; the largest activation of one image at most a quarter of the
 * memory; a graph at most {@value #DEFAULT_MAX_GRAPH_OPS} ops.
 *
 * <p>Override with system properties ({@code -Dvittf.maxParameterBytes=40g}, {@code
 * -Dvittf.maxActivationBytes=8g}, {@code -Dvittf.maxGraphOps=5000000}; sizes take a {@code k}, {@code
 * m}, {@code g} or {@code t} suffix), or in code with {@link #set(Limits)}, which wins over both.
 */
public final class ResourceLimits {
  /** System property: largest parameter memory in bytes. */
  public static final String MAX_PARAMETER_BYTES = "vittf.maxParameterBytes";
  /** System property: largest single activation of one image, in bytes. */
  public static final String MAX_ACTIVATION_BYTES = "vittf.maxActivationBytes";
  /** System property: largest graph, in ops. */
  public static final String MAX_GRAPH_OPS = "vittf.maxGraphOps";
  /** Default op limit: about 100 times a ViT-L/16 training graph. */
  public static final long DEFAULT_MAX_GRAPH_OPS = 1_000_000;

  /**
   * A set of limits.
   *
   * @param maxParameterBytes largest total parameter memory (float32: 4 bytes per parameter)
   * @param maxActivationBytes largest single activation tensor of one image
   * @param maxGraphOps largest graph, in ops
   * @param source where the limits come from (for messages)
   */
  public record Limits(long maxParameterBytes, long maxActivationBytes, long maxGraphOps, String source) {
    /** Validates the limits (all positive). */
    public Limits {
      if (maxParameterBytes <= 0 || maxActivationBytes <= 0 || maxGraphOps <= 0) {
        throw new IllegalArgumentException("resource limits must be > 0, got " + maxParameterBytes + ", "
            + maxActivationBytes + ", " + maxGraphOps);
      }
    }
  }

  private static volatile Limits override;
  private static volatile Long memory;

  private ResourceLimits() {}

  /** Sets the limits for this process (null restores the defaults and system properties). */
  public static void set(Limits limits) {
    override = limits;
  }

  /** The limits in force: {@link #set}, else the system properties, else the memory-based defaults. */
  public static Limits current() {
    Limits o = override;
    if (o != null) {
      return o;
    }
    long mem = memoryBytes();
    long heap = Runtime.getRuntime().maxMemory();
    long p = property(MAX_PARAMETER_BYTES, defaultParameterBytes());
    long a = property(MAX_ACTIVATION_BYTES, mem / 4);
    long g = property(MAX_GRAPH_OPS, DEFAULT_MAX_GRAPH_OPS);
    return new Limits(p, a, g, "defaults from this process's " + ModelSize.bytes(mem) + " of memory and "
        + ModelSize.bytes(heap) + " of heap");
  }

  /** The default parameter limit: min(memory / 5, max heap / 2). */
  public static long defaultParameterBytes() {
    return Math.min(memoryBytes() / 5, Runtime.getRuntime().maxMemory() / 2);
  }

  /** How to change a limit, for error messages. */
  static String howToChange(String property) {
    return "set -D" + property + "=SIZE or ResourceLimits.set(...)";
  }

  private static long property(String name, long fallback) {
    String v = System.getProperty(name);
    if (v == null || v.isBlank()) {
      return fallback;
    }
    try {
      return parseSize(v);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("-D" + name + "=" + v + ": " + e.getMessage(), e);
    }
  }

  /** Parses {@code 123}, {@code 64k}, {@code 512m}, {@code 8g}, {@code 1t} (binary units). */
  public static long parseSize(String text) {
    String s = text.trim().toLowerCase(Locale.ROOT);
    long unit = 1;
    if (!s.isEmpty()) {
      int idx = "kmgt".indexOf(s.charAt(s.length() - 1));
      if (idx >= 0) {
        unit = 1L << (10 * (idx + 1));
        s = s.substring(0, s.length() - 1);
      }
    }
    long n;
    try {
      n = Long.parseLong(s);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a size (digits with an optional k, m, g or t suffix)");
    }
    if (n <= 0) {
      throw new IllegalArgumentException("must be > 0");
    }
    try {
      return Math.multiplyExact(n, unit);
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("too large");
    }
  }

  /** The memory this process can use: min(physical memory, cgroup limit); 8 GiB if neither is known. */
  public static long memoryBytes() {
    Long m = memory;
    if (m == null) {
      m = detectMemory();
      memory = m;
    }
    return m;
  }

  private static long detectMemory() {
    long physical = -1;
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      physical = os.getTotalMemorySize();
    }
    if (physical <= 0) {
      physical = meminfoTotal();
    }
    long limit = physical > 0 ? physical : 8L << 30;
    for (String f : List.of("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes")) {
      try {
        String v = Files.readString(Path.of(f)).trim();
        long c = Long.parseLong(v);
        if (c > 0 && c < limit) {
          limit = c;
        }
      } catch (IOException | NumberFormatException | SecurityException e) {
        // "max" or no cgroup file: no limit from this source
      }
    }
    return limit;
  }

  private static long meminfoTotal() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | NumberFormatException | SecurityException e) {
      // not Linux
    }
    return -1;
  }
}
