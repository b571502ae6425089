package dev.vittf.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vittf.Fixtures;
import dev.vittf.ForceBf16;
import dev.vittf.data.Batch;
import dev.vittf.data.BatchLoader;
import dev.vittf.data.Idx;
import dev.vittf.data.ImageDataset;
import dev.vittf.data.Normalization;
import dev.vittf.io.CheckpointSource;
import dev.vittf.io.Checkpoints;
import dev.vittf.io.SafeTensors;
import dev.vittf.models.ModelConfig;
import dev.vittf.models.VitModel;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The Fashion-MNIST part of the bf16 accuracy contract (docs/precision.md): the trained {@code vit-fmnist-96}
 * in {@code fixtures/fashion_mnist/} (the README recipe, trained with {@code --precision bf16}), evaluated on the
 * first 4,000 Fashion-MNIST test images (what fits the fixture's size limit; docs/precision.md has the full set)
 * in float32 and in bf16: accuracies within 0.3 points, top-1 agreement at least 99%.
 */
@ExtendWith(ForceBf16.class)
class FashionMnistPrecisionTest {

  @Test
  void bf16EvaluationKeepsFloat32AccuracyAndPredictions() throws Exception {
    Path dir = Fixtures.dir().resolve("fashion_mnist");
    Path checkpoint = dir.resolve("model.safetensors");
    ImageDataset test = Idx.load(dir.resolve("test-first4000-images-idx3-ubyte.gz"), dir.resolve("test-first4000-labels-idx1-ubyte.gz"),
        Idx.FASHION_MNIST_CLASSES);
    ModelConfig config = Checkpoints.config(checkpoint).orElseThrow();
    // The eval normalisation training recorded (Fashion-MNIST's training-set mean and std; the pipeline lists
    // them per RGB channel, the grey model reads the first).
    JsonNode pipeline = new ObjectMapper().readTree(SafeTensors.read(checkpoint).metadata().get(Checkpoints.PREPROCESSING))
        .get("vit_tf_pipeline");
    Normalization norm = new Normalization(new float[] {(float) pipeline.get("mean").get(0).asDouble()},
        new float[] {(float) pipeline.get("std").get(0).asDouble()});

    int[] fp32 = predictions(checkpoint, config, Precision.FP32, test, norm);
    int[] bf16 = predictions(checkpoint, config, Precision.BF16, test, norm);
    assertEquals(test.size(), fp32.length);
    double fp32Accuracy = accuracy(fp32, test);
    double bf16Accuracy = accuracy(bf16, test);
    int agree = 0;
    for (int i = 0; i < fp32.length; i++) {
      agree += fp32[i] == bf16[i] ? 1 : 0;
    }
    double agreement = (double) agree / fp32.length;
    String summary = String.format("fp32 %.2f%%, bf16 %.2f%%, top-1 agreement %.2f%%", 100 * fp32Accuracy,
        100 * bf16Accuracy, 100 * agreement);
    System.out.println("Fashion-MNIST vit-fmnist-96: " + summary);
    // The fixture is the trained model, not some checkpoint (its training run reached 89.82%, see the fixture
    // README; bf16 kernels differ between CPUs, so this check leaves them room).
    assertTrue(fp32Accuracy >= 0.89 && bf16Accuracy >= 0.89, "fixture model is not the trained one: " + summary);
    assertTrue(Math.abs(bf16Accuracy - fp32Accuracy) <= 0.003, "bf16 accuracy off by more than 0.3 points: " + summary);
    assertTrue(agreement >= 0.99, "bf16 top-1 agreement below 99%: " + summary);
  }

  private static int[] predictions(Path checkpoint, ModelConfig config, Precision precision, ImageDataset data,
      Normalization norm) throws Exception {
    VitModel.Options options = VitModel.Options.defaults().withPrecision(precision);
    try (VitModel model = Checkpoints.model(checkpoint, config, CheckpointSource.NATIVE, options)) {
      assertEquals(precision, model.precision());
      BatchLoader loader = BatchLoader.evaluation(data, 500, norm);
      int[] out = new int[data.size()];
      int n = 0;
      for (int b = 0; b < loader.batchesPerEpoch(); b++) {
        Batch batch = loader.batch(0, b);
        int[] predicted = model.predict(new HostTensor(batch.shape(), batch.images())).argmaxRows();
        System.arraycopy(predicted, 0, out, n, batch.size());
        n += batch.size();
      }
      return Arrays.copyOf(out, n);
    }
  }

  private static double accuracy(int[] predicted, ImageDataset data) {
    int correct = 0;
    for (int i = 0; i < predicted.length; i++) {
      correct += predicted[i] == data.label(i) ? 1 : 0;
    }
    return (double) correct / predicted.length;
  }
}
