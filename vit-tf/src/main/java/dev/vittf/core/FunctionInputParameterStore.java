package dev.vittf.core;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tensorflow.ExecutionEnvironment;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TFloat32;

/**
 * A parameter store that turns every parameter into an input of the graph being built: a {@code
 * Placeholder} named exactly after the parameter, with its static shape. Used to build a model's
 * forward pass as a {@link org.tensorflow.ConcreteFunction} taking {@code (images, parameters...)}:
 * reference variables cannot live inside a function, so the caller passes the variables' values in
 * (e.g. through a {@code PartitionedCall} node marked {@code _XlaMustCompile} for XLA).
 *
 * <p>{@link #inputs()} lists the placeholders in registration order, the order the caller must pass
 * the parameters in.
 */
public final class FunctionInputParameterStore extends ParameterStore {
  private final Graph graph;
  private final Map<String, Output<TFloat32>> inputs = new LinkedHashMap<>();

  /**
   * A store creating its placeholders in the graph of {@code tf}.
   *
   * @throws IllegalArgumentException if {@code tf} is not a graph environment
   */
  public FunctionInputParameterStore(Ops tf) {
    super(0);
    ExecutionEnvironment env = tf.scope().env();
    if (!(env instanceof Graph g)) {
      throw new IllegalArgumentException("parameters can only become inputs of a graph, not of " + env.getClass().getSimpleName());
    }
    this.graph = g;
  }

  @Override
  protected Operand<TFloat32> create(Ops scoped, ParameterSpec spec) {
    if (graph.operation(spec.name()) != null) {
      throw new IllegalArgumentException("the graph already has an operation named '" + spec.name() + "'");
    }
    Output<TFloat32> in =
        graph.opBuilder("Placeholder", spec.name(), Ops.create(graph).scope())
            .setAttr("dtype", DataType.DT_FLOAT)
            .setAttr("shape", Shape.of(spec.shape()))
            .build()
            .output(0);
    inputs.put(spec.name(), in);
    return in;
  }

  /** The parameter inputs by name, in registration order. */
  public Map<String, Output<TFloat32>> inputs() {
    return Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
  }
}
