package dev.vittf.models;

import dev.vittf.core.BuildContext;
import dev.vittf.core.Mode;
import dev.vittf.core.ParameterSpec;
import dev.vittf.core.ShapeOnlyParameterStore;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/** Lists a config's parameters without creating variables or a session. */
public final class ModelParameters {
  private ModelParameters() {}

  /** Every parameter of the model described by {@code config}, in registration order. */
  public static List<ParameterSpec> of(ModelConfig config) {
    try (Graph g = new Graph()) {
      Ops tf = dev.vittf.core.GraphOps.create(g); // scan-free sub-scopes: linear-time graph building
      ShapeOnlyParameterStore store = new ShapeOnlyParameterStore(g);
      Placeholder<TFloat32> images =
          tf.placeholder(TFloat32.class,
              Placeholder.shape(Shape.of(-1, config.imageHeight(), config.imageWidth(), config.channels())));
      config.network().apply(BuildContext.root(tf, store, Mode.INFERENCE), images);
      return store.parameters();
    }
  }

  /** Total scalar parameter count of {@code config}. */
  public static long count(ModelConfig config) {
    return of(config).stream().mapToLong(ParameterSpec::size).sum();
  }
}
