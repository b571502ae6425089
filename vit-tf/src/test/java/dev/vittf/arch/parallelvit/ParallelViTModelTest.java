package dev.vittf.arch.parallelvit;

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
import dev.vittf.models.Pool;
import dev.vittf.models.VitModel;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Parallel ViT configs beyond the fixtures: rectangular images, three branches, both formulations, batch 3.
 * Each builds, runs in graph and eager mode with the same random weights, and the two agree to 1e-4; outputs
 * have the expected shapes; the inference graph contains no random op; parameter names; FLOPs.
 */
class ParallelViTModelTest {

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

  static Stream<ModelConfig> configs() {
    return Stream.of(parallelRect(), parallelTimmRect());
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
  void parameterNames() {
    List<String> p = names(ModelParameters.of(ParallelViTConfig.tiny()));
    assertEquals(List.of("patch_embed/proj/kernel", "patch_embed/proj/bias", "cls_token", "pos_embed",
        "blocks/0/attns/0/norm/scale", "blocks/0/attns/0/norm/bias", "blocks/0/attns/0/attn/qkv/kernel",
        "blocks/0/attns/0/attn/proj/kernel", "blocks/0/attns/0/attn/proj/bias"), p.subList(0, 9));
    assertTrue(p.contains("blocks/1/ffns/1/mlp/fc2/bias"));
    assertEquals(List.of("norm/scale", "norm/bias", "head/kernel", "head/bias"), p.subList(p.size() - 4, p.size()));
    List<String> t = names(ModelParameters.of(parallelTimmRect()));
    assertTrue(t.containsAll(List.of("blocks/1/attns/2/ls/gamma", "blocks/1/ffns/2/ls/gamma", "blocks/0/attns/0/attn/qkv/bias")));
  }

  /** Independently derived multiply-accumulate count of the tiny preset (x2 for FLOPs). */
  @Test
  void flopsPerImage() {
    // Parallel ViT tiny: 16 patches of 8*8*3 -> 48; 17 tokens; 2 branches of 2 heads x 32; mlp 96; 2 layers
    long n = 17;
    long attn = 3 * n * 48 * 64 + 2 * 2 * n * n * 32 + n * 64 * 48;
    long ff = 2 * n * 48 * 96;
    long macs = 16L * 192 * 48 + 2 * 2 * (attn + ff) + 48 * 10;
    assertEquals(2 * macs, ParallelViTConfig.tiny().network().flopsPerImage());
  }

  @Test
  void trainingGraphBuildsWithDropout() {
    for (ModelConfig c : List.of(parallelRect().toBuilder().dropout(0.1).dropPath(0.1).build())) {
      try (VitModel model = VitModel.create(c, new VitModel.Options(Mode.TRAINING, 0, null))) {
        assertTrue(hasRandomOp(model), "training graph of " + c.architecture() + " has dropout");
        HostTensor images = RandomWeights.images(4, 2, c.imageHeight(), c.imageWidth(), c.channels());
        assertArrayEquals(new long[] {2, c.numClasses()}, model.predict(images).shape());
      }
    }
  }
}
