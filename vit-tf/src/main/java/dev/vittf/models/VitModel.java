package dev.vittf.models;

import dev.vittf.core.CallGate;
import dev.vittf.core.GraphParameterStore;
import dev.vittf.core.HostTensor;
import dev.vittf.core.Mode;
import dev.vittf.core.ParameterSpec;
import dev.vittf.core.Precision;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;

/**
 * A model you can hold: a {@link Graph} with the network built for a fixed {@link Mode} (by {@link
 * ModelGraph}), its {@link Session} and {@link GraphParameterStore}. Build from a config, load weights,
 * {@code predict} on NHWC float batches of any size, fetch named outputs, and close it (it owns native
 * memory).
 *
 * <p>Weights: {@link #create(ModelConfig, Map)} builds a model straight from given weights (no random
 * initialiser is even built); the other factories build seeded initialisers, which run on first use
 * unless {@link #loadWeights} replaced every parameter before, so loading a checkpoint into a fresh model
 * never pays for random initialisation either.
 *
 * <p>Thread-safe for concurrent {@code predict}/{@code run} calls (TensorFlow sessions are).
 */
public final class VitModel implements AutoCloseable {
  /** Name of the input placeholder, {@code float32 [-1, H, W, C]}. */
  public static final String INPUT = ModelGraph.IMAGES;

  /**
   * Build options.
   *
   * @param mode inference or training graph
   * @param seed parameter initialisation seed (unused when the model is built from weights)
   * @param sessionConfig TensorFlow session config (threads, XLA), or null for defaults
   * @param precision what the matrix products compute in ({@link Precision#BF16} falls back to float32 on a CPU
   *     without bf16 instructions, see {@link Precision#resolve}; {@link VitModel#precision()} tells)
   */
  public record Options(Mode mode, long seed, ConfigProto sessionConfig, Precision precision) {
    /** Requires a mode and a precision. */
    public Options {
      Objects.requireNonNull(mode, "mode");
      Objects.requireNonNull(precision, "precision");
    }

    /** float32 options. */
    public Options(Mode mode, long seed, ConfigProto sessionConfig) {
      this(mode, seed, sessionConfig, Precision.FP32);
    }

    /** Inference, seed 0, default session, float32. */
    public static Options defaults() {
      return new Options(Mode.INFERENCE, 0, null);
    }

    /** These options with another precision. */
    public Options withPrecision(Precision precision) {
      return new Options(mode, seed, sessionConfig, precision);
    }
  }

  private final ModelConfig config;
  private final Graph graph;
  private final Session session;
  private final GraphParameterStore store;
  private final ModelGraph model;
  /** Admits calls and closes the session and graph once no call is in flight. */
  private final CallGate gate;
  /** Whether every variable holds a value (initialised or loaded). Guarded by {@code this}. */
  private boolean ready;
  /** Whether the seeded random initialisers have run. Guarded by {@code this}. */
  private boolean ranInitializers;

  private VitModel(ModelConfig config, Options options, boolean forLoading) {
    this.config = config;
    Graph g = new Graph();
    Session s = null;
    try {
      GraphParameterStore st = forLoading ? GraphParameterStore.forLoading(g) : new GraphParameterStore(g, options.seed());
      // bf16 inference keeps bf16 copies of the weights (refreshed on every write) instead of casting at every run
      this.store = options.mode() == Mode.INFERENCE ? st.cacheConversions() : st;
      this.model = ModelGraph.build(g, config, options.mode(), options.precision(), store);
      s = options.sessionConfig() == null ? new Session(g) : new Session(g, options.sessionConfig());
      this.graph = g;
      this.session = s;
      this.gate = new CallGate("this VitModel", this::release);
    } catch (RuntimeException | Error e) {
      if (s != null) {
        s.close();
      }
      g.close();
      throw e;
    }
  }

  /** Builds an inference model with freshly initialised weights (seed 0). */
  public static VitModel create(ModelConfig config) {
    return new VitModel(config, Options.defaults(), false);
  }

  /** Builds a model with the given options and seeded weights. */
  public static VitModel create(ModelConfig config, Options options) {
    return new VitModel(config, options, false);
  }

  /** Builds an inference model with initial weights from {@code seed}. */
  public static VitModel create(ModelConfig config, long seed) {
    return new VitModel(config, new Options(Mode.INFERENCE, seed, null), false);
  }

  /**
   * Builds an inference model holding {@code weights} (our parameter names), without any random
   * initialiser. Strict, like {@link #loadWeights}.
   *
   * @throws IllegalArgumentException if a parameter is missing, unknown or mis-shaped
   */
  public static VitModel create(ModelConfig config, Map<String, HostTensor> weights) {
    return create(config, weights, Options.defaults());
  }

  /** Like {@link #create(ModelConfig, Map)} with the given mode and session config ({@code seed} is unused). */
  public static VitModel create(ModelConfig config, Map<String, HostTensor> weights, Options options) {
    VitModel model = createWithoutInitializers(config, options);
    try {
      model.loadWeights(Objects.requireNonNull(weights, "weights"));
    } catch (RuntimeException | Error e) {
      model.close();
      throw e;
    }
    return model;
  }

  /**
   * Builds a model with no initialiser at all, for weights that arrive later: call {@link #loadWeights}
   * before anything else (e.g. once a checkpoint read in parallel with the build is converted to {@link
   * #parameters()}); until then runs fail with an {@code IllegalStateException}.
   */
  public static VitModel createWithoutInitializers(ModelConfig config, Options options) {
    return new VitModel(config, options, true);
  }

  /**
   * Runs the random initialisers now, unless every parameter already holds a value. Optional: the
   * first {@code predict}, {@code run}, {@code weights()} or {@code session()} does it otherwise.
   */
  public void initialize() {
    gate.enter();
    try {
      synchronized (this) {
        if (!ready) {
          store.initialize(session);
          ready = true;
          ranInitializers = true;
        }
      }
    } finally {
      gate.leave();
    }
  }

  /**
   * Whether this model's random initialisers have run (false for a model built from weights, or whose
   * weights were all loaded before first use).
   */
  public synchronized boolean ranInitializers() {
    return ranInitializers;
  }

  /** The config. */
  public ModelConfig config() {
    return config;
  }

  /** The mode the graph was built for. */
  public Mode mode() {
    return model.mode();
  }

  /** The precision the graph computes in (after the fallback of {@link Precision#resolve}). */
  public Precision precision() {
    return model.precision();
  }

  /** Parameters in registration order. */
  public List<ParameterSpec> parameters() {
    return store.parameters();
  }

  /** Number of scalar parameters. */
  public long parameterCount() {
    return store.parameterCount();
  }

  /** Analytic FLOPs of one forward pass per image. */
  public long flopsPerImage() {
    return model.flopsPerImage();
  }

  /** Names of the outputs {@link #run} can fetch (e.g. {@code logits}, {@code pooled}, {@code tokens}, {@code blocks/0/attn/probs}). */
  public Set<String> outputNames() {
    return model.outputNames();
  }

  /**
   * Loads weights by parameter name. Strict: every parameter must be present with its exact shape and
   * no unknown name is allowed; all problems are reported together and nothing is written otherwise.
   */
  public void loadWeights(Map<String, HostTensor> weights) {
    loadWeights(weights, false);
  }

  /**
   * Like {@link #loadWeights(Map)}; {@code allowNonFinite} loads tensors holding NaN or infinities,
   * which {@link #loadWeights(Map)} refuses ({@link dev.vittf.core.NonFiniteWeightsException}).
   */
  public void loadWeights(Map<String, HostTensor> weights, boolean allowNonFinite) {
    gate.enter();
    try {
      synchronized (this) {
        store.assignAll(session, weights, allowNonFinite);
        ready = true; // every variable is a parameter, and every parameter was written
      }
    } finally {
      gate.leave();
    }
  }

  /**
   * Like {@link #loadWeights(Map)} for weights already in TensorFlow tensors (the caller keeps and closes them):
   * one per parameter, exact names and shapes. Their values are taken as they are (not checked for finiteness).
   *
   * @throws IllegalArgumentException if a parameter is missing, unknown or mis-shaped
   */
  public void loadTensors(Map<String, TFloat32> weights) {
    gate.enter();
    try {
      synchronized (this) {
        store.assignTensors(session, weights);
        ready = true;
      }
    } finally {
      gate.leave();
    }
  }

  /** Current value of every parameter, by name. */
  public Map<String, HostTensor> weights() {
    gate.enter();
    try {
      return store.read(session());
    } finally {
      gate.leave();
    }
  }

  /**
   * Runs the model on a batch {@code [B, H, W, C]} and returns the logits {@code [B, classes]}.
   *
   * @throws IllegalArgumentException if the batch fails {@link InputCheck}
   * @throws ArithmeticException if the logits are not finite
   */
  public HostTensor predict(HostTensor batch) {
    return InputCheck.requireFiniteOutput(Network.LOGITS, run(batch, Network.LOGITS).get(Network.LOGITS));
  }

  /** Runs the model on Java images {@code [B][H][W][C]} and returns logits {@code [B][classes]}. */
  public float[][] predict(float[][][][] batch) {
    HostTensor logits = predict(HostTensor.ofImages(batch));
    float[][] out = new float[(int) logits.dim(0)][];
    for (int i = 0; i < out.length; i++) {
      out[i] = logits.row(i);
    }
    return out;
  }

  /** Runs the model on a native batch; the caller owns (and must close) both tensors. */
  public TFloat32 predict(TFloat32 batch) {
    InputCheck.check(config, batch);
    gate.enter();
    try {
      try (Result r = session().runner().feed(model.images(), batch).fetch(model.logits()).run()) {
        // Result.close() closes its tensors; hand out a copy the caller owns.
        TFloat32 logits = (TFloat32) r.get(0);
        InputCheck.requireFiniteOutput(Network.LOGITS, HostTensor.of(logits));
        return TFloat32.tensorOf(logits.shape(), t -> logits.copyTo(t));
      }
    } finally {
      gate.leave();
    }
  }

  /** Runs the model and fetches the named outputs (see {@link #outputNames()}). */
  public Map<String, HostTensor> run(HostTensor batch, String... names) {
    InputCheck.check(config, batch);
    if (names.length == 0) {
      throw new IllegalArgumentException("no output requested; available: " + outputNames());
    }
    gate.enter();
    try {
      return runGated(batch, names);
    } finally {
      gate.leave();
    }
  }

  private Map<String, HostTensor> runGated(HostTensor batch, String... names) {
    Session.Runner runner = session().runner();
    for (String n : names) {
      runner.fetch(model.output(n));
    }
    Map<String, HostTensor> result = new LinkedHashMap<>();
    try (TFloat32 in = batch.toTensor()) {
      runner.feed(model.images(), in);
      try (Result r = runner.run()) {
        for (int i = 0; i < names.length; i++) {
          result.put(names[i], HostTensor.of((TFloat32) r.get(i)));
        }
      }
    }
    return result;
  }

  /**
   * Checks that {@code shape} is an NHWC batch {@code [B >= 1, H, W, C]} for {@code config}.
   *
   * @throws IllegalArgumentException naming the expected and the actual shape
   * @see InputCheck#checkShape(ModelConfig, long[])
   */
  public static void checkInputShape(ModelConfig config, long[] shape) {
    InputCheck.checkShape(config, shape);
  }

  // ---- for the library's own tooling (export, training, benchmarks) ----

  /** The graph (owned by this model). */
  public Graph graph() {
    return graph;
  }

  /** The session (owned by this model), with every variable holding a value. */
  public Session session() {
    initialize();
    return session;
  }

  /** Whether {@link #close} was called. */
  public boolean isClosed() {
    return gate.isClosed();
  }

  /** The parameter store. */
  public GraphParameterStore store() {
    return store;
  }

  /** The input placeholder. */
  public Operand<TFloat32> input() {
    return model.images();
  }

  /** A named output operand. */
  public Operand<TFloat32> output(String name) {
    return model.output(name);
  }

  /** The build result: input, outputs, parameter store, FLOPs and the scope the ops were named with. */
  public ModelGraph modelGraph() {
    return model;
  }

  /**
   * Closes the model: later calls fail at once with an {@code IllegalStateException}; waits for the
   * calls in flight, at most {@link CallGate#DEFAULT_CLOSE_WAIT}; the native session and graph are freed
   * when the last of them ends. Idempotent.
   */
  @Override
  public void close() {
    gate.close();
  }

  /**
   * Like {@link #close()}, waiting at most {@code wait} for calls in flight.
   *
   * @return whether the native memory was freed before returning
   */
  public boolean close(java.time.Duration wait) {
    return gate.close(wait);
  }

  private void release() {
    session.close();
    graph.close();
  }
}
