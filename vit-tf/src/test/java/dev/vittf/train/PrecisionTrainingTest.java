package dev.vittf.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vittf.ForceBf16;
import dev.vittf.core.HostTensor;
import dev.vittf.core.Precision;
import dev.vittf.data.Augmentation;
import dev.vittf.data.Batch;
import dev.vittf.data.BatchLoader;
import dev.vittf.data.ImageDataset;
import dev.vittf.data.Normalization;
import dev.vittf.models.ModelConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.tensorflow.GraphOperation;
import org.tensorflow.proto.DataType;

/**
 * bf16 training: bf16 products, float32 master weights, gradients and AdamW state. The bf16 gradients at the same
 * weights agree with float32's, and training on a fixed synthetic task lowers the loss as float32 does.
 */
@ExtendWith(ForceBf16.class)
class PrecisionTrainingTest {
  static final ImageDataset DATA = SyntheticData.make(48, 28, 28, 1, 10, 21);
  static TrainConfig config(Precision p) {
    return TrainConfig.builder().batchSize(8).learningRate(3e-3).warmupSteps(3).weightDecay(0.05).clipNorm(1)
        .seed(4).threads(1).precision(p).build();
  }

  static double relativeL2(float[] a, float[] ref) {
    double num = 0;
    double den = 0;
    for (int i = 0; i < ref.length; i++) {
      num += (a[i] - ref[i]) * (double) (a[i] - ref[i]);
      den += ref[i] * (double) ref[i];
    }
    return Math.sqrt(num / den);
  }

  @Test
  void bf16GradientsMatchFloat32AndWeightsStayFloat32() {
    ModelConfig model = FamilyTrainingTest.tiny28();
    BatchLoader l = new BatchLoader(DATA, 8, 4, false, false, Normalization.of(DATA), Augmentation.NONE);
    Batch b = l.batch(0, 0);
    List<String> names = List.of("blocks/0/attn/qkv/kernel", "blocks/0/mlp/fc1/kernel", "head/kernel", "patch_embed/proj/kernel");
    try (Trainer f = Trainer.create(model, config(Precision.FP32), 10);
        Trainer h = Trainer.create(model, config(Precision.BF16), 10)) {
      assertEquals(Precision.BF16, h.modelGraph().precision());
      h.loadWeights(f.weights());
      Map<String, HostTensor> gf = f.gradients(b, 0, names);
      Map<String, HostTensor> gh = h.gradients(b, 0, names);
      for (String n : names) {
        double err = relativeL2(gh.get(n).data(), gf.get(n).data());
        assertTrue(err < 5e-2, n + ": bf16 gradient relative L2 error " + err);
        assertTrue(err > 0, n + ": bf16 gradient equals float32's: not bf16");
      }
      float lf = f.loss(b, 0);
      float lh = h.loss(b, 0);
      assertEquals(lf, lh, 2e-2 * Math.abs(lf), "loss at the same weights");
      int bf16MatMuls = 0;
      for (var it = h.graph().operations(); it.hasNext(); ) {
        GraphOperation op = it.next();
        if (op.type().equals("VariableV2")) {
          assertEquals(DataType.DT_FLOAT, op.attributes().getAttrType("dtype"), op.name() + ": master weights and AdamW state");
        }
        if (op.type().equals("MatMul") && op.attributes().getAttrType("T") == DataType.DT_BFLOAT16) {
          bf16MatMuls++;
        }
      }
      assertTrue(bf16MatMuls > 0, "no bf16 MatMul in the training graph");
    }
  }

  @Test
  void bf16TrainingLowersTheLossLikeFloat32() {
    ModelConfig model = FamilyTrainingTest.tiny28();
    float[] last = new float[2];
    float first = 0;
    int k = 0;
    for (Precision p : List.of(Precision.FP32, Precision.BF16)) {
      try (Trainer t = Trainer.create(model, config(p), 30)) {
        BatchLoader l = new BatchLoader(DATA, 8, t.seed(), true, true, Normalization.of(DATA), Augmentation.NONE);
        Batch probe = l.batch(0, 0);
        if (k == 0) {
          first = t.loss(probe, 0);
        }
        for (int s = 0; s < 30; s++) {
          t.step(l.batch(s / l.batchesPerEpoch(), s % l.batchesPerEpoch()));
        }
        last[k++] = t.loss(probe, 0);
      }
    }
    assertTrue(last[0] < 0.85 * first, "float32 loss " + first + " -> " + last[0]);
    assertTrue(last[1] < 0.85 * first, "bf16 loss " + first + " -> " + last[1]);
    assertEquals(last[0], last[1], 0.1 * last[0], "bf16 and float32 loss after 30 steps");
  }
}
