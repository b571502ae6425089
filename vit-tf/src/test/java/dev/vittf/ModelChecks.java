package dev.vittf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vittf.core.HostTensor;
import dev.vittf.core.ParameterSpec;
import dev.vittf.models.EagerRunner;
import dev.vittf.models.ModelConfig;
import dev.vittf.models.VitModel;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.tensorflow.GraphOperation;

/**
 * Checks shared by the model tests beyond the fixtures: graph and eager agree with the same perturbed weights
 * (logits within 1e-4), a graph has a random op or not, parameter names.
 */
public final class ModelChecks {
  private ModelChecks() {}

  /** Largest accepted |graph - eager| on logits. */
  public static final double TOLERANCE = 1e-4;

  /** {@code batch} images of N(0, 1) pixels for {@code c}. */
  public static HostTensor randomImages(Random rnd, int batch, ModelConfig c) {
    HostTensor t = HostTensor.zeros(batch, c.imageHeight(), c.imageWidth(), c.channels());
    for (int i = 0; i < t.data().length; i++) {
      t.data()[i] = (float) rnd.nextGaussian();
    }
    return t;
  }

  /** The model's initial weights plus Gaussian noise, so head mixes, LayerScale and norms are far from neutral. */
  public static Map<String, HostTensor> perturbed(Map<String, HostTensor> weights, long seed, double std) {
    Random rnd = new Random(seed);
    Map<String, HostTensor> out = new LinkedHashMap<>();
    for (Map.Entry<String, HostTensor> e : weights.entrySet()) {
      float[] d = e.getValue().data().clone();
      for (int i = 0; i < d.length; i++) {
        d[i] += (float) (std * rnd.nextGaussian());
      }
      out.put(e.getKey(), new HostTensor(e.getValue().shape(), d));
    }
    return out;
  }

  /** Graph logits and eager logits with the same perturbed weights; returns the graph logits. */
  public static HostTensor graphAndEagerAgree(ModelConfig c, HostTensor images, long seed) {
    HostTensor graph;
    Map<String, HostTensor> weights;
    try (VitModel m = VitModel.create(c, seed)) {
      weights = perturbed(m.weights(), seed, 0.3);
      m.loadWeights(weights);
      graph = m.predict(images);
    }
    HostTensor eager = EagerRunner.logits(c, weights, images);
    assertEquals(List.of(images.dim(0), (long) c.numClasses()), List.of(graph.dim(0), graph.dim(1)));
    double diff = graph.maxAbsDiff(eager);
    double scale = 0;
    for (float v : graph.data()) {
      assertTrue(Float.isFinite(v));
      scale = Math.max(scale, Math.abs(v));
    }
    assertTrue(scale > 1e-2, "logits are degenerate: " + scale);
    assertTrue(diff <= TOLERANCE, c + ": graph vs eager max |diff| = " + diff);
    return graph;
  }

  /** Whether any op of the model's graph draws random numbers. */
  public static boolean hasRandomOp(VitModel model) {
    for (Iterator<GraphOperation> it = model.graph().operations(); it.hasNext(); ) {
      if (it.next().type().contains("Random")) {
        return true;
      }
    }
    return false;
  }

  /** max |row a - row b| of a matrix. */
  public static double rowDiff(HostTensor t, int a, int b) {
    float[] x = t.row(a);
    float[] y = t.row(b);
    double m = 0;
    for (int i = 0; i < x.length; i++) {
      m = Math.max(m, Math.abs(x[i] - y[i]));
    }
    return m;
  }

  /** The parameter names, in order. */
  public static List<String> names(List<ParameterSpec> specs) {
    List<String> out = new ArrayList<>();
    specs.forEach(s -> out.add(s.name()));
    return out;
  }
}
