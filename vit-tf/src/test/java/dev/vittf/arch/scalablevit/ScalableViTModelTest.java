package dev.vittf.arch.scalablevit;

import static dev.vittf.ModelChecks.TOLERANCE;
import static dev.vittf.ModelChecks.hasRandomOp;
import static dev.vittf.ModelChecks.names;
import static dev.vittf.ModelChecks.rowDiff;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vittf.RandomWeights;
import dev.vittf.core.HostTensor;
import dev.vittf.core.Mode;
import dev.vittf.models.EagerRunner;
import dev.vittf.models.ModelConfig;
import dev.vittf.models.ModelParameters;
import dev.vittf.models.Network;
import dev.vittf.models.VitModel;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * ScalableViT configs beyond the fixtures: three stages whose IWSA windows really split the maps, both block
 * orders, batch 3. Each builds, runs in graph and eager mode with the same random weights, and the two agree
 * to 1e-4; outputs have the expected shapes; the inference graph contains no random op; parameter names; FLOPs.
 */
class ScalableViTModelTest {

  /** 3 stages on 64x96 (maps 16x24, 8x12, 4x6), windows 4, 4, 2: 24, 6 and 6 windows per image. */
  static ScalableViTConfig scalable3Stages() {
    return ScalableViTConfig.builder().imageSize(64, 96).numClasses(6).dim(8).depth(2, 1, 1).heads(1, 2, 2)
        .ssaDimKey(8).ssaDimValue(8, 8, 4).iwsaDimKey(8).iwsaDimValue(4, 8, 8).reductionFactor(4, 2, 1)
        .windowSize(4, 4, 2).ffExpansionFactor(2).build();
  }

  static Stream<ModelConfig> configs() {
    return Stream.of(scalable3Stages(), scalable3Stages().toBuilder().upstreamBlockOrder(true).build());
  }

  @ParameterizedTest
  @MethodSource("configs")
  void graphAndEagerAgree(ModelConfig config) {
    Map<String, HostTensor> weights = RandomWeights.of(config, 11);
    HostTensor images = RandomWeights.images(5, 3, config.imageHeight(), config.imageWidth(), config.channels());
    Map<String, HostTensor> graph;
    try (VitModel model = VitModel.create(config)) {
      model.loadWeights(weights);
      graph = model.run(images, Network.LOGITS, Network.POOLED, Network.TOKENS);
      assertFalse(hasRandomOp(model), "inference graph must contain no random op");
    }
    Map<String, HostTensor> eager = EagerRunner.forward(config, weights, 0, Mode.INFERENCE, images);
    HostTensor logits = graph.get(Network.LOGITS);
    assertArrayEquals(new long[] {3, config.numClasses()}, logits.shape());
    for (String name : List.of(Network.LOGITS, Network.POOLED, Network.TOKENS)) {
      double diff = graph.get(name).maxAbsDiff(eager.get(name));
      assertTrue(diff <= TOLERANCE, name + ": graph vs eager " + diff);
    }
    // the logits are not degenerate: the three images get different outputs
    assertTrue(rowDiff(logits, 0, 1) > 1e-3 && rowDiff(logits, 1, 2) > 1e-3, "images are not distinguished");
  }

  @Test
  void scalableTokensAreTheLastFeatureMap() {
    ScalableViTConfig c = scalable3Stages();
    try (VitModel model = VitModel.create(c)) {
      HostTensor tokens = model.run(RandomWeights.images(1, 3, 64, 96, 3), Network.TOKENS).get(Network.TOKENS);
      assertArrayEquals(new long[] {3, 4, 6, 32}, tokens.shape());
      // window attention maps: [B * windows, heads, w*w, w*w]; stage 0 has 4x6 windows of 4x4
      HostTensor probs = model.run(RandomWeights.images(1, 3, 64, 96, 3), "stages/0/blocks/0/iwsa/probs")
          .get("stages/0/blocks/0/iwsa/probs");
      assertArrayEquals(new long[] {3 * 24, 1, 16, 16}, probs.shape());
      HostTensor ssa = model.run(RandomWeights.images(1, 3, 64, 96, 3), "stages/0/blocks/1/ssa/probs")
          .get("stages/0/blocks/1/ssa/probs");
      assertArrayEquals(new long[] {3, 1, 16 * 24, 4 * 6}, ssa.shape());
    }
  }

  /** Same weights, same names: the two block orders compute different functions. */
  @Test
  void blockOrdersDiffer() {
    ScalableViTConfig paper = scalable3Stages();
    ScalableViTConfig upstream = paper.toBuilder().upstreamBlockOrder(true).build();
    assertEquals(names(ModelParameters.of(paper)).stream().sorted().toList(),
        names(ModelParameters.of(upstream)).stream().sorted().toList());
    Map<String, HostTensor> weights = RandomWeights.of(paper, 3);
    HostTensor images = RandomWeights.images(2, 2, 64, 96, 3);
    double diff = EagerRunner.logits(paper, weights, images).maxAbsDiff(EagerRunner.logits(upstream, weights, images));
    assertTrue(diff > 1e-2, "block order has no effect: " + diff);
  }

  @Test
  void parameterNames() {
    List<String> s = names(ModelParameters.of(ScalableViTConfig.tiny()));
    assertEquals(List.of("stem/kernel", "stem/bias",
        "stages/0/blocks/0/ssa/norm/scale", "stages/0/blocks/0/ssa/norm/bias", "stages/0/blocks/0/ssa/q/kernel",
        "stages/0/blocks/0/ssa/k/kernel", "stages/0/blocks/0/ssa/v/kernel", "stages/0/blocks/0/ssa/proj/kernel",
        "stages/0/blocks/0/ssa/proj/bias",
        "stages/0/blocks/0/ff1/norm/scale", "stages/0/blocks/0/ff1/norm/bias", "stages/0/blocks/0/ff1/fc1/kernel",
        "stages/0/blocks/0/ff1/fc1/bias", "stages/0/blocks/0/ff1/fc2/kernel", "stages/0/blocks/0/ff1/fc2/bias",
        "stages/0/blocks/0/peg/kernel", "stages/0/blocks/0/peg/bias",
        "stages/0/blocks/0/iwsa/norm/scale", "stages/0/blocks/0/iwsa/norm/bias", "stages/0/blocks/0/iwsa/q/kernel",
        "stages/0/blocks/0/iwsa/k/kernel", "stages/0/blocks/0/iwsa/v/kernel", "stages/0/blocks/0/iwsa/lim/kernel",
        "stages/0/blocks/0/iwsa/lim/bias", "stages/0/blocks/0/iwsa/proj/kernel", "stages/0/blocks/0/iwsa/proj/bias",
        "stages/0/blocks/0/ff2/norm/scale", "stages/0/blocks/0/ff2/norm/bias", "stages/0/blocks/0/ff2/fc1/kernel",
        "stages/0/blocks/0/ff2/fc1/bias", "stages/0/blocks/0/ff2/fc2/kernel", "stages/0/blocks/0/ff2/fc2/bias",
        "stages/0/norm/scale", "stages/0/norm/bias", "stages/0/downsample/kernel", "stages/0/downsample/bias"),
        s.subList(0, 36));
    assertFalse(s.contains("stages/1/norm/scale"), "the last stage has no closing norm");
    assertFalse(s.contains("stages/1/downsample/kernel"));
    assertEquals(List.of("norm/scale", "norm/bias", "head/kernel", "head/bias"), s.subList(s.size() - 4, s.size()));
    Map<String, long[]> shapes = new java.util.HashMap<>();
    ModelParameters.of(ScalableViTConfig.tiny()).forEach(sp -> shapes.put(sp.name(), sp.shape()));
    assertArrayEquals(new long[] {7, 7, 3, 16}, shapes.get("stem/kernel"));
    assertArrayEquals(new long[] {2, 2, 16, 32}, shapes.get("stages/0/blocks/0/ssa/k/kernel"));
    assertArrayEquals(new long[] {3, 3, 16, 1}, shapes.get("stages/0/blocks/0/peg/kernel"));
    assertArrayEquals(new long[] {3, 3, 32, 32}, shapes.get("stages/0/blocks/0/iwsa/lim/kernel"));
    assertArrayEquals(new long[] {3, 3, 16, 32}, shapes.get("stages/0/downsample/kernel"));
    assertArrayEquals(new long[] {16, 32}, shapes.get("stages/0/blocks/0/iwsa/q/kernel"));
  }

  /** Independently derived multiply-accumulate count of the tiny preset (x2 for FLOPs). */
  @Test
  void flopsPerImage() {
    // ScalableViT tiny: stem -> 8x8x16; stage 0: 1 head x 32, r=2 (4x4 keys), window 4 (16 tokens);
    // downsample -> 4x4x32; stage 1: 2 heads x 32, r=1, whole map (16 tokens)
    long s0 = 64L * 16 * 32 + 16L * 4 * 16 * 64 + 64L * 16 * 64 + 64L * 32 * 16        // SSA
        + 64L * 16 * 96 + 64L * 9 * 32 * 32 + 64L * 16 * 64 + 64L * 32 * 16               // IWSA
        + 2 * 64L * 2 * 16 * 64 + 64L * 9 * 16;                                            // 2 FF, PEG
    long s1 = 16L * 32 * 64 + 16L * 32 * 128 + 2L * 16 * 16 * 64 + 16L * 64 * 32
        + 16L * 32 * 192 + 16L * 9 * 64 * 64 + 2L * 16 * 16 * 64 + 16L * 64 * 32
        + 2 * 16L * 2 * 32 * 128 + 16L * 9 * 32;
    long smacs = 64L * 49 * 3 * 16 + s0 + 16L * 9 * 16 * 32 + s1 + 32 * 10;
    assertEquals(2 * smacs, ScalableViTConfig.tiny().network().flopsPerImage());
  }

  @Test
  void trainingGraphBuildsWithDropout() {
    for (ModelConfig c : List.of(scalable3Stages().toBuilder().dropout(0.1).build())) {
      try (VitModel model = VitModel.create(c, new VitModel.Options(Mode.TRAINING, 0, null))) {
        assertTrue(hasRandomOp(model), "training graph of " + c.architecture() + " has dropout");
        HostTensor images = RandomWeights.images(4, 2, c.imageHeight(), c.imageWidth(), c.channels());
        assertArrayEquals(new long[] {2, c.numClasses()}, model.predict(images).shape());
      }
    }
  }
}
