package dev.vittf.arch.deepvit;

import static dev.vittf.ModelChecks.graphAndEagerAgree;
import static dev.vittf.ModelChecks.randomImages;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vittf.core.HostTensor;
import dev.vittf.io.CheckpointSource;
import dev.vittf.io.Checkpoints;
import dev.vittf.io.ReferenceModels;
import dev.vittf.models.Network;
import dev.vittf.models.Pool;
import dev.vittf.models.VitModel;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * DeepViT beyond the fixtures: other shapes build and run, graph and eager agree at 1e-4 with non-trivial
 * weights; mean pooling includes the class token; FLOPs; no timm mapping; reference kwargs.
 */
class DeepViTModelTest {

  @Test
  void deepvitRectangularMeanPoolThreeHeadsBatchThree() {
    DeepViTConfig c = DeepViTConfig.builder().imageSize(24, 40).patchSize(8, 4).channels(2).numClasses(5).dim(20)
        .depth(2).heads(3).dimHead(8).mlpDim(30).pool(Pool.MEAN).build();
    graphAndEagerAgree(c, randomImages(new Random(1), 3, c), 11);
  }

  /** vit-pytorch DeepViT's mean pool averages all tokens, the class token included, then the head's LayerNorm. */
  @Test
  void deepvitMeanPoolIncludesTheClassToken() {
    DeepViTConfig c = DeepViTConfig.tiny().toBuilder().pool(Pool.MEAN).build();
    Map<String, HostTensor> out;
    try (VitModel m = VitModel.create(c, 9)) {
      out = m.run(randomImages(new Random(8), 2, c), Network.TOKENS, Network.POOLED);
    }
    HostTensor tokens = out.get(Network.TOKENS);
    HostTensor pooled = out.get(Network.POOLED);
    int n = (int) tokens.dim(1);
    int d = (int) tokens.dim(2);
    assertEquals(17, n);
    for (int b = 0; b < 2; b++) {
      double[] all = new double[d];
      double[] patchesOnly = new double[d];
      for (int t = 0; t < n; t++) {
        for (int j = 0; j < d; j++) {
          float v = tokens.data()[(b * n + t) * d + j];
          all[j] += v / n;
          patchesOnly[j] += t == 0 ? 0 : v / (n - 1);
        }
      }
      // Initial norm parameters: scale 1, bias 0.
      double[] expected = layerNorm(all, 1e-5);
      double[] wrong = layerNorm(patchesOnly, 1e-5);
      double diff = 0;
      double diffWrong = 0;
      for (int j = 0; j < d; j++) {
        diff = Math.max(diff, Math.abs(expected[j] - pooled.data()[b * d + j]));
        diffWrong = Math.max(diffWrong, Math.abs(wrong[j] - pooled.data()[b * d + j]));
      }
      assertTrue(diff < 1e-4, "pooled != LN(mean over all tokens): " + diff);
      assertTrue(diffWrong > 1e-3, "the class token made no difference to the mean");
    }
  }

  static double[] layerNorm(double[] v, double eps) {
    double mean = java.util.Arrays.stream(v).average().orElseThrow();
    double var = java.util.Arrays.stream(v).map(x -> (x - mean) * (x - mean)).average().orElseThrow();
    return java.util.Arrays.stream(v).map(x -> (x - mean) / Math.sqrt(var + eps)).toArray();
  }

  @Test
  void deepvitSingleHeadClassPool() {
    DeepViTConfig c = DeepViTConfig.builder().imageSize(16).patchSize(4).numClasses(3).dim(12).depth(1).heads(1)
        .dimHead(12).mlpDim(24).build();
    graphAndEagerAgree(c, randomImages(new Random(2), 3, c), 12);
  }

  @Test
  void deepvitFlopsPerImage() {
    DeepViTConfig c = DeepViTConfig.tiny(); // N+1=17 tokens, D=64, H=4, d=16, mlp=128, patch dim 192, 2 blocks
    long t = 17, dm = 64, h = 4, d = 16, inner = 64, mlp = 128;
    long block = 3 * t * dm * inner + 2 * h * t * t * d + h * h * t * t + t * inner * dm + 2 * t * dm * mlp;
    assertEquals(2 * (16 * 192 * dm + 2 * block + dm * 10), c.network().flopsPerImage());
  }
  @Test
  void thereIsNoTimmMapping() {
    assertThrows(UnsupportedOperationException.class, () -> Checkpoints.mapping(DeepViTConfig.tiny(), CheckpointSource.TIMM));
  }

  // ---- reference kwargs ----

  private static JsonNode kwargs(String json) throws Exception {
    return new ObjectMapper().readTree(json);
  }
  @Test
  void referenceFamilyRejectsUnknownArguments() throws Exception {
    String deepvit = "{\"image_size\":32,\"patch_size\":8,\"num_classes\":10,\"dim\":64,\"depth\":2,\"heads\":4,\"mlp_dim\":128";
    assertEquals("deepvit", ReferenceModels.fromKwargs("deepvit", kwargs(deepvit + "}")).family());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ReferenceModels.fromKwargs("deepvit", kwargs(deepvit + ",\"talking_heads\":true}")));
    assertTrue(e.getMessage().contains("unsupported arguments [talking_heads]"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> ReferenceModels.fromKwargs("deepvit", kwargs(deepvit.replace("\"image_size\":32", "\"image_size\":[32,16]") + "}")));
    assertTrue(e.getMessage().contains("'image_size' must be an int"), e.getMessage());
  }
}
