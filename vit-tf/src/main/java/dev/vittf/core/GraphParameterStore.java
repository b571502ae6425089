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
import org.tensorflow.op.Scope;
import org.tensorflow.types.TFloat32;

/**
 * Parameter store for graph execution: each parameter is a {@code VariableV2} (the variable kind
 * that TF Java's optimizers and SavedModel saver support) named exactly after the parameter, with its
 * initialiser in the graph's init scope, and read through an {@code Identity} named {@code
 * <name>/read} (raw variables break some gradients, e.g. {@code BatchMatMulV3}).
 */
public final class GraphParameterStore extends ParameterStore {
  private final Graph graph;
  private final Map<String, Output<TFloat32>> variables = new LinkedHashMap<>();
  private final Map<String, Output<TFloat32>> loadFeeds = new LinkedHashMap<>();
  private final Map<String, GraphOperation> loadOps = new LinkedHashMap<>();

  /** A store that creates its variables in {@code graph}. */
  public GraphParameterStore(Graph graph, long seed) {
    super(seed);
    this.graph = graph;
  }

  /** The graph holding the variables. */
  public Graph graph() {
    return graph;
  }

  @Override
  protected Operand<TFloat32> create(Ops scoped, ParameterSpec spec) {
    String name = spec.name();
    if (graph.operation(name) != null) {
      throw new IllegalArgumentException("the graph already has an operation named '" + name + "'");
    }
    String leaf = name.substring(name.lastIndexOf('/') + 1);
    Ops base = scoped != null ? scoped : Ops.create(graph);
    Operand<TFloat32> init = initialValue(base.withSubScope(leaf + "_init").withInitScope(), spec);
    // The variable, its initialiser and its read are created with explicit full names: TF Java's
    // name scopes silently uniquify ("patch_embed_1/..."), which must never reach a parameter name.
    Scope initScope = base.withInitScope().scope();
    GraphOperation varOp =
        graph.opBuilder("VariableV2", name, initScope)
            .setAttr("dtype", DataType.DT_FLOAT)
            .setAttr("shape", Shape.of(spec.shape()))
            .build();
    if (!varOp.name().equals(name)) {
      throw new IllegalStateException("TensorFlow named variable '" + name + "' as '" + varOp.name() + "'");
    }
    Output<TFloat32> var = varOp.output(0);
    graph.opBuilder("Assign", name + "/Assign", initScope).addInput(var).addInput(init.asOutput()).build();
    variables.put(name, var);
    return graph
        .opBuilder("Identity", name + "/read", base.scope())
        .addInput(var)
        .build()
        .output(0);
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
   * Assigns values to parameters in one session run. Every name must be a registered parameter and
   * every shape must match; the check is complete before anything is written.
   */
  public void assign(Session session, Map<String, HostTensor> values) {
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
    ensureLoadOps();
    runAssign(session, values, loadFeeds, loadOps);
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

  // Placeholder + Assign per variable, built once and outside the init scope so that a later
  // Session.initialize() never re-runs them.
  private synchronized void ensureLoadOps() {
    for (Map.Entry<String, Output<TFloat32>> e : variables.entrySet()) {
      String name = e.getKey();
      if (loadFeeds.containsKey(name)) {
        continue;
      }
      Ops root = Ops.create(graph);
      Output<TFloat32> feed =
          graph.opBuilder("Placeholder", name + "/load_value", root.scope())
              .setAttr("dtype", DataType.DT_FLOAT)
              .setAttr("shape", Shape.of(spec(name).shape()))
              .build()
              .output(0);
      loadFeeds.put(name, feed);
      GraphOperation op =
          graph.opBuilder("Assign", name + "/load", root.scope())
              .addInput(e.getValue())
              .addInput(feed)
              .build();
      loadOps.put(name, op);
    }
  }
}
