package dev.vittf.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vittf.core.HostTensor;
import dev.vittf.data.Augmentation;
import dev.vittf.data.BatchLoader;
import dev.vittf.data.ImageDataset;
import dev.vittf.data.Normalization;
import dev.vittf.models.ModelConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code freeze} leaves exactly the frozen parameters unchanged through training steps, and {@code layerDecay}
 * scales each parameter's learning rate by {@code decay^(L + 1 - layer)}: checked on the first AdamW step, whose
 * update of every element is {@code lr · sign(g)} (Adam's bias-corrected first step), so the largest change of
 * each tensor is its learning rate.
 */
class FreezeAndLayerDecayTest {
  private static final ModelConfig MODEL = FamilyTrainingTest.tiny28(); // depth 2
  private static final ImageDataset DATA = SyntheticData.make(16, 28, 28, 1, 10, 4);

  private record BeforeAfter(Map<String, HostTensor> before, Map<String, HostTensor> after) {}

  private static BeforeAfter train(TrainConfig tc, int steps) {
    Normalization norm = Normalization.of(DATA);
    BatchLoader loader = new BatchLoader(DATA, 8, tc.seed(), true, true, norm, Augmentation.NONE);
    try (Trainer t = Trainer.create(MODEL, tc, steps)) {
      Map<String, HostTensor> before = t.weights();
      for (int i = 0; i < steps; i++) {
        t.step(loader.batch(i / 2, i % 2));
      }
      return new BeforeAfter(before, t.weights());
    }
  }

  private static TrainConfig.Builder base() {
    return TrainConfig.builder().batchSize(8).learningRate(1e-2).minLearningRate(1e-2).warmupSteps(0).weightDecay(0.05)
        .clipNorm(0).seed(3);
  }

  @Test
  void frozenParametersDoNotChange() {
    for (Freeze f : List.of(Freeze.HEAD, Freeze.ATTENTION, Freeze.NONE)) {
      BeforeAfter w = train(base().freeze(f).build(), 3);
      int changed = 0;
      for (String name : w.before().keySet()) {
        boolean same = w.before().get(name).maxAbsDiff(w.after().get(name)) == 0;
        if (f.trains(name)) {
          assertFalse(same, f + ": trained parameter " + name + " did not change");
          changed++;
        } else {
          assertArrayEquals(w.before().get(name).data(), w.after().get(name).data(), f + ": frozen parameter " + name + " changed");
        }
      }
      long expected = w.before().keySet().stream().filter(f::trains).count();
      assertEquals(expected, changed);
      if (f == Freeze.HEAD) {
        assertEquals(List.of("head/bias", "head/kernel"), w.before().keySet().stream().filter(f::trains).sorted().toList());
      }
      if (f == Freeze.ATTENTION) {
        assertTrue(f.trains("blocks/1/attn/qkv/kernel") && f.trains("blocks/0/attn/proj/bias") && f.trains("head/kernel"));
        assertFalse(f.trains("blocks/0/mlp/fc1/kernel") || f.trains("blocks/0/norm1/scale") || f.trains("pos_embed")
            || f.trains("patch_embed/proj/kernel") || f.trains("norm/scale"));
        assertTrue(w.before().keySet().stream().anyMatch(n -> n.contains("/attn/")), w.before().keySet().toString());
      }
    }
  }

  @Test
  void trainerReportsWhatTrains() {
    try (Trainer t = Trainer.create(MODEL, base().freeze(Freeze.HEAD).build(), 1)) {
      assertEquals(List.of("head/kernel", "head/bias"), List.copyOf(t.trainedParameters().keySet()));
      assertEquals(List.of("head/kernel"), t.decayedParameters());
    }
  }

  @Test
  void decayedLearningRatesFollowTheFormula() {
    double decay = 0.5;
    double lr = 1e-2;
    // weight decay off: the first step is then exactly the Adam step lr_p * g / (|g| + eps')
    BeforeAfter w = train(base().weightDecay(0).layerDecay(decay).build(), 1);
    int depth = 2;
    Map<String, Integer> layers = Map.of("patch_embed/", 0, "pos_embed", 0, "blocks/0/", 1, "blocks/1/", 2, "norm/", depth + 1,
        "head/", depth + 1);
    int checked = 0;
    for (String name : w.before().keySet()) {
      Integer layer = layers.entrySet().stream().filter(e -> name.startsWith(e.getKey())).map(Map.Entry::getValue).findFirst()
          .orElse(null);
      if (layer == null) {
        continue;
      }
      double want = lr * Math.pow(decay, depth + 1 - layer);
      float[] a = w.before().get(name).data();
      float[] b = w.after().get(name).data();
      double max = 0;
      for (int i = 0; i < a.length; i++) {
        max = Math.max(max, Math.abs(b[i] - a[i]));
      }
      assertEquals(want, max, want * 2e-3, name + ": largest first-step change " + max + ", expected lr * " + decay + "^"
          + (depth + 1 - layer) + " = " + want);
      checked++;
    }
    assertTrue(checked >= 10, "checked " + checked + " tensors");
    try (Trainer t = Trainer.create(MODEL, base().layerDecay(decay).build(), 1)) {
      assertEquals(Math.pow(decay, 3), t.trainedParameters().get("pos_embed"), 1e-12);
      assertEquals(Math.pow(decay, 2), t.trainedParameters().get("blocks/0/attn/qkv/kernel"), 1e-12);
      assertEquals(1.0, t.trainedParameters().get("head/kernel"), 1e-12);
    }
  }

  @Test
  void badSettingsAreRejected() {
    String m = assertThrows(dev.vittf.core.InvalidConfigException.class, () -> base().layerDecay(0).build()).getMessage();
    assertTrue(m.contains("layerDecay") && m.contains("(0, 1]"), m);
    assertThrows(dev.vittf.core.InvalidConfigException.class, () -> base().layerDecay(1.5).build());
  }
}
