package dev.vittf.arch.cait;

import static dev.vittf.ModelChecks.graphAndEagerAgree;
import static dev.vittf.ModelChecks.perturbed;
import static dev.vittf.ModelChecks.randomImages;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vittf.Fixtures;
import dev.vittf.blocks.AttentionConfig.QkvLayout;
import dev.vittf.blocks.PatchEmbedding;
import dev.vittf.core.HostTensor;
import dev.vittf.io.CheckpointMismatchException;
import dev.vittf.io.CheckpointSource;
import dev.vittf.io.Checkpoints;
import dev.vittf.io.ReferenceModels;
import dev.vittf.io.SafeTensors;
import dev.vittf.models.ModelParameters;
import dev.vittf.models.Network;
import dev.vittf.models.VitModel;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * CaiT beyond the fixtures: other shapes and formulations build and run, graph and eager agree at 1e-4
 * with non-trivial weights; the formulation switches change the function; the class stage leaves the
 * patch tokens alone; FLOPs; strict checkpoint mapping; reference kwargs.
 */
class CaiTModelTest {

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
  void qkvBiasSelfAttentionThroughTheJoinedKernelMatchesEagerTwoProducts() {
    // Inference graphs read one joined [q | kv] kernel and bias (kept copies, refreshed on loadWeights); eager
    // runs keep the two products: with q/kv biases on, both must compute the same function.
    CaiTConfig c = CaiTConfig.builder().imageSize(16).patchSize(4).numClasses(5).dim(24).depth(2).clsDepth(1)
        .heads(3).dimHead(8).mlpDim(32).patchQkvLayout(QkvLayout.Q_KV).qkvBias(true).build();
    graphAndEagerAgree(c, randomImages(new Random(6), 2, c), 16);
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
  }

  // ---- reference kwargs ----

  private static JsonNode kwargs(String json) throws Exception {
    return new ObjectMapper().readTree(json);
  }

  @Test
  void referenceFamiliesRejectUnknownArguments() throws Exception {
    String cait = "{\"image_size\":32,\"patch_size\":8,\"num_classes\":10,\"dim\":64,\"depth\":2,\"cls_depth\":1,\"heads\":4,\"mlp_dim\":128";
    String timm = "{\"img_size\":32,\"patch_size\":8,\"embed_dim\":48,\"depth\":2,\"num_heads\":4";
    for (String[] f : new String[][] {{"cait", cait}, {"timm_cait", timm}}) {
      assertEquals(f[0], ReferenceModels.fromKwargs(f[0], kwargs(f[1] + "}")).family());
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> ReferenceModels.fromKwargs(f[0], kwargs(f[1] + ",\"talking_heads\":true}")));
      assertTrue(e.getMessage().contains("unsupported arguments [talking_heads]"), e.getMessage());
    }
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
