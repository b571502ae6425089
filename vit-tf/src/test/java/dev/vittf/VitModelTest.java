package dev.vittf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vittf.arch.vit.ViTConfig;
import dev.vittf.core.HostTensor;
import dev.vittf.core.Mode;
import dev.vittf.models.EagerRunner;
import dev.vittf.models.ModelParameters;
import dev.vittf.models.Network;
import dev.vittf.models.Presets;
import dev.vittf.models.VitModel;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.tensorflow.GraphOperation;
import org.tensorflow.Result;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/** The user-facing model object: prediction, named outputs, strict weights, modes, memory. */
class VitModelTest {
  private static final ViTConfig TINY = ViTConfig.tiny();

  static HostTensor images(int batch, ViTConfig c, long seed) {
    return TorchViTReference.normal(new Random(seed), 1, batch, c.imageHeight(), c.imageWidth(), c.channels());
  }

  @Test
  void rejectsWrongInputShapesWithAClearMessage() {
    try (VitModel model = VitModel.create(TINY)) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> model.predict(HostTensor.zeros(1, 32, 30, 3)));
      assertEquals("input must be NHWC [batch>=1, 32, 32, 3], got [1, 32, 30, 3]", e.getMessage());
      assertThrows(IllegalArgumentException.class, () -> model.predict(HostTensor.zeros(32, 32, 3)));
      assertThrows(IllegalArgumentException.class, () -> model.predict(HostTensor.zeros(0, 32, 32, 3)));
      assertThrows(IllegalArgumentException.class, () -> model.predict(new float[2][32][32][1]));
      try (TFloat32 t = TFloat32.tensorOf(Shape.of(1, 16, 16, 3))) {
        assertThrows(IllegalArgumentException.class, () -> model.predict(t));
      }
    }
    assertThrows(IllegalArgumentException.class,
        () -> EagerRunner.logits(TINY, Map.of(), HostTensor.zeros(1, 32, 32, 4)));
  }

  @Test
  void everyPredictFlavourAgreesAndBatchesAreIndependent() {
    HostTensor x = images(3, TINY, 1);
    try (VitModel model = VitModel.create(TINY, 5)) {
      HostTensor a = model.predict(x);
      assertArrayEquals(new long[] {3, 10}, a.shape());
      float[][][][] arr = new float[3][32][32][3];
      for (int i = 0; i < x.size(); i++) {
        arr[i / 3072][(i / 96) % 32][(i / 3) % 32][i % 3] = x.data()[i];
      }
      float[][] b = model.predict(arr);
      try (TFloat32 in = x.toTensor(); TFloat32 out = model.predict(in)) {
        HostTensor c = HostTensor.of(out);
        assertEquals(0.0, a.maxAbsDiff(c));
      }
      for (int n = 0; n < 3; n++) {
        assertArrayEquals(a.row(n), b[n]);
      }
      // image 1 alone gives the same logits as inside the batch
      HostTensor one = new HostTensor(new long[] {1, 32, 32, 3}, java.util.Arrays.copyOfRange(x.data(), 3072, 6144));
      assertArrayEquals(a.row(1), model.predict(one).row(0), 1e-5f);
    }
  }

  @Test
  void namedOutputsHaveTheDocumentedShapes() {
    HostTensor x = images(2, TINY, 2);
    try (VitModel model = VitModel.create(TINY)) {
      assertTrue(model.outputNames().containsAll(Set.of("tokens", "pooled", "logits", "blocks/0/attn/probs", "blocks/1/attn/probs")),
          model.outputNames().toString());
      Map<String, HostTensor> out = model.run(x, "tokens", "pooled", "blocks/1/attn/probs", "logits");
      assertArrayEquals(new long[] {2, 17, 64}, out.get("tokens").shape());
      assertArrayEquals(new long[] {2, 64}, out.get("pooled").shape());
      HostTensor probs = out.get("blocks/1/attn/probs");
      assertArrayEquals(new long[] {2, 4, 17, 17}, probs.shape());
      for (int row = 0; row < 2 * 4 * 17; row++) {
        double s = 0;
        for (int j = 0; j < 17; j++) {
          s += probs.data()[row * 17 + j];
        }
        assertEquals(1.0, s, 1e-5);
      }
      // pooled (cls pool) is token 0 of the normalised tokens
      for (int d = 0; d < 64; d++) {
        assertEquals(out.get("tokens").data()[d], out.get("pooled").data()[d]);
      }
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> model.run(x, "nope"));
      assertTrue(e.getMessage().startsWith("unknown output 'nope'; available: ["), e.getMessage());
    }
  }

  @Test
  void weightLoadingIsStrict() {
    try (VitModel model = VitModel.create(TINY)) {
      Map<String, HostTensor> w = new HashMap<>(model.weights());
      w.remove("head/bias");
      IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> model.loadWeights(w));
      assertEquals("weights do not match the model: missing [head/bias]", missing.getMessage());
      w.put("head/bias", HostTensor.zeros(11));
      IllegalArgumentException shape = assertThrows(IllegalArgumentException.class, () -> model.loadWeights(w));
      assertEquals("cannot assign weights: 'head/bias' has shape [11], expected [10]", shape.getMessage());
      w.put("head/bias", HostTensor.zeros(10));
      w.put("extra", HostTensor.zeros(1));
      assertThrows(IllegalArgumentException.class, () -> model.loadWeights(w));
    }
  }

  @Test
  void graphAndEagerGiveTheSameLogitsForTheSameWeights() {
    ViTConfig rect = TINY.toBuilder().imageSize(24, 40).patchSize(8, 10).heads(3).dimHead(12).build();
    for (ViTConfig c : new ViTConfig[] {TINY, rect}) {
      HostTensor x = images(3, c, 3);
      HostTensor graph;
      try (VitModel model = VitModel.create(c, 11)) {
        graph = model.predict(x);
      }
      // eager with the same seed (deterministic initialisation) and no explicit weights
      HostTensor eager = EagerRunner.forward(c, Map.of(), 11, Mode.INFERENCE, x).get(Network.LOGITS);
      assertTrue(graph.maxAbsDiff(eager) <= 1e-5, "graph vs eager " + graph.maxAbsDiff(eager));
    }
  }

  @Test
  void inferenceGraphsHaveNoRandomOps() {
    ViTConfig withDropout = TINY.toBuilder().dropout(0.3).embDropout(0.2).attnDropout(0.1).dropPath(0.2).build();
    try (VitModel model = VitModel.create(withDropout)) {
      Set<String> types = opTypes(model);
      assertTrue(types.stream().noneMatch(t -> t.contains("Random")), types.toString());
      HostTensor x = images(2, withDropout, 4);
      assertEquals(0.0, model.predict(x).maxAbsDiff(model.predict(x)));
    }
  }

  @Test
  void trainingGraphsDrawFreshRandomnessUnlessTheKeyIsFed() {
    ViTConfig withDropout = TINY.toBuilder().dropout(0.3).embDropout(0.2).attnDropout(0.1).dropPath(0.2).build();
    try (VitModel model = VitModel.create(withDropout, new VitModel.Options(Mode.TRAINING, 0, null))) {
      Set<String> types = opTypes(model);
      assertTrue(types.contains("StatelessRandomUniform") && types.contains("RandomUniformInt"), types.toString());
      HostTensor x = images(2, withDropout, 4);
      assertTrue(model.predict(x).maxAbsDiff(model.predict(x)) > 1e-3, "two training runs must differ");
      GraphOperation key = model.graph().operation("rng_key");
      float[] first = runWithKey(model, x, key, 42);
      float[] second = runWithKey(model, x, key, 42);
      float[] other = runWithKey(model, x, key, 43);
      assertArrayEquals(first, second);
      assertTrue(!java.util.Arrays.equals(first, other));
    }
  }

  private static float[] runWithKey(VitModel model, HostTensor x, GraphOperation key, long step) {
    try (TFloat32 in = x.toTensor();
        TInt64 k = TInt64.vectorOf(7, step);
        Result r = model.session().runner().feed(model.input(), in).feed(key.output(0), k)
            .fetch(model.output("logits")).run()) {
      return HostTensor.of((TFloat32) r.get(0)).data();
    }
  }

  private static Set<String> opTypes(VitModel model) {
    Set<String> types = new TreeSet<>();
    model.graph().operations().forEachRemaining(op -> types.add(op.type()));
    return types;
  }

  @Test
  void presetParameterCountsMatchThePapers() {
    // ViT/DeiT papers and timm: Ti 5.7M, S 22.1M, B 86.6M, L 304.3M (1000 classes, 224x224, patch 16)
    assertEquals(5_717_416L, ModelParameters.count(Presets.get("vit-ti16")));
    assertEquals(22_050_664L, ModelParameters.count(Presets.get("vit-s16")));
    assertEquals(86_567_656L, ModelParameters.count(Presets.get("vit-b16")));
    assertEquals(304_326_632L, ModelParameters.count(Presets.get("vit-l16")));
  }

  @Test
  void configsRoundTripThroughTheirBuilders() {
    ViTConfig c = TINY.toBuilder().imageSize(24, 40).patchSize(8, 10).channels(1).numClasses(3).dim(30).depth(3)
        .heads(5).dimHead(7).mlpDim(11).pool(dev.vittf.models.Pool.MEAN).classToken(false)
        .embedding(dev.vittf.blocks.PatchEmbedding.Style.CONV).qkvBias(true).normEps(1e-6)
        .finalNorm(dev.vittf.models.NormPlacement.POOLED).dropout(0.1).embDropout(0.2).attnDropout(0.3)
        .dropPath(0.4).layerScaleInit(1e-5).build();
    assertEquals(c, c.toBuilder().build());
    assertEquals(c.hashCode(), c.toBuilder().build().hashCode());
    assertTrue(!c.equals(TINY));
  }

  // Native-memory leaks over repeated runs and model lifecycles: dev.vittf.models.SoakTest, in a child
  // JVM with a fixed, pre-touched heap (here, RSS also grows while the collector first touches heap pages).

}
