package dev.vittf.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.tensorflow.types.TBfloat16;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TFloating;

/**
 * The number format a model computes in, fixed when its graph is built ({@link BuildContext#precision()}).
 *
 * <p>{@link #BF16} runs the matrix products (dense layers, the attention's two einsums) in bfloat16 and keeps
 * everything that accumulates or normalises in float32: LayerNorm, the softmax, residual sums, LayerScale, the
 * classifier head. Parameters stay float32 variables (checkpoints, {@code weights()} and training's master
 * weights are unchanged) and are cast where they are used; explicit {@code Cast} ops in the graph, so a
 * SavedModel runs in bf16 without any session option.
 *
 * <p>bf16 is only fast on hardware with bf16 matrix units (x86: {@code avx512_bf16} or {@code amx_bf16});
 * elsewhere oneDNN emulates it, slower than float32. {@link #resolve} therefore falls back to {@link #FP32}
 * there, with one warning, unless forced ({@value #FORCE_PROPERTY} or {@value #FORCE_ENV}).
 */
public enum Precision {
  /** float32 throughout. */
  FP32(TFloat32.class),
  /** bfloat16 matrix products, float32 normalisation, softmax, residuals and head. */
  BF16(TBfloat16.class);

  /** System property that keeps bf16 where the CPU has no bf16 instructions ({@code true}). */
  public static final String FORCE_PROPERTY = "vittf.bf16.force";
  /** Environment variable with the same effect ({@code 1} or {@code true}). */
  public static final String FORCE_ENV = "VITTF_BF16_FORCE";
  /** CPU flags (Linux {@code /proc/cpuinfo}) of native bf16 arithmetic. */
  public static final List<String> BF16_CPU_FLAGS = List.of("avx512_bf16", "amx_bf16");

  private static final System.Logger LOG = System.getLogger(Precision.class.getName());
  private static final AtomicBoolean WARNED = new AtomicBoolean();
  private static volatile Boolean hostHasBf16;

  private final Class<? extends TFloating> computeType;

  Precision(Class<? extends TFloating> computeType) {
    this.computeType = computeType;
  }

  /** The TensorFlow type of the matrix products. */
  public Class<? extends TFloating> computeType() {
    return computeType;
  }

  /** Lower-case name, as on the command line ({@code fp32}, {@code bf16}). */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses {@code fp32} / {@code bf16} (any case; {@code float32}, {@code bfloat16} too).
   *
   * @throws IllegalArgumentException naming the value and the accepted ones
   */
  public static Precision parse(String text) {
    String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
    return switch (t) {
      case "fp32", "float32", "f32" -> FP32;
      case "bf16", "bfloat16" -> BF16;
      default -> throw new IllegalArgumentException("precision '" + text + "' is not one of fp32, bf16");
    };
  }

  /**
   * The precision to build with on this host: {@code requested}, except that {@link #BF16} on a CPU without
   * {@link #BF16_CPU_FLAGS} becomes {@link #FP32} (warned once per JVM) unless forced.
   */
  public static Precision resolve(Precision requested) {
    return resolve(requested, hostHasBf16(), forced());
  }

  /** {@link #resolve(Precision)} for given hardware support and force flag (what the host lookup feeds it). */
  public static Precision resolve(Precision requested, boolean hardwareBf16, boolean force) {
    if (requested != BF16 || hardwareBf16 || force) {
      return requested;
    }
    if (WARNED.compareAndSet(false, true)) {
      LOG.log(System.Logger.Level.WARNING, "bf16 requested, but this CPU has none of " + BF16_CPU_FLAGS + " (bf16 would be emulated, slower"
          + " than fp32): running fp32. Set -D" + FORCE_PROPERTY + "=true or " + FORCE_ENV + "=1 to use bf16 anyway.");
    }
    return FP32;
  }

  /** Whether a {@code /proc/cpuinfo} text lists a bf16 flag. */
  public static boolean cpuInfoHasBf16(String cpuInfo) {
    for (String line : cpuInfo.split("\n")) {
      if (line.startsWith("flags")) {
        for (String flag : line.substring(line.indexOf(':') + 1).trim().split("\\s+")) {
          if (BF16_CPU_FLAGS.contains(flag)) {
            return true;
          }
        }
      }
    }
    return false;
  }

  /** Whether this host's CPU has native bf16 (read once from {@code /proc/cpuinfo}; false if unreadable). */
  public static boolean hostHasBf16() {
    Boolean known = hostHasBf16;
    if (known == null) {
      boolean has;
      try {
        has = cpuInfoHasBf16(Files.readString(Path.of("/proc/cpuinfo")));
      } catch (IOException | RuntimeException e) {
        has = false;
      }
      hostHasBf16 = known = has;
    }
    return known;
  }

  private static boolean forced() {
    String env = System.getenv(FORCE_ENV);
    return Boolean.getBoolean(FORCE_PROPERTY) || "1".equals(env) || "true".equalsIgnoreCase(env);
  }
}
