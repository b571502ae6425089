package dev.vittf.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vittf.arch.vit.ViTConfig;
import dev.vittf.data.DataException;
import dev.vittf.data.ImageDataset;
import dev.vittf.io.CheckpointSource;
import dev.vittf.io.Checkpoints;
import dev.vittf.models.VitModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FitTest {
  @TempDir Path dir;

  static final ImageDataset TRAIN = SyntheticData.make(48, 28, 28, 1, 10, 1);
  static final ImageDataset TEST = SyntheticData.make(20, 28, 28, 1, 10, 2);

  static TrainConfig config(int epochs) {
    return TrainConfig.builder().epochs(epochs).batchSize(8).learningRate(3e-3).warmupSteps(4).seed(4).threads(1).build();
  }

  @Test
  void writesCheckpointsWeightsAndMetricsAndResumes() throws IOException {
    ViTConfig cfg = FamilyTrainingTest.tiny28();
    List<Long> steps = new ArrayList<>();
    List<Integer> historySizes = new ArrayList<>();
    Fit.Listener l = new Fit.Listener() {
      @Override
      public void stepped(Trainer.StepResult r, int epoch) {
        steps.add(r.step());
      }

      @Override
      public void epochEnded(EpochRecord rec, List<EpochRecord> history, Path outputDir) throws IOException {
        // Called once the epoch's files are on disk, with the whole history so far.
        assertEquals(dir, outputDir);
        assertEquals(rec, history.get(history.size() - 1));
        assertTrue(Files.size(outputDir.resolve(Fit.WEIGHTS)) > 0);
        historySizes.add(history.size());
      }
    };
    Fit.Result r = Fit.run(cfg, config(3), TRAIN, TEST, dir, false, l);
    assertEquals(3, r.history().size());
    assertEquals(18, r.last().step());
    assertEquals(18, steps.size());
    assertTrue(r.last().trainLoss() < r.history().get(0).trainLoss());
    assertEquals(List.of(1, 2, 3), historySizes);
    for (String f : List.of(Fit.CHECKPOINT, Fit.WEIGHTS, Fit.METRICS)) {
      assertTrue(Files.size(dir.resolve(f)) > 0, f);
    }
    List<String> csv = Files.readAllLines(dir.resolve(Fit.METRICS));
    assertEquals(4, csv.size());
    assertTrue(csv.get(3).startsWith("3,18,"), csv.get(3));
    try (VitModel m = VitModel.create(cfg)) {
      Checkpoints.load(m, dir.resolve(Fit.WEIGHTS), CheckpointSource.NATIVE);
      double acc = Trainer.evaluate(m, dev.vittf.data.BatchLoader.evaluation(TEST, 7, dev.vittf.data.Normalization.of(TRAIN))).accuracy();
      assertEquals(r.last().testAccuracy(), acc, 1e-12);
    }

    // resume with more epochs: continues at step 18, history carries over
    steps.clear();
    Fit.Result more = Fit.run(cfg, config(4), TRAIN, TEST, dir, true, l);
    assertEquals(4, more.history().size());
    assertEquals(r.history(), more.history().subList(0, 3));
    assertEquals(18L, steps.get(0));
    assertEquals(6, steps.size());
  }

  @Test
  void nonFiniteLossKeepsTheLastGoodCheckpoint() throws IOException {
    ViTConfig cfg = FamilyTrainingTest.tiny28();
    Fit.run(cfg, config(1), TRAIN, TEST, dir, false, new Fit.Listener() {});
    byte[] before = Files.readAllBytes(dir.resolve(Fit.CHECKPOINT));
    TrainConfig explode = config(3).toBuilder().learningRate(1e30).minLearningRate(1e30).warmupSteps(0).clipNorm(0).build();
    NonFiniteLossException e = assertThrows(NonFiniteLossException.class,
        () -> Fit.run(cfg, explode, TRAIN, TEST, dir, true, new Fit.Listener() {}));
    assertTrue(e.step() >= 6, "step " + e.step());
    String m = e.getMessage();
    assertTrue(m.contains("at step " + e.step()) && m.contains("the last good checkpoint is " + dir.resolve(Fit.CHECKPOINT) + " (step 6)"), m);
    assertArrayEquals(before, Files.readAllBytes(dir.resolve(Fit.CHECKPOINT)));
  }

  @Test
  void dataThatDoesNotFitTheModelIsRejectedBeforeTraining() {
    ImageDataset rgb = SyntheticData.make(16, 32, 32, 3, 10, 1);
    String m = assertThrows(DataException.class, () -> Fit.run(FamilyTrainingTest.tiny28(), config(1), rgb, TEST, dir, false,
        new Fit.Listener() {})).getMessage();
    assertTrue(m.startsWith("training data: images are 32x32x3 but the vit model expects 28x28x1"), m);
    ImageDataset few = SyntheticData.make(4, 28, 28, 1, 10, 1);
    m = assertThrows(DataException.class, () -> Fit.run(FamilyTrainingTest.tiny28(), config(1), few, TEST, dir, false,
        new Fit.Listener() {})).getMessage();
    assertTrue(m.contains("fewer than one batch of 8"), m);
  }
}
