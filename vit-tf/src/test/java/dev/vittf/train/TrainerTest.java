package dev.vittf.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vittf.arch.vit.ViTConfig;
import dev.vittf.core.HostTensor;
import dev.vittf.core.Mode;
import dev.vittf.data.Augmentation;
import dev.vittf.data.Batch;
import dev.vittf.data.BatchLoader;
import dev.vittf.data.DataException;
import dev.vittf.data.ImageDataset;
import dev.vittf.data.Normalization;
import dev.vittf.io.CheckpointSource;
import dev.vittf.io.Checkpoints;
import dev.vittf.io.SafeTensors;
import dev.vittf.models.VitModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerTest {
  @TempDir Path dir;

  /** A tiny ViT with every kind of training randomness switched on. */
  static ViTConfig noisy() {
    return FamilyTrainingTest.tiny28().toBuilder().dropout(0.1).attnDropout(0.1).embDropout(0.1).dropPath(0.2).build();
  }

  static final ImageDataset DATA = SyntheticData.make(48, 28, 28, 1, 10, 21);

  static BatchLoader loader(long seed) {
    return new BatchLoader(DATA, 8, seed, true, true, Normalization.of(DATA), new Augmentation(2, true));
  }

  static TrainConfig config() {
    return TrainConfig.builder().batchSize(8).learningRate(3e-3).warmupSteps(3).weightDecay(0.1).labelSmoothing(0.1)
        .clipNorm(0.5).seed(9).threads(1).build();
  }

  private static List<Float> run(Trainer t, BatchLoader l, int steps) {
    List<Float> losses = new ArrayList<>();
    int per = l.batchesPerEpoch();
    for (int i = 0; i < steps; i++) {
      long s = t.globalStep();
      losses.add(t.step(l.batch((int) (s / per), (int) (s % per))).loss());
    }
    return losses;
  }

  @Test
  void resumingContinuesTheLossCurveExactly() throws IOException {
    int n = 16; // crosses an epoch boundary (6 batches per epoch)
    List<Float> straight;
    Map<String, HostTensor> finalWeights;
    try (Trainer t = Trainer.create(noisy(), config(), n)) {
      straight = run(t, loader(t.seed()), n);
      finalWeights = t.weights();
    }
    List<Float> resumed = new ArrayList<>();
    Path ckpt = dir.resolve("ckpt.safetensors");
    try (Trainer t = Trainer.create(noisy(), config(), n)) {
      resumed.addAll(run(t, loader(t.seed()), n / 2));
      t.save(ckpt, Map.of("note", "half"));
    }
    // a different init seed in the new trainer: the checkpoint must bring back weights, moments, step and seed
    try (Trainer t = Trainer.create(noisy(), config().toBuilder().seed(12345).build(), n)) {
      Map<String, String> meta = t.restore(ckpt);
      assertEquals("half", meta.get("note"));
      assertEquals(n / 2, t.globalStep());
      assertEquals(9, t.seed());
      resumed.addAll(run(t, loader(t.seed()), n / 2));
      Map<String, HostTensor> w = t.weights();
      for (String name : finalWeights.keySet()) {
        assertArrayEquals(finalWeights.get(name).data(), w.get(name).data(), name);
      }
    }
    assertEquals(straight, resumed);
    assertTrue(straight.get(n - 1) < straight.get(0), straight.toString());
  }

  @Test
  void checkpointHoldsWeightsMomentsStepAndSeed() throws IOException {
    Path ckpt = dir.resolve("c.safetensors");
    try (Trainer t = Trainer.create(noisy(), config(), 10)) {
      run(t, loader(t.seed()), 2);
      t.save(ckpt, Map.of());
      SafeTensors.Contents c = SafeTensors.read(ckpt);
      assertEquals("2", c.metadata().get("step"));
      assertEquals("9", c.metadata().get("seed"));
      assertEquals(Trainer.CHECKPOINT_FORMAT, c.metadata().get("format"));
      int params = t.parameters().size();
      assertEquals(3 * params, c.tensors().size());
      assertTrue(c.tensors().containsKey("adamw/m/head/kernel"));
      float[] v = c.tensors().get("adamw/v/head/kernel").data();
      assertTrue(Arrays.stream(toDouble(v)).allMatch(x -> x >= 0) && Arrays.stream(toDouble(v)).anyMatch(x -> x > 0));
    }
    try (Trainer other = Trainer.create(FamilyTrainingTest.tiny28().toBuilder().depth(1).build(), config(), 10)) {
      String m = assertThrows(IllegalArgumentException.class, () -> other.restore(ckpt)).getMessage();
      assertTrue(m.contains("not a training checkpoint of this model") && m.contains("unexpected [") && m.contains("blocks/1/"), m);
    }
  }

  private static double[] toDouble(float[] f) {
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      d[i] = f[i];
    }
    return d;
  }

  @Test
  void trainedWeightsExportToTheCleanInferencePath() throws IOException {
    Path weights = dir.resolve("model.safetensors");
    ImageDataset test = SyntheticData.make(12, 28, 28, 1, 10, 5);
    Normalization norm = Normalization.of(DATA);
    Trainer.Evaluation viaTrainer;
    HostTensor logitsTrainer;
    try (Trainer t = Trainer.create(noisy(), config(), 10)) {
      run(t, loader(t.seed()), 5);
      t.exportWeights(weights);
      viaTrainer = t.evaluate(test, norm, 5);
      Batch b = BatchLoader.evaluation(test, 12, norm).batch(0, 0);
      logitsTrainer = t.inferenceModel().predict(new HostTensor(b.shape(), b.images()));
      assertEquals(Mode.INFERENCE, t.inferenceModel().mode());
    }
    try (VitModel m = VitModel.create(noisy())) {
      Checkpoints.load(m, weights, CheckpointSource.NATIVE);
      Batch b = BatchLoader.evaluation(test, 12, norm).batch(0, 0);
      HostTensor a = m.predict(new HostTensor(b.shape(), b.images()));
      HostTensor again = m.predict(new HostTensor(b.shape(), b.images()));
      assertEquals(0.0, a.maxAbsDiff(again), "inference must be deterministic");
      assertTrue(a.maxAbsDiff(logitsTrainer) < 1e-5, "diff " + a.maxAbsDiff(logitsTrainer));
      Trainer.Evaluation direct = Trainer.evaluate(m, BatchLoader.evaluation(test, 5, norm));
      assertEquals(viaTrainer, direct);
    }
  }

  @Test
  void dropoutIsLiveInTrainingAndReproducibleFromTheKey() {
    Batch b = loader(1).batch(0, 0);
    try (Trainer t = Trainer.create(noisy(), config(), 10)) {
      float a = t.loss(b, 1);
      assertEquals(a, t.loss(b, 1));
      assertNotEquals(a, t.loss(b, 2));
    }
    try (Trainer t = Trainer.create(FamilyTrainingTest.tiny28(), config(), 10)) {
      assertEquals(t.loss(b, 1), t.loss(b, 2), "without dropout the key must not matter");
    }
  }

  @Test
  void rejectsBatchesThatDoNotFitTheModel() {
    try (Trainer t = Trainer.create(noisy(), config(), 10)) {
      Batch wrongSize = new Batch(new float[2 * 32 * 32 * 3], new int[] {0, 1}, 32, 32, 3);
      String m = assertThrows(DataException.class, () -> t.step(wrongSize)).getMessage();
      assertEquals("images are 32x32x3 but the vit model expects 28x28x1 (height x width x channels); resize the data or change the model", m);
      Batch badLabel = new Batch(new float[2 * 28 * 28], new int[] {3, 10}, 28, 28, 1);
      m = assertThrows(DataException.class, () -> t.step(badLabel)).getMessage();
      assertEquals("batch of step 0: label 10 of sample 1 is outside the class range [0, 10)", m);
      assertEquals(0, t.globalStep());
      ImageDataset twelve = ImageDataset.of(28, 28, 1, new byte[784], new int[] {11}, 12);
      m = assertThrows(DataException.class, () -> Trainer.checkCompatible(twelve, noisy(), "training data")).getMessage();
      assertTrue(m.contains("training data (model has numClasses=10): label 11 of sample 0 is outside the class range [0, 10)"), m);
    }
  }

  @Test
  void nonFiniteLossStopsWithTheStep() {
    try (Trainer t = Trainer.create(noisy(), config(), 10)) {
      run(t, loader(t.seed()), 2);
      float[] x = new float[2 * 28 * 28];
      x[5] = Float.NaN;
      NonFiniteLossException e = assertThrows(NonFiniteLossException.class, () -> t.step(new Batch(x, new int[] {0, 1}, 28, 28, 1)));
      assertEquals(2, e.step());
      assertTrue(e.getMessage().startsWith("non-finite loss NaN at step 2"), e.getMessage());
    }
  }
}
