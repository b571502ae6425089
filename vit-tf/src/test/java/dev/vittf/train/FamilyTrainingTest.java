package dev.vittf.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vittf.arch.vit.ViTConfig;
import dev.vittf.core.HostTensor;
import dev.vittf.core.ParameterRole;
import dev.vittf.core.ParameterSpec;
import dev.vittf.data.Augmentation;
import dev.vittf.data.Batch;
import dev.vittf.data.BatchLoader;
import dev.vittf.data.ImageDataset;
import dev.vittf.data.Normalization;
import dev.vittf.models.ModelConfig;
import dev.vittf.models.Presets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Per-family training tests, over every {@code -tiny} preset registered in {@link Presets} (so new
 * families are covered as soon as they register one) plus a tiny ViT at Fashion-MNIST's 28x28x1.
 */
class FamilyTrainingTest {
  private static final int STEPS = 100;

  static ViTConfig tiny28() {
    return ViTConfig.builder().imageSize(28).patchSize(7).channels(1).numClasses(10).dim(32).depth(2).heads(2).dimHead(16)
        .mlpDim(64).build();
  }

  static Stream<String> tinyPresets() {
    return Stream.concat(Presets.all().keySet().stream().filter(n -> n.endsWith("-tiny")), Stream.of("tiny28"));
  }

  static ModelConfig config(String name) {
    return name.equals("tiny28") ? tiny28() : Presets.get(name);
  }

  @Test
  void everyFamilyHasATinyPreset() {
    assertTrue(Presets.all().containsKey("vit-tiny"));
    Set<String> archs = Presets.all().keySet().stream().filter(n -> n.endsWith("-tiny"))
        .map(n -> Presets.get(n).architecture()).collect(Collectors.toSet());
    assertTrue(archs.contains("vit"), archs.toString());
  }

  /**
   * Loss after 100 steps on a small slice is clearly (at least 25%) below the initial loss. (100 rather than 50
   * steps, with a 15-step warm-up: vit-pytorch's Parallel ViT, whose patch embedding has no
   * LayerNorm, starts learning more slowly than the others on this random task.)
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("tinyPresets")
  void trainsOnASmallSlice(String name) {
    ModelConfig cfg = config(name);
    ImageDataset data = SyntheticData.make(64, cfg.imageHeight(), cfg.imageWidth(), cfg.channels(), cfg.numClasses(), 7);
    TrainConfig tc = TrainConfig.builder().batchSize(16).learningRate(4e-3).minLearningRate(4e-4).warmupSteps(15).seed(3).build();
    BatchLoader loader = new BatchLoader(data, 16, 3, true, true, Normalization.of(data), Augmentation.NONE);
    List<Float> losses = new ArrayList<>();
    try (Trainer t = Trainer.create(cfg, tc, STEPS)) {
      float initial = t.loss(loader.batch(0, 0), 0);
      for (int s = 0; s < STEPS; s++) {
        losses.add(t.step(loader.batch(s / 4, s % 4)).loss());
      }
      double first = losses.subList(0, 4).stream().mapToDouble(Float::doubleValue).average().orElseThrow();
      double last = losses.subList(STEPS - 4, STEPS).stream().mapToDouble(Float::doubleValue).average().orElseThrow();
      assertTrue(Math.abs(first - Math.log(cfg.numClasses())) < 1.0, name + " initial loss " + first + " should be near ln K");
      assertTrue(last < 0.75 * first, name + ": loss went from " + first + " (initial " + initial + ") to " + last + ": " + losses);
      Trainer.Evaluation ev = t.evaluate(data, Normalization.of(data), 32);
      assertTrue(ev.accuracy() >= 0.4, name + " accuracy " + ev.accuracy() + " (chance is " + 1.0 / cfg.numClasses() + ")");
      assertEquals(STEPS, t.globalStep());
    }
  }

  /** Graph gradients of the full training loss equal central finite differences in float32. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("tinyPresets")
  void gradientsMatchFiniteDifferences(String name) {
    ModelConfig cfg = config(name);
    ImageDataset data = SyntheticData.make(4, cfg.imageHeight(), cfg.imageWidth(), cfg.channels(), cfg.numClasses(), 11);
    Batch batch = BatchLoader.evaluation(data, 4, Normalization.of(data)).batch(0, 0);
    TrainConfig tc = TrainConfig.builder().batchSize(4).labelSmoothing(0.1).seed(5).build();
    long rng = 17;
    try (Trainer t = Trainer.create(cfg, tc, 10)) {
      List<String> names = t.parameters().stream().map(ParameterSpec::name).toList();
      Map<String, HostTensor> grads = t.gradients(batch, rng, names);
      for (String n : names) {
        double max = 0;
        for (float v : grads.get(n).data()) {
          max = Math.max(max, Math.abs(v));
        }
        assertTrue(max > 0, name + ": parameter " + n + " gets a zero gradient");
      }
      Map<String, HostTensor> weights = t.weights();
      SplittableRandom r = new SplittableRandom(99);
      List<String> checked = new ArrayList<>();
      float eps = 1e-2f;
      for (int k = 0; k < 6; k++) {
        String p = names.get(r.nextInt(names.size()));
        float[] g = grads.get(p).data();
        int idx = r.nextInt(g.length);
        if (k % 2 == 0) { // also the steepest coordinate of a random parameter, so the check has teeth
          for (int i = 0; i < g.length; i++) {
            if (Math.abs(g[i]) > Math.abs(g[idx])) {
              idx = i;
            }
          }
        }
        float orig = weights.get(p).data()[idx];
        double plus = lossWith(t, weights, p, idx, orig + eps, batch, rng);
        double minus = lossWith(t, weights, p, idx, orig - eps, batch, rng);
        lossWith(t, weights, p, idx, orig, batch, rng);
        double fd = (plus - minus) / ((double) (orig + eps) - (double) (orig - eps));
        double an = g[idx];
        checked.add(String.format("%s[%d] graph %.6f fd %.6f", p, idx, an, fd));
        assertTrue(Math.abs(an - fd) <= 2e-3 + 0.05 * Math.abs(an), name + ": " + checked);
      }
    }
  }

  private static double lossWith(Trainer t, Map<String, HostTensor> weights, String p, int idx, float value, Batch b, long rng) {
    Map<String, HostTensor> w = new LinkedHashMap<>(weights);
    float[] d = weights.get(p).data().clone();
    d[idx] = value;
    w.put(p, new HostTensor(weights.get(p).shape(), d));
    t.loadWeights(w);
    return t.loss(b, rng);
  }

  /** Decay only on kernels and head-mixing matrices, never on norms, biases, tokens, embeddings or LayerScale. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("tinyPresets")
  void weightDecayExclusions(String name) {
    ModelConfig cfg = config(name);
    try (Trainer t = Trainer.create(cfg, TrainConfig.builder().build(), 10)) {
      List<String> decayed = t.decayedParameters();
      assertFalse(decayed.isEmpty());
      for (ParameterSpec p : t.parameters()) {
        String n = p.name();
        String leaf = n.substring(n.lastIndexOf('/') + 1);
        boolean shouldDecay = p.role() == ParameterRole.WEIGHT || p.role() == ParameterRole.HEAD_MIXING;
        assertEquals(shouldDecay, decayed.contains(n), name + ": " + p);
        if (decayed.contains(n)) {
          assertFalse(leaf.equals("bias") || leaf.equals("scale") || leaf.equals("gamma") || n.contains("cls_token")
              || n.contains("pos_embed") || n.contains("norm"), name + ": " + n + " must not decay");
        } else {
          assertFalse(leaf.equals("kernel"), name + ": kernel " + n + " must decay");
        }
      }
      if (cfg instanceof ViTConfig) {
        assertEquals(List.of("patch_embed/proj/kernel", "blocks/0/attn/qkv/kernel", "blocks/0/attn/proj/kernel",
            "blocks/0/mlp/fc1/kernel", "blocks/0/mlp/fc2/kernel"), decayed.subList(0, 5));
        assertEquals("head/kernel", decayed.get(decayed.size() - 1));
      }
    }
  }
}
