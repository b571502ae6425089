package dev.vittf.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vittf.core.FunctionInputParameterStore;
import dev.vittf.core.GraphParameterStore;
import dev.vittf.core.HostTensor;
import dev.vittf.core.ParameterSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.tensorflow.EagerSession;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.junit.jupiter.api.Test;

/** The forward pass as a function with parameters as inputs ({@link FunctionInputParameterStore}). */
class ModelFunctionTest {

  static List<String> tinyPresets() {
    return Presets.all().keySet().stream().filter(n -> n.endsWith("-tiny")).toList();
  }

  static HostTensor randomImages(ModelConfig c, int batch, long seed) {
    Random r = new Random(seed);
    float[] x = new float[batch * c.imageHeight() * c.imageWidth() * c.channels()];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextGaussian();
    }
    return new HostTensor(new long[] {batch, c.imageHeight(), c.imageWidth(), c.channels()}, x);
  }

  @Test
  void functionCallMatchesTheGraphModelForEveryTinyPreset() {
    assertTrue(!tinyPresets().isEmpty());
    for (String name : tinyPresets()) {
      ModelConfig config = Presets.get(name);
      HostTensor images = randomImages(config, 3, 11);
      HostTensor expected;
      try (VitModel model = VitModel.create(config, 5)) {
        expected = model.predict(images);
      }
      try (ModelFunction fn = ModelFunction.create(config);
          Graph g = new Graph()) {
        // Inputs in registration order, identical to the graph model's parameter list.
        assertEquals(ModelParameters.of(config).stream().map(ParameterSpec::name).toList(),
            fn.parameters().stream().map(ParameterSpec::name).toList(), name);
        Ops tf = Ops.create(g);
        Placeholder<TFloat32> in = tf.withName("images").placeholder(TFloat32.class,
            Placeholder.shape(Shape.of(-1, config.imageHeight(), config.imageWidth(), config.channels())));
        GraphParameterStore vars = new GraphParameterStore(g, 5);
        Map<String, Operand<TFloat32>> params = new LinkedHashMap<>();
        for (ParameterSpec p : fn.parameters()) {
          params.put(p.name(), vars.parameter(p));
        }
        Map<String, Output<TFloat32>> out = fn.call(tf, "forward", in, params, false);
        try (Session s = new Session(g); TFloat32 t = images.toTensor()) {
          vars.initialize(s);
          try (Result r = s.runner().feed(in, t).fetch(out.get(ModelFunction.LOGITS)).fetch(out.get(ModelFunction.PROBABILITIES)).run()) {
            HostTensor logits = HostTensor.of((TFloat32) r.get(0));
            HostTensor probs = HostTensor.of((TFloat32) r.get(1));
            assertTrue(logits.maxAbsDiff(expected) < 1e-5, name + " logits differ by " + logits.maxAbsDiff(expected));
            for (int b = 0; b < 3; b++) {
              float[] row = probs.row(b);
              double sum = 0;
              for (float v : row) {
                sum += v;
              }
              assertEquals(1.0, sum, 1e-5, name);
              float[] lrow = logits.row(b);
              // softmax ratio: p_i / p_0 == exp(l_i - l_0)
              assertEquals(Math.exp(lrow[1] - lrow[0]), row[1] / row[0], 1e-4, name);
            }
          }
        }
      }
    }
  }

  @Test
  void missingAndUnknownParameterValuesAreRejected() {
    ModelConfig config = Presets.get("vit-tiny");
    try (ModelFunction fn = ModelFunction.create(config); Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> in = tf.placeholder(TFloat32.class);
      GraphParameterStore vars = new GraphParameterStore(g, 0);
      Map<String, Operand<TFloat32>> params = new LinkedHashMap<>();
      for (ParameterSpec p : fn.parameters().subList(1, fn.parameters().size())) {
        params.put(p.name(), vars.parameter(p));
      }
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> fn.call(tf, "f", in, params, false));
      assertEquals("no value for parameters [" + fn.parameters().get(0).name() + "]", e.getMessage());
      params.put(fn.parameters().get(0).name(), vars.parameter(fn.parameters().get(0)));
      params.put("bogus", tf.constant(1f));
      e = assertThrows(IllegalArgumentException.class, () -> fn.call(tf, "f", in, params, false));
      assertEquals("unknown parameters [bogus]", e.getMessage());
    }
  }

  @Test
  void storeNeedsAGraph() {
    try (EagerSession s = EagerSession.create()) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> new FunctionInputParameterStore(Ops.create(s)));
      assertTrue(e.getMessage().startsWith("parameters can only become inputs of a graph"), e.getMessage());
    }
  }
}
