package dev.vittf.arch.cait;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vittf.blocks.AttentionConfig.QkvLayout;
import dev.vittf.blocks.LayerScale;
import dev.vittf.blocks.PatchEmbedding;
import dev.vittf.core.InvalidConfigException;
import dev.vittf.core.ParameterSpec;
import dev.vittf.models.ModelConfig;
import dev.vittf.models.ModelParameters;
import dev.vittf.models.Presets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** CaiT configs: validation (one test per rule), defaults, round trips, presets and their sizes, parameter names. */
class CaiTConfigTest {

  // ---- invalid configs: every rule, message names field, value and rule ----

  private static InvalidConfigException caitInvalid(UnaryOperator<CaiTConfig.Builder> edit) {
    return assertThrows(InvalidConfigException.class, () -> edit.apply(CaiTConfig.tiny().toBuilder()).build());
  }

  private static void assertViolation(InvalidConfigException e, String field, String value, String rule) {
    String expected = field + "=" + value + ": " + rule;
    assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
    assertTrue(e.violations().stream().anyMatch(v -> v.field().equals(field) && v.rule().contains(rule)), e.violations().toString());
  }

  @Test
  void caitClsDepthBelowOneIsRejected() {
    assertViolation(caitInvalid(b -> b.clsDepth(0)), "clsDepth", "0", "must be >= 1");
    assertViolation(caitInvalid(b -> b.clsDepth(-2)), "clsDepth", "-2", "must be >= 1");
  }

  @Test
  void caitLayerDropoutOutsideUnitIntervalIsRejected() {
    assertViolation(caitInvalid(b -> b.layerDropout(1.0)), "layerDropout", "1.0", "must be in [0, 1)");
    assertViolation(caitInvalid(b -> b.layerDropout(-0.1)), "layerDropout", "-0.1", "must be in [0, 1)");
    assertViolation(caitInvalid(b -> b.layerDropout(Double.NaN)), "layerDropout", "NaN", "must be in [0, 1)");
    assertEquals(0.999, CaiTConfig.tiny().toBuilder().layerDropout(0.999).build().layerDropout());
  }

  @Test
  void caitOtherRatesAreChecked() {
    assertViolation(caitInvalid(b -> b.dropout(1.5)), "dropout", "1.5", "must be in [0, 1)");
    assertViolation(caitInvalid(b -> b.embDropout(-1)), "embDropout", "-1.0", "must be in [0, 1)");
    assertViolation(caitInvalid(b -> b.attnDropout(1)), "attnDropout", "1.0", "must be in [0, 1)");
  }

  @Test
  void caitImageMustBeDivisibleByPatch() {
    assertViolation(caitInvalid(b -> b.imageSize(30, 32)), "imageHeight", "30", "must be divisible by patchHeight=8");
    assertViolation(caitInvalid(b -> b.patchSize(8, 5)), "imageWidth", "32", "must be divisible by patchWidth=5");
  }

  @Test
  void caitNonPositiveSizesAreRejected() {
    assertViolation(caitInvalid(b -> b.dim(0)), "dim", "0", "must be > 0");
    assertViolation(caitInvalid(b -> b.depth(0)), "depth", "0", "must be > 0");
    assertViolation(caitInvalid(b -> b.heads(-1)), "heads", "-1", "must be > 0");
    assertViolation(caitInvalid(b -> b.dimHead(0)), "dimHead", "0", "must be > 0");
    assertViolation(caitInvalid(b -> b.mlpDim(0)), "mlpDim", "0", "must be > 0");
    assertViolation(caitInvalid(b -> b.numClasses(0)), "numClasses", "0", "must be > 0");
    assertViolation(caitInvalid(b -> b.channels(0)), "channels", "0", "must be > 0");
    assertViolation(caitInvalid(b -> b.imageSize(0)), "imageHeight", "0", "must be > 0");
    assertViolation(caitInvalid(b -> b.patchSize(8, 0)), "patchWidth", "0", "must be > 0");
  }

  @Test
  void caitClassAttentionCannotUseFusedQkv() {
    assertViolation(caitInvalid(b -> b.classQkvLayout(QkvLayout.FUSED)), "classQkvLayout", "FUSED", "must be Q_KV or SEPARATE");
  }

  @Test
  void caitNullsAreRejected() {
    assertViolation(caitInvalid(b -> b.embedding(null)), "embedding", "null", "must not be null");
    assertViolation(caitInvalid(b -> b.patchQkvLayout(null)), "patchQkvLayout", "null", "must not be null");
    assertViolation(caitInvalid(b -> b.classQkvLayout(null)), "classQkvLayout", "null", "must not be null");
  }

  @Test
  void caitLayerScaleAndEpsMustBePositiveFinite() {
    assertViolation(caitInvalid(b -> b.layerScaleInit(0)), "layerScaleInit", "0.0", "must be finite and > 0");
    assertViolation(caitInvalid(b -> b.layerScaleInit(Double.POSITIVE_INFINITY)), "layerScaleInit", "Infinity", "must be finite and > 0");
    assertViolation(caitInvalid(b -> b.normEps(0)), "normEps", "0.0", "must be finite and > 0");
  }

  @Test
  void caitOverflowingWidthsAreRejected() {
    assertViolation(caitInvalid(b -> b.heads(1 << 16).dimHead(1 << 16)), "heads*dimHead", "65536*65536",
        "product overflows (must be < 2^31)");
  }

  /** The CaiT paper's Table 1 FLOPs (multiply-adds) of XXS24, XS24, S24 at 224: 2.5G, 5.4G, 9.4G. */
  @Test
  void caitPresetFlopsMatchThePaper() {
    Map<String, Double> paperGmacs = Map.of("cait-xxs24", 2.5, "cait-xs24", 5.4, "cait-s24", 9.4);
    for (Map.Entry<String, Double> e : paperGmacs.entrySet()) {
      double gmacs = Presets.get(e.getKey()).network().flopsPerImage() / 2e9;
      assertEquals(e.getValue(), gmacs, 0.1, e.getKey() + " GMACs " + gmacs);
    }
  }

  @Test
  void everyCaitViolationIsReportedAtOnce() {
    InvalidConfigException e = caitInvalid(b -> b.clsDepth(0).layerDropout(2).dim(0).imageSize(33));
    List<String> fields = e.violations().stream().map(InvalidConfigException.Violation::field).toList();
    assertTrue(fields.containsAll(List.of("clsDepth", "layerDropout", "dim", "imageHeight", "imageWidth")), fields.toString());
    assertTrue(e.getMessage().startsWith("invalid CaiTConfig (5 problems)"), e.getMessage());
  }

  // ---- defaults and round trips ----

  @Test
  void layerScaleDefaultsToThePaperEpsilonOfTheDepthAndIsOverridable() {
    assertEquals(0.1, CaiTConfig.tiny().layerScaleInit());
    assertEquals(0.1, CaiTConfig.tiny().toBuilder().depth(18).layerScaleInit(LayerScale.paperEpsilon(18)).build().layerScaleInit());
    assertEquals(1e-5, CaiTConfig.xxs24().layerScaleInit());
    CaiTConfig deep = CaiTConfig.builder().imageSize(32).patchSize(8).numClasses(10).dim(32).depth(36).clsDepth(2)
        .heads(2).mlpDim(64).build();
    assertEquals(1e-6, deep.layerScaleInit());
    assertEquals(0.1, CaiTConfig.seed().layerScaleInit(), "depth 12: 0.1 for every layer (not per layer index)");
    assertEquals(0.3, CaiTConfig.tiny().toBuilder().layerScaleInit(0.3).build().layerScaleInit());
  }

  @Test
  void layerScaleParametersStartAtEpsilonInEveryBlock() {
    CaiTConfig c = CaiTConfig.builder().imageSize(16).patchSize(8).numClasses(3).dim(8).depth(20).clsDepth(2)
        .heads(2).dimHead(4).mlpDim(16).build();
    List<ParameterSpec> gammas =
        ModelParameters.of(c).stream().filter(p -> p.name().endsWith("/gamma")).toList();
    assertEquals(2 * (20 + 2), gammas.size());
    for (ParameterSpec p : gammas) {
      assertEquals(new dev.vittf.core.Initializer.Constant(1e-5), p.initializer(), p.name());
    }
  }

  @Test
  void paperPresetsHaveThePaperShapes() {
    int[][] shapes = {{192, 4}, {288, 6}, {384, 8}};
    String[] names = {"cait-xxs24", "cait-xs24", "cait-s24"};
    for (int i = 0; i < names.length; i++) {
      CaiTConfig c = (CaiTConfig) Presets.get(names[i]);
      assertEquals(List.of(224, 16, shapes[i][0], 24, 2, shapes[i][1], shapes[i][0] / shapes[i][1], 4 * shapes[i][0]),
          List.of(c.imageHeight(), c.patchHeight(), c.dim(), c.depth(), c.clsDepth(), c.heads(), c.dimHead(), c.mlpDim()),
          names[i]);
      assertEquals(1e-6, c.normEps());
      assertTrue(c.normalizeClassContext() && !c.classTalkingHeads() && c.talkingHeadsBias() && c.qkvBias());
    }
  }

  @Test
  void attentionDropoutDefaultsToDropout() {
    assertEquals(0.1, CaiTConfig.seed().attnDropout());
    assertEquals(0.0, CaiTConfig.seed().toBuilder().attnDropout(0).build().attnDropout());
  }

  @Test
  void toBuilderRoundTripsNonDefaultValues() {
    CaiTConfig c = CaiTConfig.builder().timmStyle().imageSize(24, 40).patchSize(8, 4).channels(2).numClasses(7)
        .dim(24).depth(3).clsDepth(2).heads(3).dimHead(8).mlpDim(40).layerScaleInit(0.25).dropout(0.2)
        .embDropout(0.15).attnDropout(0.05).layerDropout(0.3).build();
    assertEquals(c, c.toBuilder().build());
    assertEquals(PatchEmbedding.Style.CONV, c.embedding());
    assertEquals(QkvLayout.SEPARATE, c.classQkvLayout());
    assertNotEquals(c, c.toBuilder().normalizeClassContext(false).build());
  }

  // ---- presets ----

  @Test
  void seedPresetsMirrorTheSeedUsage() {
    CaiTConfig c = (CaiTConfig) Presets.get("cait-seed");
    assertEquals(List.of(256, 256, 32, 32, 1000, 1024, 12, 2, 16, 2048),
        List.of(c.imageHeight(), c.imageWidth(), c.patchHeight(), c.patchWidth(), c.numClasses(), c.dim(), c.depth(),
            c.clsDepth(), c.heads(), c.mlpDim()));
    assertEquals(List.of(0.1, 0.1, 0.05), List.of(c.dropout(), c.embDropout(), c.layerDropout()));
  }

  /**
   * Parameter counts of the presets (the README table). For CaiT the paper's Table 1 reports XXS24
   * 12.0M, XS24 26.6M, S24 46.9M: ours must round to the same 0.1M.
   */
  @Test
  void presetParameterCounts() {
    Map<String, Long> expected = Map.of(
        "cait-tiny", 115_050L,
        "cait-seed", 121_839_592L,
        "cait-xxs24", 11_956_264L,
        "cait-xs24", 26_560_648L,
        "cait-s24", 46_916_200L);
    for (Map.Entry<String, Long> e : expected.entrySet()) {
      assertEquals(e.getValue(), ModelParameters.count(Presets.get(e.getKey())), e.getKey());
    }
    Map<String, Double> paperMillions = Map.of("cait-xxs24", 12.0, "cait-xs24", 26.6, "cait-s24", 46.9);
    for (Map.Entry<String, Double> e : paperMillions.entrySet()) {
      double ours = expected.get(e.getKey()) / 1e6;
      assertEquals(e.getValue(), Math.round(ours * 10) / 10.0, 1e-9, e.getKey() + " has " + ours + "M");
    }
  }

  @Test
  void presetsAreRegistered() {
    for (String n : List.of("cait-seed", "cait-tiny", "cait-xxs24", "cait-xs24", "cait-s24")) {
      ModelConfig c = Presets.get(n);
      assertTrue(n.startsWith(c.architecture()), n + " -> " + c.architecture());
    }
  }

  // ---- parameter names (the README lists them) ----

  @Test
  void parameterNamesOfTheTinyPresets() {
    List<String> cait = ModelParameters.of(CaiTConfig.tiny()).stream().map(ParameterSpec::name).toList();
    List<String> block = List.of("norm1/scale", "norm1/bias", "attn/q/kernel", "attn/kv/kernel", "attn/mix_pre/kernel",
        "attn/mix_post/kernel", "attn/proj/kernel", "attn/proj/bias", "ls1/gamma", "norm2/scale", "norm2/bias",
        "mlp/fc1/kernel", "mlp/fc1/bias", "mlp/fc2/kernel", "mlp/fc2/bias", "ls2/gamma");
    assertEquals(7 + 3 * block.size() + 1 + 4, cait.size(), cait.toString());
    assertEquals(List.of("patch_embed/pre_norm/scale", "patch_embed/pre_norm/bias", "patch_embed/proj/kernel",
        "patch_embed/proj/bias", "patch_embed/post_norm/scale", "patch_embed/post_norm/bias", "pos_embed"), cait.subList(0, 7));
    assertEquals(block.stream().map(s -> "blocks/1/" + s).toList(), cait.subList(7 + block.size(), 7 + 2 * block.size()));
    assertEquals("cls_token", cait.get(7 + 2 * block.size()));
    assertEquals(block.stream().map(s -> "cls_blocks/0/" + s).toList(), cait.subList(8 + 2 * block.size(), 8 + 3 * block.size()));

    CaiTConfig timm = CaiTConfig.tiny().toBuilder().timmStyle().dimHead(16).build();
    List<String> timmNames = ModelParameters.of(timm).stream().map(ParameterSpec::name).toList();
    assertTrue(timmNames.containsAll(List.of("patch_embed/proj/kernel", "blocks/0/attn/qkv/bias", "blocks/0/attn/mix_pre/bias",
        "blocks/0/attn/mix_post/bias", "cls_blocks/0/attn/q/bias", "cls_blocks/0/attn/k/kernel", "cls_blocks/0/attn/v/bias")),
        timmNames.toString());
    assertTrue(timmNames.stream().noneMatch(n -> n.startsWith("cls_blocks/0/attn/mix")), "timm class attention has no talking heads");
    assertEquals(List.of("patch_embed/proj/kernel", "patch_embed/proj/bias"), timmNames.subList(0, 2));
    ParameterSpec conv = ModelParameters.of(timm).stream().filter(p -> p.name().equals("patch_embed/proj/kernel")).findFirst().orElseThrow();
    assertEquals("[8, 8, 3, 64]", Arrays.toString(conv.shape()));
  }
}
