package dev.vittf.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vittf.RandomWeights;
import dev.vittf.core.HostTensor;
import dev.vittf.core.Mode;
import dev.vittf.core.ParameterSpec;
import dev.vittf.core.ScanFreeScope;
import dev.vittf.io.CheckpointSource;
import dev.vittf.io.Checkpoints;
import dev.vittf.train.TrainConfig;
import dev.vittf.train.Trainer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.GraphOperation;

/**
 * Every entry point builds its model through {@link ModelGraph}, with the scan-free scope (a fallback to
 * {@code Ops.create} would make ModelGraph refuse to build, and the entry points that expose their build
 * report the scope class), and a model given weights never runs, or even builds, a random initialiser.
 * The exporter's two entry points are tested in the savedmodel-export module (SavedModelEntryPointsTest);
 * {@code bench} builds through {@link VitModel}.
 */
class ModelGraphTest {
  private static final ModelConfig TINY = Presets.get("vit-tiny");

  @Test
  void everyEntryPointBuildsWithTheScanFreeScope() {
    try (VitModel m = VitModel.create(TINY)) {
      assertEquals(ScanFreeScope.class, m.modelGraph().scopeType());
    }
    try (VitModel m = VitModel.create(TINY, RandomWeights.of(TINY, 1))) {
      assertEquals(ScanFreeScope.class, m.modelGraph().scopeType());
    }
    try (Trainer t = Trainer.create(TINY, TrainConfig.builder().batchSize(2).build(), 1)) {
      assertEquals(ScanFreeScope.class, t.modelGraph().scopeType());
      assertEquals(Mode.TRAINING, t.modelGraph().mode());
    }
    try (ModelFunction fn = ModelFunction.create(TINY)) {
      assertEquals(ScanFreeScope.class, fn.scopeType());
    }
    // These two return values only: they succeed because ModelGraph refuses any other scope.
    HostTensor logits = EagerRunner.forward(TINY, Map.of(), 0, Mode.INFERENCE, HostTensor.zeros(1, 32, 32, 3)).get(Network.LOGITS);
    assertEquals(List.of(1L, 10L), List.of(logits.dim(0), logits.dim(1)));
    assertEquals(81_354L, ModelParameters.count(TINY));
  }

  @Test
  void buildResultHoldsInputOutputsParametersAndFlops() {
    try (VitModel m = VitModel.create(TINY)) {
      ModelGraph g = m.modelGraph();
      assertEquals(ModelGraph.IMAGES, g.images().op().name());
      assertTrue(g.outputNames().containsAll(List.of("logits", "pooled", "tokens", "blocks/0/attn/probs")), g.outputNames().toString());
      assertEquals(ModelParameters.of(TINY), g.parameters().parameters());
      assertEquals(TINY.network().flopsPerImage(), g.flopsPerImage());
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> g.output("nope"));
      assertTrue(e.getMessage().contains("available"), e.getMessage());
    }
  }

  @Test
  void aModelBuiltFromWeightsHasNoInitialiserAndPredictsWithThem() {
    Map<String, HostTensor> weights = RandomWeights.of(TINY, 3);
    HostTensor x = RandomWeights.images(4, 2, 32, 32, 3);
    try (VitModel m = VitModel.create(TINY, weights)) {
      List<String> random = new ArrayList<>();
      m.graph().operations().forEachRemaining((GraphOperation op) -> {
        if (op.type().startsWith("Stateless") || op.type().startsWith("Random") || op.name().endsWith("/Assign")) {
          random.add(op.name() + " " + op.type());
        }
      });
      assertEquals(List.of(), random);
      assertTrue(m.predict(x).maxAbsDiff(EagerRunner.logits(TINY, weights, x)) < 1e-5);
      assertFalse(m.ranInitializers());
      assertEquals(weights.keySet(), m.weights().keySet());
    }
  }

  @Test
  void loadingACheckpointSkipsTheRandomInitialisers(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("w.safetensors");
    HostTensor x = RandomWeights.images(5, 2, 32, 32, 3);
    HostTensor expected;
    try (VitModel seeded = VitModel.create(TINY, 9)) {
      expected = seeded.predict(x);
      assertTrue(seeded.ranInitializers());
      Checkpoints.save(seeded, file);
    }
    try (VitModel fresh = VitModel.create(TINY, 1)) {
      Checkpoints.load(fresh, file, CheckpointSource.NATIVE);
      assertEquals(0, fresh.predict(x).maxAbsDiff(expected));
      assertFalse(fresh.ranInitializers());
    }
    try (VitModel direct = Checkpoints.model(file, TINY, CheckpointSource.NATIVE)) {
      assertEquals(0, direct.predict(x).maxAbsDiff(expected));
      assertFalse(direct.ranInitializers());
    }
  }

  @Test
  void strictLoadingStillReportsEveryProblem() {
    Map<String, HostTensor> weights = new java.util.HashMap<>(RandomWeights.of(TINY, 3));
    ParameterSpec first = ModelParameters.of(TINY).get(0);
    weights.remove(first.name());
    weights.put("extra/kernel", HostTensor.zeros(1));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> VitModel.create(TINY, weights));
    assertTrue(e.getMessage().contains("missing [" + first.name() + "]") && e.getMessage().contains("unexpected [extra/kernel]"),
        e.getMessage());
    try (VitModel empty = VitModel.createWithoutInitializers(TINY, VitModel.Options.defaults())) {
      IllegalStateException s = assertThrows(IllegalStateException.class, () -> empty.predict(HostTensor.zeros(1, 32, 32, 3)));
      assertTrue(s.getMessage().contains("no initialisers"), s.getMessage());
    }
  }
}
