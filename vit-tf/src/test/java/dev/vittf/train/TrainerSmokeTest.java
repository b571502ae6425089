package dev.vittf.train;

import dev.vittf.data.BatchLoader;
import dev.vittf.data.ImageDataset;
import dev.vittf.data.Normalization;
import dev.vittf.data.Augmentation;
import dev.vittf.models.ModelConfig;
import dev.vittf.models.Presets;
import org.junit.jupiter.api.Test;

class TrainerSmokeTest {
  @Test
  void smoke() {
    ModelConfig cfg = Presets.get("vit-tiny");
    ImageDataset d = SyntheticData.make(64, cfg.imageHeight(), cfg.imageWidth(), cfg.channels(), cfg.numClasses(), 1);
    TrainConfig tc = TrainConfig.builder().batchSize(16).learningRate(2e-3).warmupSteps(5).build();
    BatchLoader l = new BatchLoader(d, 16, 0, true, true, Normalization.of(d), Augmentation.NONE);
    long t0 = System.nanoTime();
    try (Trainer t = Trainer.create(cfg, tc, 50)) {
      System.out.println("build ms " + (System.nanoTime() - t0) / 1e6 + " decayed " + t.decayedParameters());
      for (int s = 0; s < 50; s++) {
        long a = System.nanoTime();
        Trainer.StepResult r = t.step(l.batch(s / 4, s % 4));
        System.out.println(r + " ms " + (System.nanoTime() - a) / 1e6);
      }
      System.out.println(t.evaluate(d, Normalization.of(d), 32));
    }
  }
}
