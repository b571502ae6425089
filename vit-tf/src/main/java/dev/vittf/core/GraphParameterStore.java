package dev.vittf.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TType;

/**
 * Parameter store for graph execution: each parameter is a {@code VariableV2} (the variable kind
 * that TF Java's optimizers and SavedModel saver support) named exactly after the parameter, read
 * through an {@code Identity} named {@code <name>/read} (raw variables break some gradients, e.g.
 * {@code BatchMatMulV3}).
 *
 * <p>Values come from one of two places, chosen when the store is made:
 *
 * <ul>
 *   <li>{@link #GraphParameterStore(Graph, long) seeded}: each variable gets its deterministic initial
 *       value op and an {@code Assign} named {@code <name>/Assign}, run by {@link #initialize}. They are
 *       ordinary ops, not TensorFlow "init scope" ops, so neither {@code Session.initialize()} nor a
 *       session's first run executes them behind the owner's back: a model whose weights are then
 *       loaded never pays for random initialisation.
 *   <li>{@link #forLoading(Graph) for loading}: no initial-value op at all; every variable is written by
 *       {@link #assign} (a checkpoint, a trainer's weights).
 * </ul>
 */
public final class GraphParameterStore extends ParameterStore {
  private final Graph graph;
  private final boolean seeded;
  private final Map<String, Output<TFloat32>> variables = new LinkedHashMap<>();
  private final Map<String, GraphOperation> initializers = new LinkedHashMap<>();
  private final Map<String, Output<TFloat32>> loadFeeds = new LinkedHashMap<>();
  private final Map<String, GraphOperation> loadOps = new LinkedHashMap<>();
  private boolean cacheConversions;
  /** Assigns that rewrite every kept conversion from its float32 variable. */
  private final List<GraphOperation> refreshes = new ArrayList<>();

  /** A store whose variables are initialised from {@code seed} by {@link #initialize}. */
  public GraphParameterStore(Graph graph, long seed) {
    this(graph, seed, true);
  }

  private GraphParameterStore(Graph graph, long seed, boolean seeded) {
    super(seed);
    this.graph = graph;
    this.seeded = seeded;
  }

  /**
   * A store without initialisers: every value is written by {@link #assign} (or restored from a TensorFlow
   * checkpoint by {@code Session.restore}).
   */
  public static GraphParameterStore forLoading(Graph graph) {
    return new GraphParameterStore(graph, 0, false);
  }

  /** The graph holding the variables. */
  public Graph graph() {
    return graph;
  }

  /** Whether the variables have initial-value ops ({@link #initialize} can run). */
  public boolean seeded() {
    return seeded;
  }

  @Override
  protected Operand<TFloat32> create(Ops scoped, ParameterSpec spec) {
    String name = spec.name();
    if (graph.operation(name) != null) {
      throw new IllegalArgumentException("the graph already has an operation named '" + name + "'");
    }
    Ops base = scoped != null ? scoped : Ops.create(graph);
    // The variable, its initialiser and its read are created with explicit full names: TF Java's
    // name scopes silently uniquify ("patch_embed_1/..."), which must never reach a parameter name.
    GraphOperation varOp =
        graph.opBuilder("VariableV2", name, base.scope())
            .setAttr("dtype", DataType.DT_FLOAT)
            .setAttr("shape", Shape.of(spec.shape()))
            .build();
    if (!varOp.name().equals(name)) {
      throw new IllegalStateException("TensorFlow named variable '" + name + "' as '" + varOp.name() + "'");
    }
    Output<TFloat32> var = varOp.output(0);
    variables.put(name, var);
    if (seeded) {
      String leaf = name.substring(name.lastIndexOf('/') + 1);
      Operand<TFloat32> init = initialValue(base.withSubScope(leaf + "_init"), spec);
      initializers.put(name,
          graph.opBuilder("Assign", name + "/Assign", base.scope()).addInput(var).addInput(init.asOutput()).build());
    }
    return graph
        .opBuilder("Identity", name + "/read", base.scope())
        .addInput(var)
        .build()
        .output(0);
  }

  /**
   * Keeps the converted values of parameters ({@link ParameterStore#parameter(Ops, ParameterSpec, Class)}: the
   * bf16 copy of a float32 kernel) in variables of their own, written from the float32 variables whenever this
   * store writes values ({@link #initialize}, {@link #assign}), instead of converting at every run: a bf16
   * ViT-B/16 otherwise converts its 86.6 M weights in every forward pass (~85 ms on 2 cores). Costs the copies'
   * memory (2 bytes per value in bf16). For inference graphs only: call before the model is built, and write
   * values through this store (a training step, or a {@code Session.restore}, would leave the copies stale).
   * {@link #derived} values are kept the same way.
   */
  public GraphParameterStore cacheConversions() {
    cacheConversions = true;
    return this;
  }

  @Override
  protected <T extends TType> Operand<T> converted(Ops scoped, ParameterSpec spec, Operand<TFloat32> value, Class<T> type) {
    Operand<T> cast = super.converted(scoped, spec, value, type);
    if (!cacheConversions) {
      return cast;
    }
    DataType dtype = cast.asOutput().dataType();
    return kept(scoped, spec.name() + "/" + dtype.name().substring("DT_".length()).toLowerCase(java.util.Locale.ROOT),
        cast, Shape.of(spec.shape()));
  }

  @Override
  public boolean keepsDerivedValues() {
    return cacheConversions;
  }

  @Override
  public <T extends TType> Operand<T> derived(Ops scoped, String name, Operand<T> value) {
    return cacheConversions ? kept(scoped, name, value, value.shape()) : value;
  }

  // A variable holding `value`, rewritten from it whenever this store writes values (see cacheConversions).
  private <T extends TType> Operand<T> kept(Ops scoped, String name, Operand<T> value, Shape shape) {
    GraphOperation copy = graph.opBuilder("VariableV2", name, scoped.scope())
        .setAttr("dtype", value.asOutput().dataType())
        .setAttr("shape", shape)
        .build();
    refreshes.add(graph.opBuilder("Assign", name + "/refresh", scoped.scope())
        .addInput(copy.output(0)).addInput(value.asOutput()).build());
    return graph.opBuilder("Identity", name + "/read", scoped.scope()).addInput(copy.output(0)).build().output(0);
  }

  /** Rewrites every kept conversion from the current float32 values (one session run). */
  private void refreshConversions(Session session) {
    if (!refreshes.isEmpty()) {
      Session.Runner runner = session.runner();
      refreshes.forEach(runner::addTarget);
      runner.run().close();
    }
  }

  /**
   * Writes every variable's deterministic initial value (one session run).
   *
   * @throws IllegalStateException if the store was made {@link #forLoading for loading}
   */
  public void initialize(Session session) {
    if (!seeded) {
      throw new IllegalStateException("this parameter store has no initialisers: assign every parameter's value");
    }
    if (initializers.isEmpty()) {
      return;
    }
    Session.Runner runner = session.runner();
    initializers.values().forEach(runner::addTarget);
    runner.run();
    refreshConversions(session);
  }

  /** The raw variables by parameter name, in registration order. */
  public Map<String, Output<TFloat32>> variables() {
    return Map.copyOf(variables);
  }

  /** The variable of one parameter. */
  public Output<TFloat32> variable(String name) {
    Output<TFloat32> v = variables.get(name);
    if (v == null) {
      throw new IllegalArgumentException("no parameter named '" + name + "'");
    }
    return v;
  }

  /**
   * Assigns a value to every parameter in one session run. Strict: every parameter must be present with
   * its exact shape and no unknown name is allowed; all problems are reported together and nothing is
   * written otherwise. Non-finite values are refused ({@link NonFiniteWeightsException}).
   */
  public void assignAll(Session session, Map<String, HostTensor> values) {
    assignAll(session, values, false);
  }

  /** Like {@link #assignAll(Session, Map)}; {@code allowNonFinite} lets NaN and infinities through. */
  public void assignAll(Session session, Map<String, HostTensor> values, boolean allowNonFinite) {
    List<String> missing = parameters().stream().map(ParameterSpec::name).filter(n -> !values.containsKey(n)).toList();
    if (!missing.isEmpty()) {
      List<String> unexpected = values.keySet().stream().filter(n -> spec(n) == null).sorted().toList();
      throw new IllegalArgumentException(
          "weights do not match the model: missing " + missing + (unexpected.isEmpty() ? "" : ", unexpected " + unexpected));
    }
    assign(session, values, allowNonFinite);
  }

  /**
   * Assigns values to parameters in one session run. Every name must be a registered parameter and
   * every shape must match, and every value finite; the check is complete before anything is written.
   */
  public void assign(Session session, Map<String, HostTensor> values) {
    assign(session, values, false);
  }

  /**
   * Like {@link #assign(Session, Map)}; {@code allowNonFinite} (or {@code -D}{@value
   * NonFiniteWeightsException#ALLOW_PROPERTY}{@code =true}) lets NaN and infinities through.
   */
  public void assign(Session session, Map<String, HostTensor> values, boolean allowNonFinite) {
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, HostTensor> e : values.entrySet()) {
      ParameterSpec spec = spec(e.getKey());
      if (spec == null) {
        problems.add("unknown parameter '" + e.getKey() + "'");
      } else if (!Arrays.equals(spec.shape(), e.getValue().shape())) {
        problems.add(
            "'" + e.getKey() + "' has shape " + Arrays.toString(e.getValue().shape())
                + ", expected " + Arrays.toString(spec.shape()));
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("cannot assign weights: " + String.join("; ", problems));
    }
    if (!allowNonFinite && !NonFiniteWeightsException.allowedByProperty()) {
      NonFiniteWeightsException.check(values);
    }
    ensureLoadOps();
    runAssign(session, values, loadFeeds, loadOps);
    refreshConversions(session);
  }

  /**
   * Feeds each value to its placeholder and runs the matching assign ops, in one session run; the
   * native tensors are closed afterwards. Shared with the trainer's optimizer-state I/O.
   */
  public static void runAssign(Session session, Map<String, HostTensor> values,
      Map<String, Output<TFloat32>> feeds, Map<String, GraphOperation> assigns) {
    if (values.isEmpty()) {
      return;
    }
    List<TFloat32> tensors = new ArrayList<>();
    try {
      Session.Runner runner = session.runner();
      for (Map.Entry<String, HostTensor> e : values.entrySet()) {
        TFloat32 t = e.getValue().toTensor();
        tensors.add(t);
        runner.feed(feeds.get(e.getKey()), t);
        runner.addTarget(assigns.get(e.getKey()));
      }
      runner.run().close();
    } finally {
      tensors.forEach(TFloat32::close);
    }
  }

  /**
   * Assigns tensors already in TensorFlow memory, one per parameter, in one session run (the caller keeps and
   * closes them). Strict: the names and shapes must be exactly the parameters'.
   *
   * @throws IllegalArgumentException naming what is missing, unknown or mis-shaped
   */
  public void assignTensors(Session session, Map<String, TFloat32> tensors) {
    List<String> problems = new ArrayList<>();
    parameters().stream().map(ParameterSpec::name).filter(n -> !tensors.containsKey(n)).forEach(n -> problems.add("missing '" + n + "'"));
    tensors.forEach((name, t) -> {
      ParameterSpec spec = spec(name);
      if (spec == null) {
        problems.add("unknown parameter '" + name + "'");
      } else if (!Arrays.equals(spec.shape(), t.shape().asArray())) {
        problems.add("'" + name + "' has shape " + t.shape() + ", expected " + Arrays.toString(spec.shape()));
      }
    });
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("cannot assign weights: " + String.join("; ", problems));
    }
    ensureLoadOps();
    Session.Runner runner = session.runner();
    tensors.forEach((name, t) -> runner.feed(loadFeeds.get(name), t).addTarget(loadOps.get(name)));
    runner.run().close();
    refreshConversions(session);
  }

  /** Reads the current value of every parameter, in registration order. */
  public Map<String, HostTensor> read(Session session) {
    return readAll(session, variables);
  }

  /** Fetches the given float variables in one session run, by name, in map order. */
  public static Map<String, HostTensor> readAll(Session session, Map<String, Output<TFloat32>> variables) {
    Map<String, HostTensor> out = new LinkedHashMap<>();
    List<String> names = new ArrayList<>(variables.keySet());
    if (names.isEmpty()) {
      return out;
    }
    Session.Runner runner = session.runner();
    names.forEach(n -> runner.fetch(variables.get(n)));
    try (Result r = runner.run()) {
      for (int i = 0; i < names.size(); i++) {
        out.put(names.get(i), HostTensor.of((TFloat32) r.get(i)));
      }
    }
    return out;
  }

  // Placeholder + Assign per variable, built on first use only, so that a graph whose weights arrive by
  // Session.restore (a SavedModel export) carries no weight-loading ops.
  private synchronized void ensureLoadOps() {
    variables.forEach((name, var) -> {
      if (!loadFeeds.containsKey(name)) {
        addLoadOps(name, var);
      }
    });
  }

  private void addLoadOps(String name, Output<TFloat32> var) {
    Ops root = Ops.create(graph);
    Output<TFloat32> feed =
        graph.opBuilder("Placeholder", name + "/load_value", root.scope())
            .setAttr("dtype", DataType.DT_FLOAT)
            .setAttr("shape", Shape.of(spec(name).shape()))
            .build()
            .output(0);
    loadFeeds.put(name, feed);
    loadOps.put(name, graph.opBuilder("Assign", name + "/load", root.scope()).addInput(var).addInput(feed).build());
  }
}
