package dev.vittf.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vittf.RandomWeights;
import dev.vittf.arch.parallelvit.ParallelViTConfig;
import dev.vittf.arch.scalablevit.ScalableViTConfig;
import dev.vittf.core.HostTensor;
import dev.vittf.core.Mode;
import dev.vittf.core.ParameterSpec;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.tensorflow.GraphOperation;

/**
 * Configs of the Parallel ViT and ScalableViT families beyond the fixtures: rectangular images, three
 * branches, three stages whose IWSA windows really split the maps, batch 3. Each builds, runs in graph
 * and eager mode with the same random weights, and the two agree to 1e-4; outputs have the expected
 * shapes; inference graphs contain no random op.
 */
class ParallelScalableModelsTest {
  static final double TOLERANCE = 1e-4;

  /** vit-pytorch form, rectangular 24x40 with 8x10 patches, 3 branches, mean pooling. */
  static ParallelViTConfig parallelRect() {
    return ParallelViTConfig.builder().imageSize(24, 40).patchSize(8, 10).numClasses(5).dim(24).depth(2).heads(2)
        .dimHead(8).mlpDim(40).numParallelBranches(3).pool(Pool.MEAN).build();
  }

  /** timm form, rectangular 16x32 with 8x8 patches, 3 branches, LayerScale, qkv bias, 2 channels. */
  static ParallelViTConfig parallelTimmRect() {
    return ParallelViTConfig.timmBuilder().imageSize(16, 32).patchSize(8).channels(2).numClasses(4).dim(24).depth(2)
        .heads(3).dimHead(8).mlpDim(48).numParallelBranches(3).layerScaleInit(0.1).build();
  }

  /** 3 stages on 64x96 (maps 16x24, 8x12, 4x6), windows 4, 4, 2: 24, 6 and 6 windows per image. */
  static ScalableViTConfig scalable3Stages() {
    return ScalableViTConfig.builder().imageSize(64, 96).numClasses(6).dim(8).depth(2, 1, 1).heads(1, 2, 2)
        .ssaDimKey(8).ssaDimValue(8, 8, 4).iwsaDimKey(8).iwsaDimValue(4, 8, 8).reductionFactor(4, 2, 1)
        .windowSize(4, 4, 2).ffExpansionFactor(2).build();
  }

  static Stream<ModelConfig> configs() {
    return Stream.of(parallelRect(), parallelTimmRect(), scalable3Stages(), scalable3Stages().toBuilder().upstreamBlockOrder(true).build());
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
    List<String> p = names(ModelParameters.of(ParallelViTConfig.tiny()));
    assertEquals(List.of("patch_embed/proj/kernel", "patch_embed/proj/bias", "cls_token", "pos_embed",
        "blocks/0/attns/0/norm/scale", "blocks/0/attns/0/norm/bias", "blocks/0/attns/0/attn/qkv/kernel",
        "blocks/0/attns/0/attn/proj/kernel", "blocks/0/attns/0/attn/proj/bias"), p.subList(0, 9));
    assertTrue(p.contains("blocks/1/ffns/1/mlp/fc2/bias"));
    assertEquals(List.of("norm/scale", "norm/bias", "head/kernel", "head/bias"), p.subList(p.size() - 4, p.size()));
    List<String> t = names(ModelParameters.of(parallelTimmRect()));
    assertTrue(t.containsAll(List.of("blocks/1/attns/2/ls/gamma", "blocks/1/ffns/2/ls/gamma", "blocks/0/attns/0/attn/qkv/bias")));

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

  /** Independently derived multiply-accumulate counts of the tiny presets (x2 for FLOPs). */
  @Test
  void flopsPerImage() {
    // Parallel ViT tiny: 16 patches of 8*8*3 -> 48; 17 tokens; 2 branches of 2 heads x 32; mlp 96; 2 layers
    long n = 17;
    long attn = 3 * n * 48 * 64 + 2 * 2 * n * n * 32 + n * 64 * 48;
    long ff = 2 * n * 48 * 96;
    long macs = 16L * 192 * 48 + 2 * 2 * (attn + ff) + 48 * 10;
    assertEquals(2 * macs, ParallelViTConfig.tiny().network().flopsPerImage());

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

  private static boolean hasRandomOp(VitModel model) {
    for (Iterator<GraphOperation> it = model.graph().operations(); it.hasNext(); ) {
      if (it.next().type().contains("Random")) {
        return true;
      }
    }
    return false;
  }

  private static double rowDiff(HostTensor t, int a, int b) {
    float[] x = t.row(a);
    float[] y = t.row(b);
    double m = 0;
    for (int i = 0; i < x.length; i++) {
      m = Math.max(m, Math.abs(x[i] - y[i]));
    }
    return m;
  }

  private static List<String> names(List<ParameterSpec> specs) {
    List<String> out = new ArrayList<>();
    specs.forEach(s -> out.add(s.name()));
    return out;
  }

  @Test
  void trainingGraphsBuildWithDropout() {
    for (ModelConfig c : List.of(parallelRect().toBuilder().dropout(0.1).dropPath(0.1).build(),
        scalable3Stages().toBuilder().dropout(0.1).build())) {
      try (VitModel model = VitModel.create(c, new VitModel.Options(Mode.TRAINING, 0, null))) {
        assertTrue(hasRandomOp(model), "training graph of " + c.architecture() + " has dropout");
        HostTensor images = RandomWeights.images(4, 2, c.imageHeight(), c.imageWidth(), c.channels());
        assertArrayEquals(new long[] {2, c.numClasses()}, model.predict(images).shape());
      }
    }
  }

}
