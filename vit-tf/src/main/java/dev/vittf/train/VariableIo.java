package dev.vittf.train;

import dev.vittf.core.GraphParameterStore;
import dev.vittf.core.HostTensor;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Output;
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
    return GraphParameterStore.readAll(session, variables);
  }

  /** Assigns the given values; the names and shapes must already be checked. */
  void assign(Session session, Map<String, HostTensor> values) {
    if (values.isEmpty()) {
      return;
    }
    ensureAssignOps();
    GraphParameterStore.runAssign(session, values, feeds, assigns);
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
