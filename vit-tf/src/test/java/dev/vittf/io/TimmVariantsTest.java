package dev.vittf.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vittf.Fixtures;
import dev.vittf.RandomWeights;
import dev.vittf.arch.cait.CaiTConfig;
import dev.vittf.arch.parallelvit.ParallelViTConfig;
import dev.vittf.arch.vit.ViTConfig;
import dev.vittf.core.HostTensor;
import dev.vittf.core.ParameterSpec;
import dev.vittf.models.ModelParameters;
import dev.vittf.models.NormPlacement;
import dev.vittf.models.Pool;
import dev.vittf.models.VitModel;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** timm's VisionTransformer / Cait arguments beyond the fixtures' defaults, and position-embedding resampling. */
class TimmVariantsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static ObjectNode kwargs(String extra) throws Exception {
    return (ObjectNode) JSON.readTree("{\"img_size\": 16, \"patch_size\": 4, \"embed_dim\": 12, \"depth\": 1,"
        + " \"num_heads\": 2, \"num_classes\": 3" + extra + "}");
  }

  private static ViTConfig vit(String extra) throws Exception {
    return (ViTConfig) ReferenceModels.fromKwargs("timm_vit", kwargs(extra)).config();
  }

  /** The resampled pos_embed equals the tensor timm's run model used (stored in the io file), to float precision. */
  @Test
  void resamplingReproducesTimmsBicubicAntialias() throws Exception {
    Path dir = Fixtures.dir().resolve("timm_variants");
    HostTensor trained = SafeTensors.read(dir.resolve("timm_vit_resample.safetensors")).tensors().get("pos_embed");
    HostTensor expected = Fixtures.io(dir, "timm_vit_resample").get("pos_embed_resampled");
    HostTensor ours = PositionEmbeddings.resample(trained, 1, 4, 4, 6, 6);
    assertEquals(List.of(1L, 37L, 48L), List.of(ours.dim(0), ours.dim(1), ours.dim(2)));
    assertTrue(ours.maxAbsDiff(expected) < 1e-6, "max diff " + ours.maxAbsDiff(expected));
    // the prefix row is copied unchanged
    assertTrue(java.util.Arrays.equals(ours.reshape(37, 48).row(0), trained.reshape(17, 48).row(0)));
  }

  /** Without the request to resample, a checkpoint of another grid is a mismatch naming pos_embed. */
  @Test
  void resamplingOnlyOnRequest() throws Exception {
    Path dir = Fixtures.dir().resolve("timm_variants");
    ReferenceModels.ReferenceModel ref = ReferenceModels.fromJsonFile(dir.resolve("timm_vit_resample.json"));
    assertTrue(ref.resamplePositions());
    CheckpointMismatchException e = assertThrows(CheckpointMismatchException.class,
        () -> Checkpoints.read(dir.resolve("timm_vit_resample.safetensors"), ref.config(), ref.source()));
    assertTrue(e.getMessage().contains("pos_embed has [1, 17, 48]"), e.getMessage());
    assertFalse(ReferenceModels.fromJsonFile(dir.resolve("timm_vit_gap.json")).resamplePositions());
  }

  /** max / avgmax pool the tokens after the class and register tokens (fc_norm=False: the pooled vector is the plain pool). */
  @Test
  void maxAndAvgMaxPoolingSkipPrefixTokens() throws Exception {
    for (String pool : List.of("max", "avgmax", "avg")) {
      ViTConfig c = vit(", \"global_pool\": \"" + pool + "\", \"reg_tokens\": 2, \"fc_norm\": false");
      assertEquals(NormPlacement.TOKENS, c.finalNorm());
      assertEquals(2, c.registerTokens());
      HostTensor images = RandomWeights.images(7, 2, 16, 16, 3);
      Map<String, HostTensor> out;
      try (VitModel m = VitModel.create(c, RandomWeights.of(c, 11))) {
        out = m.run(images, "tokens", "pooled");
      }
      HostTensor tokens = out.get("tokens");
      assertEquals(3 + 16, tokens.dim(1), "class + 2 registers + 16 patches");
      float[] expected = new float[2 * 12];
      for (int b = 0; b < 2; b++) {
        for (int d = 0; d < 12; d++) {
          double sum = 0;
          double max = Double.NEGATIVE_INFINITY;
          for (int t = 3; t < 19; t++) {
            double v = tokens.data()[(b * 19 + t) * 12 + d];
            sum += v;
            max = Math.max(max, v);
          }
          double avg = sum / 16;
          expected[b * 12 + d] = (float) (pool.equals("max") ? max : pool.equals("avg") ? avg : 0.5 * (avg + max));
        }
      }
      double diff = out.get("pooled").maxAbsDiff(new HostTensor(new long[] {2, 12}, expected));
      assertTrue(diff < 1e-5, pool + ": " + diff);
    }
  }

  /** fc_norm defaults on for the non-token pools and maps to timm's fc_norm keys; pre_norm adds norm_pre and drops the conv bias. */
  @Test
  void fcNormAndPreNormTables() throws Exception {
    ViTConfig gap = vit(", \"class_token\": false, \"global_pool\": \"avg\"");
    assertEquals(Pool.AVG, gap.pool());
    assertEquals(NormPlacement.POOLED, gap.finalNorm());
    List<String> keys = Checkpoints.mapping(gap, CheckpointSource.TIMM).entries().stream()
        .map(CheckpointMapping.Entry::theirs).toList();
    assertTrue(keys.contains("fc_norm.weight") && !keys.contains("norm.weight") && !keys.contains("cls_token"), keys.toString());

    ViTConfig pre = vit(", \"pre_norm\": true, \"init_values\": 0.1");
    List<String> ours = ModelParameters.of(pre).stream().map(ParameterSpec::name).toList();
    assertTrue(ours.contains("norm_pre/scale") && !ours.contains("patch_embed/proj/bias"), ours.toString());
    List<String> theirs = Checkpoints.mapping(pre, CheckpointSource.TIMM).entries().stream()
        .map(CheckpointMapping.Entry::theirs).toList();
    assertTrue(theirs.contains("norm_pre.bias") && theirs.contains("blocks.0.ls1.gamma")
        && !theirs.contains("patch_embed.proj.bias"), theirs.toString());
  }

  /** Arguments that change the function but are not built are errors naming them; never ignored. */
  @Test
  void unsupportedArgumentsAreNamed() {
    assertMessage("unsupported arguments [act_layer]", ", \"act_layer\": \"torch.nn.SiLU\"");
    assertMessage("global_pool='map' is not supported (supported: token, avg, max, avgmax)", ", \"global_pool\": \"map\"");
    assertMessage("global_pool='token' needs class_token=True", ", \"class_token\": false");
    assertMessage("argument 'qk_norm'=true is not supported", ", \"qk_norm\": true");
    assertMessage("block_fn 'my.Block2' is not supported", ", \"block_fn\": \"my.Block2\"");
    assertMessage("describe it as family timm_parallel_vit", ", \"block_fn\": \"ParallelThingsBlock\"");
  }

  private static void assertMessage(String expected, String extra) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> vit(extra));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  /** block_fn's branch count comes from num_parallel (ParallelThingsBlock's default is 2). */
  @Test
  void parallelBranchesFromBlockFn() throws Exception {
    ParallelViTConfig four = (ParallelViTConfig) ReferenceModels.fromKwargs("timm_parallel_vit", kwargs(
        ", \"block_fn\": \"functools.partial(timm.models.vision_transformer.ParallelThingsBlock, num_parallel=4)\"")).config();
    assertEquals(4, four.numParallelBranches());
    ParallelViTConfig two = (ParallelViTConfig) ReferenceModels.fromKwargs("timm_parallel_vit",
        kwargs(", \"block_fn\": \"ParallelThingsBlock\"")).config();
    assertEquals(2, two.numParallelBranches());
  }

  /** CaiT's class-attention MLP width follows mlp_ratio_token_only, not mlp_ratio. */
  @Test
  void caitTokenOnlyMlpRatio() throws Exception {
    CaiTConfig c = (CaiTConfig) ReferenceModels.fromKwargs("timm_cait", kwargs(", \"mlp_ratio\": 2.0, \"mlp_ratio_token_only\": 3.0")).config();
    assertEquals(24, c.mlpDim());
    assertEquals(36, c.classMlpDim());
    CaiTConfig d = (CaiTConfig) ReferenceModels.fromKwargs("timm_cait", kwargs(", \"mlp_ratio\": 2.0")).config();
    assertEquals(48, d.classMlpDim(), "timm's default mlp_ratio_token_only is 4");
  }
}
