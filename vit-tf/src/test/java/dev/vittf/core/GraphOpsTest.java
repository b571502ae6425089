package dev.vittf.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vittf.models.ModelConfig;
import dev.vittf.models.ModelGraph;
import dev.vittf.models.Presets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * {@link GraphOps} (a {@link ScanFreeScope}) names every op exactly as TF Java's own {@code Ops.create} does,
 * for every preset in both modes, and is really the scope the model is built with.
 */
class GraphOpsTest {

  static Stream<Arguments> presetsAndModes() {
    return Presets.all().keySet().stream().flatMap(p -> Stream.of(Mode.values()).map(m -> Arguments.of(p, m)));
  }

  /** Op names in creation order. */
  static List<String> opNames(Graph g) {
    List<String> names = new ArrayList<>();
    for (Iterator<GraphOperation> it = g.operations(); it.hasNext(); ) {
      names.add(it.next().name());
    }
    return names;
  }

  /** The reference: the network applied with TF Java's own scope (quadratic, hence the smaller configs below). */
  static List<String> opNamesWithOpsCreate(ModelConfig config, Mode mode) {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      assertFalse(GraphOps.isScanFree(tf), "the reference must use TF Java's own scope");
      Placeholder<TFloat32> images = tf.withName(ModelGraph.IMAGES).placeholder(TFloat32.class,
          Placeholder.shape(Shape.of(-1, config.imageHeight(), config.imageWidth(), config.channels())));
      config.network().apply(BuildContext.root(tf, new GraphParameterStore(g, 0), mode), images);
      return opNames(g);
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("presetsAndModes")
  void everyPresetHasTheOpNamesOfOpsCreate(String preset, Mode mode) {
    ModelConfig config = Presets.get(preset);
    List<String> actual;
    try (Graph g = new Graph()) {
      ModelGraph model = ModelGraph.build(g, config, mode, new GraphParameterStore(g, 0));
      assertEquals(ScanFreeScope.class, model.scopeType(), preset);
      actual = opNames(g);
    }
    assertTrue(actual.size() > 400, preset + " built only " + actual.size() + " ops");
    assertEquals(opNamesWithOpsCreate(config, mode), actual, preset + " " + mode);
  }

  /** Scope features models use little or not at all: explicit names, repeats, composites, init and control scopes. */
  @Test
  void scopeOperationsNameLikeOpsCreate() {
    Function<Function<Graph, Ops>, List<String>> build = root -> {
      try (Graph g = new Graph()) {
        Ops tf = root.apply(g);
        Operand<TFloat32> c = tf.constant(1f);
        tf.constant(2f);
        Ops a = tf.withSubScope("a");
        a.withName("x").math.add(c, c);
        a.withName("x").math.add(c, c);
        a.math.add(c, c);
        a.withSubScope("b").math.mul(c, c);
        a.withSubScope("b").math.mul(c, c);
        tf.withSubScope("a").constant(3f);
        tf.withName("named").withSubScope("ignored").constant(4f);
        a.withName("composite").zeros(tf.constant(new int[] {2}), TFloat32.class);
        a.zeros(tf.constant(new int[] {2}), TFloat32.class);
        tf.withInitScope().withSubScope("init").constant(5f);
        Ops gated = a.withControlDependencies(List.of(tf.math.neg(c)));
        gated.math.abs(c);
        tf.withSubScope("a_1").constant(6f);
        return opNames(g);
      }
    };
    List<String> expected = build.apply(Ops::create);
    assertEquals(expected, build.apply(GraphOps::create));
    assertTrue(expected.contains("a/x_1") && expected.contains("a/b_1/Mul") && expected.contains("named/Const"), expected.toString());
  }

  @Test
  void scanFreeOpsAreRecognised() {
    try (Graph g = new Graph()) {
      assertTrue(GraphOps.isScanFree(GraphOps.create(g)));
      assertTrue(GraphOps.isScanFree(GraphOps.create(g).withSubScope("x").withName("y")));
      assertFalse(GraphOps.isScanFree(Ops.create(g)));
    }
  }
}
