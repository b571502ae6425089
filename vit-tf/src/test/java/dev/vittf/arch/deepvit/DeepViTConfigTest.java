package dev.vittf.arch.deepvit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vittf.core.InvalidConfigException;
import dev.vittf.core.ParameterSpec;
import dev.vittf.models.ModelConfig;
import dev.vittf.models.ModelParameters;
import dev.vittf.models.Pool;
import dev.vittf.models.Presets;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** DeepViT configs: validation, defaults, round trips, presets and their sizes, parameter names. */
class DeepViTConfigTest {

  private static InvalidConfigException deepvitInvalid(UnaryOperator<DeepViTConfig.Builder> edit) {
    return assertThrows(InvalidConfigException.class, () -> edit.apply(DeepViTConfig.tiny().toBuilder()).build());
  }

  private static void assertViolation(InvalidConfigException e, String field, String value, String rule) {
    String expected = field + "=" + value + ": " + rule;
    assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
    assertTrue(e.violations().stream().anyMatch(v -> v.field().equals(field) && v.rule().contains(rule)), e.violations().toString());
  }

  @Test
  void deepvitRulesAreChecked() {
    assertViolation(deepvitInvalid(b -> b.imageSize(36)), "imageHeight", "36", "must be divisible by patchHeight=8");
    assertViolation(deepvitInvalid(b -> b.heads(0)), "heads", "0", "must be > 0");
    assertViolation(deepvitInvalid(b -> b.depth(-1)), "depth", "-1", "must be > 0");
    assertViolation(deepvitInvalid(b -> b.dim(0)), "dim", "0", "must be > 0");
    assertViolation(deepvitInvalid(b -> b.dimHead(0)), "dimHead", "0", "must be > 0");
    assertViolation(deepvitInvalid(b -> b.mlpDim(-5)), "mlpDim", "-5", "must be > 0");
    assertViolation(deepvitInvalid(b -> b.numClasses(0)), "numClasses", "0", "must be > 0");
    assertViolation(deepvitInvalid(b -> b.pool(null)), "pool", "null", "must not be null");
    assertViolation(deepvitInvalid(b -> b.dropout(1)), "dropout", "1.0", "must be in [0, 1)");
    assertViolation(deepvitInvalid(b -> b.embDropout(-0.5)), "embDropout", "-0.5", "must be in [0, 1)");
    assertViolation(deepvitInvalid(b -> b.attnDropout(3)), "attnDropout", "3.0", "must be in [0, 1)");
    assertViolation(deepvitInvalid(b -> b.normEps(-1)), "normEps", "-1.0", "must be finite and > 0");
    assertViolation(deepvitInvalid(b -> b.channels(0)), "channels", "0", "must be > 0");
  }

  @Test
  void attentionDropoutDefaultsToDropout() {
    assertEquals(0.1, DeepViTConfig.seed().attnDropout());
    assertEquals(0.0, DeepViTConfig.seed().toBuilder().attnDropout(0).build().attnDropout());
  }

  @Test
  void toBuilderRoundTripsNonDefaultValues() {
    DeepViTConfig d = DeepViTConfig.builder().imageSize(24, 40).patchSize(8, 4).channels(1).numClasses(5).dim(20)
        .depth(3).heads(5).dimHead(6).mlpDim(30).pool(Pool.MEAN).normEps(1e-6).dropout(0.2).embDropout(0.1)
        .attnDropout(0.05).build();
    assertEquals(d, d.toBuilder().build());
  }

  // ---- presets ----

  @Test
  void seedPresetsMirrorTheSeedUsage() {
    DeepViTConfig d = (DeepViTConfig) Presets.get("deepvit-seed");
    assertEquals(List.of(256, 32, 1000, 1024, 6, 16, 2048, 64),
        List.of(d.imageHeight(), d.patchHeight(), d.numClasses(), d.dim(), d.depth(), d.heads(), d.mlpDim(), d.dimHead()));
    assertEquals(List.of(0.1, 0.1), List.of(d.dropout(), d.embDropout()));
  }
  @Test
  void presetParameterCounts() {
    Map<String, Long> expected = Map.of(
        "deepvit-tiny", 81_402L,
        "deepvit-seed", 54_632_104L,
        "deepvit-s", 25_933_324L,
        "deepvit-l", 57_404_692L);
    for (Map.Entry<String, Long> e : expected.entrySet()) {
      assertEquals(e.getValue(), ModelParameters.count(Presets.get(e.getKey())), e.getKey());
    }
  }

  @Test
  void presetsAreRegistered() {
    for (String n : List.of("deepvit-seed", "deepvit-tiny", "deepvit-s", "deepvit-l")) {
      ModelConfig c = Presets.get(n);
      assertTrue(n.startsWith(c.architecture()), n + " -> " + c.architecture());
    }
  }

  // ---- parameter names (the README lists them) ----

  @Test
  void parameterNamesOfTheTinyPresets() {
    List<String> deepvit = ModelParameters.of(DeepViTConfig.tiny()).stream().map(ParameterSpec::name).toList();
    assertEquals(List.of(
        "patch_embed/pre_norm/scale", "patch_embed/pre_norm/bias", "patch_embed/proj/kernel", "patch_embed/proj/bias",
        "patch_embed/post_norm/scale", "patch_embed/post_norm/bias", "cls_token", "pos_embed",
        "blocks/0/norm1/scale", "blocks/0/norm1/bias", "blocks/0/attn/qkv/kernel", "blocks/0/attn/reattn/kernel",
        "blocks/0/attn/reattn_norm/scale", "blocks/0/attn/reattn_norm/bias", "blocks/0/attn/proj/kernel",
        "blocks/0/attn/proj/bias", "blocks/0/norm2/scale", "blocks/0/norm2/bias", "blocks/0/mlp/fc1/kernel",
        "blocks/0/mlp/fc1/bias", "blocks/0/mlp/fc2/kernel", "blocks/0/mlp/fc2/bias"),
        deepvit.subList(0, 22));
    assertEquals(List.of("norm/scale", "norm/bias", "head/kernel", "head/bias"), deepvit.subList(deepvit.size() - 4, deepvit.size()));
  }
}
