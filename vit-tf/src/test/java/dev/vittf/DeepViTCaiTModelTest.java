package dev.vittf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vittf.arch.cait.CaiTConfig;
import dev.vittf.arch.deepvit.DeepViTConfig;
import dev.vittf.blocks.AttentionConfig.QkvLayout;
import dev.vittf.blocks.PatchEmbedding;
import dev.vittf.core.HostTensor;
import dev.vittf.io.CheckpointMismatchException;
import dev.vittf.io.CheckpointSource;
import dev.vittf.io.Checkpoints;
import dev.vittf.io.ReferenceModels;
import dev.vittf.io.SafeTensors;
import dev.vittf.models.EagerRunner;
import dev.vittf.models.ModelConfig;
import dev.vittf.models.ModelParameters;
import dev.vittf.models.Network;
import dev.vittf.models.Pool;
import dev.vittf.models.VitModel;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * DeepViT and CaiT beyond the fixtures: other shapes and formulations build and run, graph and eager
 * agree at 1e-4 with non-trivial weights; the config switches change the function; FLOPs; strict
 * checkpoint mapping; reference kwargs.
 */
class DeepViTCaiTModelTest {
  static final double TOLERANCE = 1e-4;

  static HostTensor randomImages(Random rnd, int batch, ModelConfig c) {
    HostTensor t = HostTensor.zeros(batch, c.imageHeight(), c.imageWidth(), c.channels());
    for (int i = 0; i < t.data().length; i++) {
      t.data()[i] = (float) rnd.nextGaussian();
    }
    return t;
  }

  /** The model's initial weights plus Gaussian noise, so head mixes, LayerScale and norms are far from neutral. */
  static Map<String, HostTensor> perturbed(Map<String, HostTensor> weights, long seed, double std) {
    Random rnd = new Random(seed);
    Map<String, HostTensor> out = new LinkedHashMap<>();
    for (Map.Entry<String, HostTensor> e : weights.entrySet()) {
      float[] d = e.getValue().data().clone();
      for (int i = 0; i < d.length; i++) {
        d[i] += (float) (std * rnd.nextGaussian());
      }
      out.put(e.getKey(), new HostTensor(e.getValue().shape(), d));
    }
    return out;
  }

  /** Graph logits and eager logits with the same perturbed weights; returns the graph logits. */
  static HostTensor graphAndEagerAgree(ModelConfig c, HostTensor images, long seed) {
    HostTensor graph;
    Map<String, HostTensor> weights;
    try (VitModel m = VitModel.create(c, seed)) {
      weights = perturbed(m.weights(), seed, 0.3);
      m.loadWeights(weights);
      graph = m.predict(images);
    }
    HostTensor eager = EagerRunner.logits(c, weights, images);
    assertEquals(List.of(images.dim(0), (long) c.numClasses()), List.of(graph.dim(0), graph.dim(1)));
    double diff = graph.maxAbsDiff(eager);
    double scale = 0;
    for (float v : graph.data()) {
      assertTrue(Float.isFinite(v));
      scale = Math.max(scale, Math.abs(v));
    }
    assertTrue(scale > 1e-2, "logits are degenerate: " + scale);
    assertTrue(diff <= TOLERANCE, c + ": graph vs eager max |diff| = " + diff);
    return graph;
  }

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
  void caitPytorchStyleRectangularTwoClassBlocks() {
    CaiTConfig c = CaiTConfig.builder().imageSize(16, 24).patchSize(8, 4).numClasses(6).dim(24).depth(2).clsDepth(2)
        .heads(2).dimHead(12).mlpDim(40).build();
    graphAndEagerAgree(c, randomImages(new Random(3), 3, c), 13);
  }

  @Test
  void caitTimmStyleSixHeadsThreeClassBlocks() {
    CaiTConfig c = CaiTConfig.builder().timmStyle().imageSize(24, 16).patchSize(4, 8).numClasses(4).dim(24).depth(1)
        .clsDepth(3).heads(6).dimHead(4).mlpDim(48).build();
    graphAndEagerAgree(c, randomImages(new Random(4), 3, c), 14);
  }

  @Test
  void caitMixedFormulation() {
    CaiTConfig c = CaiTConfig.builder().timmStyle().embedding(PatchEmbedding.Style.LINEAR)
        .patchQkvLayout(QkvLayout.SEPARATE).classTalkingHeads(true).normalizeClassContext(false).imageSize(16)
        .patchSize(8).numClasses(3).dim(16).depth(2).clsDepth(1).heads(1).dimHead(16).mlpDim(16).build();
    graphAndEagerAgree(c, randomImages(new Random(5), 3, c), 15);
  }

  /** The formulation switches are live: same weights, different function. */
  @Test
  void classContextNormalisationChangesTheOutput() {
    CaiTConfig timm = CaiTConfig.tiny().toBuilder().timmStyle().dimHead(16).build();
    CaiTConfig unnormalised = timm.toBuilder().normalizeClassContext(false).build();
    HostTensor images = randomImages(new Random(6), 2, timm);
    HostTensor a;
    HostTensor b;
    try (VitModel m = VitModel.create(timm, 3)) {
      Map<String, HostTensor> w = perturbed(m.weights(), 3, 0.3);
      m.loadWeights(w);
      a = m.predict(images);
      try (VitModel m2 = VitModel.create(unnormalised, 3)) {
        m2.loadWeights(w);
        b = m2.predict(images);
      }
    }
    assertTrue(a.maxAbsDiff(b) > 1e-2, "normalizeClassContext had no effect: " + a.maxAbsDiff(b));
  }

  /** Only the class token is updated by the class stage: the patch part of {@code tokens} is the patch-stage output. */
  @Test
  void classStageLeavesPatchTokensUntouched() {
    CaiTConfig c = CaiTConfig.tiny();
    CaiTConfig more = c.toBuilder().clsDepth(3).build();
    HostTensor images = randomImages(new Random(7), 2, c);
    HostTensor t1;
    HostTensor t3;
    try (VitModel m = VitModel.create(c, 5); VitModel m3 = VitModel.create(more, 5)) {
      t1 = m.run(images, Network.TOKENS).get(Network.TOKENS);
      t3 = m3.run(images, Network.TOKENS).get(Network.TOKENS);
    }
    assertEquals("[2, 17, 64]", java.util.Arrays.toString(t1.shape()));
    int n = 17 * 64;
    double patchDiff = 0;
    double clsDiff = 0;
    for (int b = 0; b < 2; b++) {
      for (int i = 0; i < n; i++) {
        double d = Math.abs(t1.data()[b * n + i] - t3.data()[b * n + i]);
        if (i < 64) {
          clsDiff = Math.max(clsDiff, d);
        } else {
          patchDiff = Math.max(patchDiff, d);
        }
      }
    }
    assertEquals(0, patchDiff, 1e-6);
    assertTrue(clsDiff > 1e-4, "extra class blocks did not change the class token");
  }

  // ---- FLOPs, computed here from the architecture, independently of the blocks' macs() ----

  @Test
  void caitFlopsPerImage() {
    CaiTConfig c = CaiTConfig.tiny(); // N=16, D=64, H=4, d=16, mlp=128, patch dim 192, 2 + 1 blocks, 10 classes
    long n = 16, dm = 64, h = 4, d = 16, inner = 64, mlp = 128;
    long embed = n * 192 * dm;
    long patchBlock = n * dm * inner + 2 * n * dm * inner + 2 * h * n * n * d + 2 * h * h * n * n + n * inner * dm
        + n * 2 * dm * mlp;
    long m = n + 1;
    long classBlock = dm * inner + 2 * m * dm * inner + 2 * h * m * d + 2 * h * h * m + inner * dm + 2 * dm * mlp;
    long expected = 2 * (embed + 2 * patchBlock + classBlock + dm * 10);
    assertEquals(expected, c.network().flopsPerImage());
    try (VitModel model = VitModel.create(c)) {
      assertEquals(expected, model.flopsPerImage());
    }
  }

  @Test
  void deepvitFlopsPerImage() {
    DeepViTConfig c = DeepViTConfig.tiny(); // N+1=17 tokens, D=64, H=4, d=16, mlp=128, patch dim 192, 2 blocks
    long t = 17, dm = 64, h = 4, d = 16, inner = 64, mlp = 128;
    long block = 3 * t * dm * inner + 2 * h * t * t * d + h * h * t * t + t * inner * dm + 2 * t * dm * mlp;
    assertEquals(2 * (16 * 192 * dm + 2 * block + dm * 10), c.network().flopsPerImage());
  }

  // ---- checkpoint mapping ----

  @Test
  void timmParametersInvisibleInTheLogitsAreStillRequired() throws Exception {
    Path dir = Fixtures.dir();
    ReferenceModels.ReferenceModel ref = ReferenceModels.fromJsonFile(dir.resolve("timm_cait.json"));
    Map<String, HostTensor> raw = new LinkedHashMap<>(SafeTensors.read(dir.resolve("timm_cait.safetensors")).tensors());
    raw.remove("blocks.0.attn.proj_l.bias");
    raw.remove("blocks_token_only.1.attn.k.bias");
    raw.put("blocks.9.attn.extra", HostTensor.zeros(2));
    CheckpointMismatchException e = assertThrows(CheckpointMismatchException.class,
        () -> Checkpoints.convert(raw, ref.config(), ref.source(), ModelParameters.of(ref.config())));
    assertEquals(List.of("blocks.0.attn.proj_l.bias", "blocks_token_only.1.attn.k.bias"), e.missing());
    assertEquals(List.of("blocks.9.attn.extra"), e.unexpected());
  }

  @Test
  void misshapedLayerScaleIsReported() throws Exception {
    Path dir = Fixtures.dir();
    ReferenceModels.ReferenceModel ref = ReferenceModels.fromJsonFile(dir.resolve("cait.json"));
    Map<String, HostTensor> raw = new LinkedHashMap<>(SafeTensors.read(dir.resolve("cait.safetensors")).tensors());
    raw.put("cls_transformer.layers.0.1.scale", HostTensor.zeros(1, 1, 63));
    CheckpointMismatchException e = assertThrows(CheckpointMismatchException.class,
        () -> Checkpoints.convert(raw, ref.config(), ref.source(), ModelParameters.of(ref.config())));
    assertEquals(1, e.misshaped().size());
    assertTrue(e.misshaped().get(0).startsWith("cls_transformer.layers.0.1.scale has [1, 1, 63]"), e.misshaped().toString());
  }

  @Test
  void mappingsRefuseConfigsOfTheOtherFormulation() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Checkpoints.mapping(CaiTConfig.tiny(), CheckpointSource.TIMM));
    assertTrue(e.getMessage().contains("embedding=NORM_LINEAR_NORM (needs CONV)"), e.getMessage());
    assertTrue(e.getMessage().contains("normalizeClassContext=false (needs true)"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Checkpoints.mapping(CaiTConfig.xxs24(), CheckpointSource.VIT_PYTORCH));
    assertTrue(e.getMessage().contains("patchQkvLayout=FUSED (needs Q_KV)"), e.getMessage());
    assertThrows(UnsupportedOperationException.class, () -> Checkpoints.mapping(DeepViTConfig.tiny(), CheckpointSource.TIMM));
  }

  // ---- reference kwargs ----

  private static JsonNode kwargs(String json) throws Exception {
    return new ObjectMapper().readTree(json);
  }

  @Test
  void referenceFamiliesRejectUnknownArguments() throws Exception {
    String deepvit = "{\"image_size\":32,\"patch_size\":8,\"num_classes\":10,\"dim\":64,\"depth\":2,\"heads\":4,\"mlp_dim\":128";
    String cait = "{\"image_size\":32,\"patch_size\":8,\"num_classes\":10,\"dim\":64,\"depth\":2,\"cls_depth\":1,\"heads\":4,\"mlp_dim\":128";
    String timm = "{\"img_size\":32,\"patch_size\":8,\"embed_dim\":48,\"depth\":2,\"num_heads\":4";
    for (String[] f : new String[][] {{"deepvit", deepvit}, {"cait", cait}, {"timm_cait", timm}}) {
      assertEquals(f[0], ReferenceModels.fromKwargs(f[0], kwargs(f[1] + "}")).family());
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> ReferenceModels.fromKwargs(f[0], kwargs(f[1] + ",\"talking_heads\":true}")));
      assertTrue(e.getMessage().contains("unsupported arguments [talking_heads]"), e.getMessage());
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ReferenceModels.fromKwargs("deepvit", kwargs(deepvit.replace("\"image_size\":32", "\"image_size\":[32,16]") + "}")));
    assertTrue(e.getMessage().contains("'image_size' must be an int"), e.getMessage());
    // timm's own token-only MLP ratio sizes the class-attention MLPs (issue 12)
    CaiTConfig token = (CaiTConfig) ReferenceModels.fromKwargs("timm_cait", kwargs(timm + ",\"mlp_ratio_token_only\":2.0}")).config();
    assertEquals(2 * token.dim(), token.classMlpDim());
  }

  @Test
  void timmKwargsMapToTheTimmFormulation() throws Exception {
    ObjectNode k = (ObjectNode) kwargs("{\"img_size\":[32,48],\"patch_size\":8,\"embed_dim\":48,\"depth\":2,\"num_heads\":4,"
        + "\"num_classes\":10,\"init_values\":0.001,\"drop_path_rate\":0.1,\"depth_token_only\":3}");
    CaiTConfig c = (CaiTConfig) ReferenceModels.fromKwargs("timm_cait", k).config();
    assertEquals(CaiTConfig.builder().timmStyle().imageSize(32, 48).patchSize(8).dim(48).depth(2).clsDepth(3).heads(4)
        .dimHead(12).mlpDim(192).numClasses(10).layerScaleInit(0.001).layerDropout(0.1).build(), c);
    k.remove("init_values");
    assertEquals(1e-1, ((CaiTConfig) ReferenceModels.fromKwargs("timm_cait", k).config()).layerScaleInit());
  }
}
