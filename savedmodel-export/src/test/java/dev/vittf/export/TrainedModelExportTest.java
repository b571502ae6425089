package dev.vittf.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vittf.core.HostTensor;
import dev.vittf.data.Augmentation;
import dev.vittf.data.Batch;
import dev.vittf.data.BatchLoader;
import dev.vittf.data.ImageDataset;
import dev.vittf.data.Normalization;
import dev.vittf.io.CheckpointSource;
import dev.vittf.models.ModelConfig;
import dev.vittf.models.Presets;
import dev.vittf.train.TrainConfig;
import dev.vittf.train.Trainer;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A trained model goes to TensorFlow Serving through the clean inference path: train a few steps,
 * export the weights (our names), export a SavedModel from that checkpoint, load it, and get the
 * trainer's own inference logits.
 */
class TrainedModelExportTest {
  @TempDir Path dir;

  @Test
  void trainedWeightsServeTheSameLogits() throws Exception {
    ModelConfig config = Presets.get("vit-tiny");
    Random r = new Random(3);
    int n = 32;
    byte[] pixels = new byte[n * 32 * 32 * 3];
    r.nextBytes(pixels);
    int[] labels = r.ints(n, 0, 10).toArray();
    ImageDataset data = ImageDataset.of(32, 32, 3, pixels, labels, 10);
    Normalization norm = Normalization.of(data);
    TrainConfig tc = TrainConfig.builder().epochs(1).batchSize(8).learningRate(1e-3).seed(5).build();
    BatchLoader loader = new BatchLoader(data, 8, 5, true, true, norm, Augmentation.NONE);
    Path weights = dir.resolve("model.safetensors");
    HostTensor expected;
    Batch eval = BatchLoader.evaluation(data, n, norm).batch(0, 0);
    HostTensor images = new HostTensor(eval.shape(), eval.images());
    HostTensor initial;
    try (Trainer t = Trainer.create(config, tc, 4)) {
      t.evaluate(data, norm, n); // copies the current weights into the inference model
      initial = t.inferenceModel().predict(images);
      for (int i = 0; i < 4; i++) {
        t.step(loader.batch(0, i));
      }
      t.exportWeights(weights);
      t.evaluate(data, norm, n);
      expected = t.inferenceModel().predict(images);
    }
    assertTrue(expected.maxAbsDiff(initial) > 1e-4, "training must have changed the model");
    SavedModelExporter.Result result = SavedModelExporter.export(
        config, Weights.checkpoint(weights, CheckpointSource.NATIVE), dir.resolve("serving"), ExportOptions.defaults());
    try (ServingModel served = ServingModel.load(result.directory())) {
      HostTensor logits = served.predict(images).get("logits");
      assertArrayEquals(expected.shape(), logits.shape());
      assertTrue(logits.maxAbsDiff(expected) <= 1e-5, "served vs trained: " + logits.maxAbsDiff(expected));
    }
  }
}
