package dev.vittf.core;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.tensorflow.EagerSession;
import org.tensorflow.ExecutionEnvironment;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TFloating;
import org.tensorflow.types.family.TType;

/**
 * What a block needs when it is applied: the {@link Ops} of the execution environment, the name
 * scope (hierarchical path), the parameter store, the mode and, in training, the source of
 * randomness. Blocks never hold it; they receive it in {@code apply}, so the same block runs in a
 * {@code Graph} and in an {@code EagerSession}.
 *
 * <p>Contexts are cheap immutable views: {@link #child(String)} returns the context one level down
 * (op name scope and parameter path both extended).
 *
 * <p>The {@link Precision} says what type the matrix products run in: blocks take and return float32 (the
 * residual stream), convert to {@link #computeType()} with {@link #toCompute} where a product starts and back
 * with {@link #toFloat32} where a float32 sum or normalisation follows. In {@link Precision#FP32} both are the
 * identity and emit no op.
 */
public final class BuildContext {
  /** Name of the training-mode seed input ({@code int64 [2]}); feed it to make dropout reproducible. */
  public static final String RNG_KEY = "rng_key";

  private final Ops tf;
  private final String path;
  private final Precision precision;
  private final Build build;

  /** What every context of one build shares: where parameters go, the mode, the taps and the randomness. */
  private static final class Build {
    final ParameterStore params;
    final Mode mode;
    final Map<String, Operand<TFloat32>> taps = new LinkedHashMap<>();
    Operand<TInt64> rngKey;
    long nextSite;

    Build(ParameterStore params, Mode mode) {
      this.params = Objects.requireNonNull(params);
      this.mode = Objects.requireNonNull(mode);
    }
  }

  private BuildContext(Ops tf, String path, Precision precision, Build build) {
    this.tf = Objects.requireNonNull(tf);
    this.path = path;
    this.precision = Objects.requireNonNull(precision);
    this.build = build;
  }

  /** A root context computing in float32. */
  public static BuildContext root(Ops tf, ParameterStore params, Mode mode) {
    return root(tf, params, mode, Precision.FP32);
  }

  /** A root context computing in {@code precision} (taken as given: see {@link Precision#resolve}). */
  public static BuildContext root(Ops tf, ParameterStore params, Mode mode, Precision precision) {
    return new BuildContext(tf, "", precision, new Build(params, mode));
  }

  /** Ops of this context's name scope. */
  public Ops tf() {
    return tf;
  }

  /** The parameter store. */
  public ParameterStore params() {
    return build.params;
  }

  /** Execution mode. */
  public Mode mode() {
    return build.mode;
  }

  /** Whether randomness (dropout, stochastic depth) is active. */
  public boolean training() {
    return build.mode == Mode.TRAINING;
  }

  /** Hierarchical path of this scope ("" at the root). */
  public String path() {
    return path;
  }

  /** The context one level down, e.g. {@code child("attn")} or {@code child(3)}. */
  public BuildContext child(String name) {
    ParameterStore.checkName(name);
    if (name.contains("/")) {
      throw new IllegalArgumentException("child scope must be a single segment: " + name);
    }
    return new BuildContext(tf.withSubScope(name), qualify(name), precision, build);
  }

  /** This context computing in {@code precision} (e.g. float32 for a classifier head); same scope and path. */
  public BuildContext withPrecision(Precision precision) {
    return precision == this.precision
        ? this
        : new BuildContext(tf, path, precision, build);
  }

  /** The precision of the matrix products. */
  public Precision precision() {
    return precision;
  }

  /** The TensorFlow type the matrix products run in. */
  public Class<? extends TFloating> computeType() {
    return precision.computeType();
  }

  /** {@code x} in the compute type (the same operand in float32). */
  public Operand<? extends TFloating> toCompute(Operand<TFloat32> x) {
    return cast(x, precision.computeType());
  }

  /** {@code x} in float32 (the same operand if it already is). */
  public Operand<TFloat32> toFloat32(Operand<? extends TType> x) {
    return cast(x, TFloat32.class);
  }

  /** {@code x} as {@code type}: the same operand if it already has that type, else a {@code Cast}. */
  @SuppressWarnings("unchecked") // checked: the operand's type is type
  public <T extends TType> Operand<T> cast(Operand<? extends TType> x, Class<T> type) {
    return type.equals(x.type()) ? (Operand<T>) x : tf.dtypes.cast(x, type);
  }

  /** {@code child(String.valueOf(index))}. */
  public BuildContext child(int index) {
    return child(String.valueOf(index));
  }

  private String qualify(String name) {
    return path.isEmpty() ? name : path + "/" + name;
  }

  /** Registers a parameter {@code <path>/<name>} and returns its value. */
  public Operand<TFloat32> parameter(String name, ParameterRole role, Initializer init, long... shape) {
    return build.params.parameter(tf, new ParameterSpec(qualify(name), shape, role, init));
  }

  /**
   * Registers a parameter {@code <path>/<name>} (float32) and returns its value as {@code type}, for a product in
   * that type (the store may keep the converted copy instead of converting at every run).
   */
  public <T extends TType> Operand<T> parameter(String name, ParameterRole role, Initializer init, Class<T> type, long... shape) {
    return build.params.parameter(tf, new ParameterSpec(qualify(name), shape, role, init), type);
  }

  /** Whether the parameter store keeps {@link #derived} values (inference graphs), see {@link ParameterStore#derived}. */
  public boolean keepsDerivedValues() {
    return build.params.keepsDerivedValues();
  }

  /** A value computed from parameters only, kept by the store under {@code <path>/<name>} where it keeps them. */
  public <T extends TType> Operand<T> derived(String name, Operand<T> value) {
    return build.params.derived(tf, qualify(name), value);
  }

  /** Records a named intermediate output (attention maps, tokens...) under {@code <path>/<name>}. */
  public void tap(String name, Operand<TFloat32> value) {
    build.taps.put(qualify(name), value);
  }

  /** Every tapped output so far, in insertion order. */
  public Map<String, Operand<TFloat32>> taps() {
    return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(build.taps));
  }

  // ---- small op helpers used across blocks ----

  /** An int32 vector constant. */
  public Operand<TInt32> ints(int... values) {
    return tf.constant(values);
  }

  /** A float32 scalar constant. */
  public Operand<TFloat32> scalar(double value) {
    return tf.constant((float) value);
  }

  /** Static size of axis {@code axis} of {@code x}; fails if unknown. */
  public static long staticDim(Operand<?> x, int axis) {
    Shape s = x.shape();
    int a = axis < 0 ? s.numDimensions() + axis : axis;
    long d = s.get(a);
    if (d < 0) {
      throw new IllegalStateException("axis " + axis + " of " + s + " must be statically known");
    }
    return d;
  }

  /** Dynamic batch size of {@code x} as an int32 vector {@code [B]}. */
  public Operand<TInt32> batchDim(Operand<?> x) {
    return tf.slice(tf.shape(x), tf.constant(new int[] {0}), tf.constant(new int[] {1}));
  }

  /** Reshapes to {@code [B, dims...]} with the dynamic batch size of {@code like}. */
  public Operand<TFloat32> reshapeBatch(Operand<TFloat32> x, int... dims) {
    int[] full = new int[dims.length + 1];
    full[0] = -1;
    System.arraycopy(dims, 0, full, 1, dims.length);
    return tf.reshape(x, tf.constant(full));
  }

  // ---- randomness (training only) ----

  /**
   * Inverted dropout: zero each element with probability {@code rate} and scale survivors by {@code
   * 1/(1-rate)}. The identity, with no op emitted, in inference or when {@code rate == 0}.
   */
  public <T extends TFloating> Operand<T> dropout(Operand<T> x, double rate) {
    if (!training() || rate == 0) {
      return x;
    }
    return applyMask(x, tf.shape(x), rate);
  }

  /**
   * Stochastic depth (drop path): drop the whole residual branch of a sample with probability {@code
   * rate}, rescaling survivors by {@code 1/(1-rate)} (Huang et al. 2016; CaiT layer dropout).
   */
  public <T extends TFloating> Operand<T> dropPath(Operand<T> x, double rate) {
    if (!training() || rate == 0) {
      return x;
    }
    int rank = x.shape().numDimensions();
    int[] ones = new int[rank - 1];
    java.util.Arrays.fill(ones, 1);
    Operand<TInt32> maskShape = tf.concat(java.util.List.of(batchDim(x), tf.constant(ones)), tf.constant(0));
    return applyMask(x, maskShape, rate);
  }

  private <T extends TFloating> Operand<T> applyMask(Operand<T> x, Operand<TInt32> maskShape, double rate) {
    if (!(rate > 0 && rate < 1)) {
      throw new IllegalArgumentException("drop rate must be in [0, 1), got " + rate);
    }
    Operand<TFloat32> u = tf.random.statelessRandomUniform(maskShape, nextSeed());
    float keep = (float) (1 - rate);
    // floor(keep + u) is 1 with probability keep, 0 otherwise.
    Operand<TFloat32> mask = tf.math.floor(tf.math.add(u, tf.constant(keep)));
    return tf.math.mul(x, cast(tf.math.mul(mask, tf.constant(1f / keep)), x.type()));
  }

  /**
   * A fresh stateless seed for one random site. All sites derive from one key per run: in a graph a
   * {@code PlaceholderWithDefault} named {@value #RNG_KEY} whose default is a stateful random draw
   * (fresh every run; feed it to reproduce a step); in eager mode a stateful draw.
   */
  private Operand<TInt64> nextSeed() {
    Build s = build;
    if (s.rngKey == null) {
      Ops root = tf;
      ExecutionEnvironment env = tf.scope().env();
      Operand<TInt64> draw =
          root.random.randomUniformInt(
              root.constant(new int[] {2}), root.constant(0L), root.constant(Long.MAX_VALUE));
      if (env instanceof EagerSession) {
        s.rngKey = draw;
      } else {
        s.rngKey = Ops.create(env).withName(RNG_KEY).placeholderWithDefault(draw, Shape.of(2));
      }
    }
    long site = ++s.nextSite;
    return tf.math.add(s.rngKey, tf.constant(new long[] {0L, site * 0x9E3779B97F4A7C15L}));
  }
}
