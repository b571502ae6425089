package dev.vittf.train;

import dev.vittf.core.HostTensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TFloat32;

/** Reads and writes a set of float {@code VariableV2}s by name (one session run each way). */
final class VariableIo {
  private final Graph graph;
  private final Map<String, Output<TFloat32>> variables;
  private final Map<String, long[]> shapes;
  private final Map<String, Output<TFloat32>> feeds = new LinkedHashMap<>();
  private final Map<String, GraphOperation> assigns = new LinkedHashMap<>();

  VariableIo(Graph graph, Map<String, Output<TFloat32>> variables, Map<String, long[]> shapes) {
    this.graph = graph;
    this.variables = new LinkedHashMap<>(variables);
    this.shapes = new LinkedHashMap<>(shapes);
  }

  Map<String, long[]> shapes() {
    return new LinkedHashMap<>(shapes);
  }

  Map<String, HostTensor> read(Session session) {
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

  /** Assigns the given values; the names and shapes must already be checked. */
  void assign(Session session, Map<String, HostTensor> values) {
    if (values.isEmpty()) {
      return;
    }
    ensureAssignOps();
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

  private synchronized void ensureAssignOps() {
    for (Map.Entry<String, Output<TFloat32>> e : variables.entrySet()) {
      String name = e.getKey();
      if (feeds.containsKey(name)) {
        continue;
      }
      Ops root = Ops.create(graph);
      Output<TFloat32> feed = graph.opBuilder("Placeholder", name + "/restore_value", root.scope())
          .setAttr("dtype", DataType.DT_FLOAT)
          .setAttr("shape", Shape.of(shapes.get(name)))
          .build()
          .output(0);
      feeds.put(name, feed);
      assigns.put(name, graph.opBuilder("Assign", name + "/restore", root.scope())
          .addInput(e.getValue()).addInput(feed).build());
    }
  }
}
