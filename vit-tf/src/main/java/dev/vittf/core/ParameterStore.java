package dev.vittf.core;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TType;

/**
 * Owns every parameter of a model: names, shapes, roles and the ops that hold the values.
 *
 * <p>Names are hierarchical and {@code /}-separated ({@code blocks/3/attn/qkv/kernel}); each segment
 * matches {@code [A-Za-z0-9][A-Za-z0-9_.-]*}. A name can be registered once: a second registration
 * is an error (TensorFlow would otherwise silently rename it to {@code ..._1}).
 *
 * <p>Initial values are deterministic: a stateless random op keyed by {@code (seed, hash(name))}, so
 * the same seed gives the same weights in a {@code Graph} and in an {@code EagerSession}, and adding a
 * parameter does not change the others.
 */
public abstract class ParameterStore {
  private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.\\-]*");

  private final long seed;
  private final Map<String, ParameterSpec> specs = new LinkedHashMap<>();

  /** Creates a store whose random initialisers derive from {@code seed}. */
  protected ParameterStore(long seed) {
    this.seed = seed;
  }

  /** The initialisation seed. */
  public long seed() {
    return seed;
  }

  /**
   * Registers a parameter and returns an operand that reads it.
   *
   * @throws IllegalArgumentException if the name is malformed, already registered, or a dimension is
   *     not positive
   */
  public final Operand<TFloat32> parameter(ParameterSpec spec) {
    return parameter(null, spec);
  }

  /**
   * Like {@link #parameter(ParameterSpec)}, with the caller's {@link Ops} so that initialiser ops are
   * created in the caller's name scope (graph readability only; names of parameters never depend on it).
   */
  public final Operand<TFloat32> parameter(Ops scoped, ParameterSpec spec) {
    checkName(spec.name());
    if (specs.containsKey(spec.name())) {
      throw new IllegalArgumentException("duplicate parameter name '" + spec.name() + "'");
    }
    for (long d : spec.shape()) {
      if (d <= 0) {
        throw new IllegalArgumentException(
            "parameter '" + spec.name() + "' has a non-positive dimension: " + Arrays.toString(spec.shape()));
      }
    }
    if (spec.initializer() instanceof Initializer.Identity) {
      long[] s = spec.shape();
      if (s.length != 2 || s[0] != s[1]) {
        throw new IllegalArgumentException(
            "identity initializer needs a square matrix, '" + spec.name() + "' is " + Arrays.toString(s));
      }
    }
    specs.put(spec.name(), spec);
    return create(scoped, spec);
  }

  /**
   * Registers a parameter and returns its value converted to {@code type} for use (e.g. the bf16 copy a bf16
   * matrix product reads); float32 returns the read itself. The parameter stays float32: checkpoints, {@code
   * read} and training see only the float32 value.
   *
   * @param scoped the caller's ops (the conversion is created in its name scope)
   */
  @SuppressWarnings("unchecked") // checked: a float32 read is an Operand<TFloat32>
  public final <T extends TType> Operand<T> parameter(Ops scoped, ParameterSpec spec, Class<T> type) {
    Operand<TFloat32> value = parameter(java.util.Objects.requireNonNull(scoped, "scoped"), spec);
    return type.equals(TFloat32.class) ? (Operand<T>) value : converted(scoped, spec, value, type);
  }

  /**
   * The float32 {@code value} of {@code spec} as {@code type}: a {@code Cast} at every use, unless a store keeps
   * the converted value (see {@link GraphParameterStore#cacheConversions}).
   */
  protected <T extends TType> Operand<T> converted(Ops scoped, ParameterSpec spec, Operand<TFloat32> value, Class<T> type) {
    return scoped.dtypes.cast(value, type);
  }

  /**
   * Whether this store keeps {@link #derived} values in variables of their own (then a block may prefer a form
   * that reads a derived value, e.g. one product over two joined kernels, to one that converts at every run).
   */
  public boolean keepsDerivedValues() {
    return false;
  }

  /**
   * A value computed from parameters only (the joined q and kv kernels of a self-attention): {@code value}
   * itself, computed at every use, unless the store keeps it ({@link #keepsDerivedValues()}).
   *
   * @param scoped the caller's ops (a kept copy is created in its name scope)
   * @param name the copy's name under the caller's scope
   */
  public <T extends TType> Operand<T> derived(Ops scoped, String name, Operand<T> value) {
    return value;
  }

  /**
   * Creates the ops for a newly registered, validated parameter.
   *
   * @param scoped the caller's ops (its name scope), or null
   * @param spec the parameter
   */
  protected abstract Operand<TFloat32> create(Ops scoped, ParameterSpec spec);

  /** All parameters in registration order. */
  public final List<ParameterSpec> parameters() {
    return Collections.unmodifiableList(new ArrayList<>(specs.values()));
  }

  /** The spec registered under {@code name}, or null. */
  public final ParameterSpec spec(String name) {
    return specs.get(name);
  }

  /** Total number of scalar parameters. */
  public final long parameterCount() {
    return specs.values().stream().mapToLong(ParameterSpec::size).sum();
  }

  /** Checks a hierarchical parameter name. */
  public static void checkName(String name) {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("parameter name must not be empty");
    }
    for (String seg : name.split("/", -1)) {
      if (!SEGMENT.matcher(seg).matches()) {
        throw new IllegalArgumentException(
            "invalid parameter name '" + name + "': segment '" + seg + "' must match " + SEGMENT.pattern());
      }
    }
  }

  /** Stable 64-bit FNV-1a hash of a name, used as the second half of the initialiser seed. */
  static long nameHash(String name) {
    long h = 0xcbf29ce484222325L;
    for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
      h ^= (b & 0xff);
      h *= 0x100000001b3L;
    }
    return h;
  }

  /** Builds the op computing a parameter's initial value. */
  protected final Operand<TFloat32> initialValue(Ops tf, ParameterSpec spec) {
    long[] shape = spec.shape();
    Operand<TInt64> dims = tf.constant(shape);
    Initializer init = spec.initializer();
    if (init instanceof Initializer.Zeros) {
      return tf.fill(dims, tf.constant(0f));
    } else if (init instanceof Initializer.Constant c) {
      return tf.fill(dims, tf.constant((float) c.value()));
    } else if (init instanceof Initializer.TruncatedNormal t) {
      return scaledNormal(tf, spec, t.std());
    } else if (init instanceof Initializer.FanInTruncatedNormal f) {
      return scaledNormal(tf, spec, Math.sqrt(f.scale() / Initializer.fanIn(shape)));
    } else if (init instanceof Initializer.Identity) {
      int n = (int) shape[0];
      float[][] eye = new float[n][n];
      for (int i = 0; i < n; i++) {
        eye[i][i] = 1f;
      }
      return tf.constant(eye);
    }
    throw new IllegalStateException("unknown initializer " + init);
  }

  private Operand<TFloat32> scaledNormal(Ops tf, ParameterSpec spec, double std) {
    Operand<TFloat32> unit =
        tf.random.statelessTruncatedNormal(
            tf.constant(spec.shape()), tf.constant(new long[] {seed, nameHash(spec.name())}));
    return tf.math.mul(unit, tf.constant((float) std));
  }
}
