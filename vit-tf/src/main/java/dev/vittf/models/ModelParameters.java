package dev.vittf.models;

import dev.vittf.core.Mode;
import dev.vittf.core.ParameterSpec;
import dev.vittf.core.ShapeOnlyParameterStore;
import java.util.List;
import org.tensorflow.Graph;

/** Lists a config's parameters without creating variables or a session. */
public final class ModelParameters {
  private ModelParameters() {}

  /** Every parameter of the model described by {@code config}, in registration order. */
  public static List<ParameterSpec> of(ModelConfig config) {
    try (Graph g = new Graph()) {
      return ModelGraph.build(g, config, Mode.INFERENCE, new ShapeOnlyParameterStore(g)).parameters().parameters();
    }
  }

  /** Total scalar parameter count of {@code config}. */
  public static long count(ModelConfig config) {
    return of(config).stream().mapToLong(ParameterSpec::size).sum();
  }
}
