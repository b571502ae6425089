package dev.vittf.core;

import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TFloat32;

/**
 * A store that only records parameter specs: each parameter is a placeholder in a scratch graph, with
 * no initialiser and no variable. Used to list a config's parameters (names, shapes, count) cheaply,
 * e.g. to check a checkpoint before building the real model.
 */
public final class ShapeOnlyParameterStore extends ParameterStore {
  private final Graph graph;

  /** A store creating placeholders in {@code graph}. */
  public ShapeOnlyParameterStore(Graph graph) {
    super(0);
    this.graph = graph;
  }

  @Override
  protected Operand<TFloat32> create(Ops scoped, ParameterSpec spec) {
    return graph.opBuilder("Placeholder", spec.name(), Ops.create(graph).scope())
        .setAttr("dtype", DataType.DT_FLOAT)
        .setAttr("shape", Shape.of(spec.shape()))
        .build()
        .output(0);
  }
}
