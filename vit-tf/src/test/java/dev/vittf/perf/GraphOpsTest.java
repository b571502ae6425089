package dev.vittf.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vittf.core.BuildContext;
import dev.vittf.core.GraphOps;
import dev.vittf.core.GraphParameterStore;
import dev.vittf.core.Mode;
import dev.vittf.models.ModelConfig;
import dev.vittf.models.Presets;
import java.util.Iterator;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/** {@link GraphOps} builds the same graph (every op name) as {@code Ops.create}, without the per-scope graph scan. */
class GraphOpsTest {

  static Set<String> opNames(ModelConfig config, Mode mode, Function<Graph, Ops> root) {
    try (Graph g = new Graph()) {
      Ops tf = root.apply(g);
      Placeholder<TFloat32> images = tf.withName("images").placeholder(TFloat32.class,
          Placeholder.shape(Shape.of(-1, config.imageHeight(), config.imageWidth(), config.channels())));
      config.network().apply(BuildContext.root(tf, new GraphParameterStore(g, 0), mode), images);
      Set<String> names = new TreeSet<>();
      for (Iterator<GraphOperation> it = g.operations(); it.hasNext(); ) {
        names.add(it.next().name());
      }
      return names;
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"vit-tiny", "deepvit-tiny", "cait-tiny", "parallel-vit-tiny", "scalable-vit-tiny"})
  void sameOpNamesAsOpsCreateInInferenceAndTraining(String preset) {
    ModelConfig config = Presets.get(preset);
    for (Mode mode : Mode.values()) {
      Set<String> expected = opNames(config, mode, Ops::create);
      Set<String> actual = opNames(config, mode, GraphOps::create);
      assertTrue(expected.size() > 100, preset + " built only " + expected.size() + " ops");
      assertEquals(expected, actual, preset + " " + mode);
    }
  }
}
