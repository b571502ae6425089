package dev.vittf.arch.parallelvit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vittf.blocks.PatchEmbedding;
import dev.vittf.core.InvalidConfigException;
import dev.vittf.models.ModelParameters;
import dev.vittf.models.NormPlacement;
import dev.vittf.models.Pool;
import dev.vittf.models.Presets;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Validation, builders and presets of {@link ParallelViTConfig}. */
class ParallelViTConfigTest {

  private static ParallelViTConfig.Builder valid() {
    return ParallelViTConfig.tiny().toBuilder();
  }

  static Stream<Arguments> invalid() {
    return Stream.of(
        bad(b -> b.imageSize(0, 32), "imageHeight", "must be > 0"),
        bad(b -> b.imageSize(32, -1), "imageWidth", "must be > 0"),
        bad(b -> b.patchSize(0, 8), "patchHeight", "must be > 0"),
        bad(b -> b.patchSize(8, 0), "patchWidth", "must be > 0"),
        bad(b -> b.channels(0), "channels", "must be > 0"),
        bad(b -> b.imageSize(30, 32), "imageHeight", "must be divisible by patchHeight=8"),
        bad(b -> b.imageSize(32, 36), "imageWidth", "must be divisible by patchWidth=8"),
        bad(b -> b.imageSize(65536).patchSize(65536).channels(1), "patchHeight*patchWidth*channels", "product overflows"),
        bad(b -> b.numClasses(0), "numClasses", "must be > 0"),
        bad(b -> b.dim(0), "dim", "must be > 0"),
        bad(b -> b.depth(0), "depth", "must be > 0"),
        bad(b -> b.heads(-2), "heads", "must be > 0"),
        bad(b -> b.dimHead(0), "dimHead", "must be > 0"),
        bad(b -> b.mlpDim(0), "mlpDim", "must be > 0"),
        bad(b -> b.numParallelBranches(0), "numParallelBranches", "must be > 0"),
        bad(b -> b.numParallelBranches(1000).heads(1000).dimHead(1000), "numParallelBranches*heads*dimHead", "product overflows"),
        bad(b -> b.numParallelBranches(100_000).mlpDim(100_000), "numParallelBranches*mlpDim", "product overflows"),
        bad(b -> b.pool(null), "pool", "must not be null"),
        bad(b -> b.embedding(null), "embedding", "must not be null"),
        bad(b -> b.finalNorm(null), "finalNorm", "must not be null"),
        bad(b -> b.attentionOutputProjection(false), "attentionOutputProjection", "may only be false when heads*dimHead == dim (2*32 != 48)"),
        bad(b -> b.normEps(0), "normEps", "must be finite and > 0"),
        bad(b -> b.normEps(Double.NaN), "normEps", "must be finite and > 0"),
        bad(b -> b.dropout(1.0), "dropout", "must be in [0, 1)"),
        bad(b -> b.embDropout(-0.1), "embDropout", "must be in [0, 1)"),
        bad(b -> b.attnDropout(1.5), "attnDropout", "must be in [0, 1)"),
        bad(b -> b.dropPath(Double.NaN), "dropPath", "must be in [0, 1)"),
        bad(b -> b.layerScaleInit(-1e-5), "layerScaleInit", "must be finite and >= 0 (0 disables LayerScale)"),
        bad(b -> b.layerScaleInit(Double.POSITIVE_INFINITY), "layerScaleInit", "must be finite and >= 0"));
  }

  private static Arguments bad(UnaryOperator<ParallelViTConfig.Builder> edit, String field, String rule) {
    return Arguments.of(edit, field, rule);
  }

  @ParameterizedTest(name = "{1}: {2}")
  @MethodSource("invalid")
  void rejectsInvalidConfig(UnaryOperator<ParallelViTConfig.Builder> edit, String field, String rule) {
    InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> edit.apply(valid()).build());
    assertTrue(e.violations().stream().anyMatch(v -> v.field().equals(field) && v.rule().contains(rule)),
        "expected " + field + ": " + rule + " in " + e.getMessage());
    assertTrue(e.getMessage().startsWith("invalid ParallelViTConfig"), e.getMessage());
    assertTrue(e.getMessage().contains(field + "="), e.getMessage());
  }

  @Test
  void reportsEveryViolationAtOnce() {
    InvalidConfigException e = assertThrows(InvalidConfigException.class,
        () -> valid().dim(0).depth(0).numParallelBranches(0).dropout(2).build());
    assertEquals(4, e.violations().size(), e.getMessage());
    assertTrue(e.getMessage().contains("(4 problems)"), e.getMessage());
  }

  @Test
  void unsetBuilderReportsTheRequiredFields() {
    InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> ParallelViTConfig.builder().build());
    for (String f : new String[] {"imageHeight", "imageWidth", "patchHeight", "patchWidth", "numClasses", "dim", "depth", "heads", "mlpDim"}) {
      assertTrue(e.violations().stream().anyMatch(v -> v.field().equals(f)), f + " missing from " + e.getMessage());
    }
  }

  @Test
  void builderRoundTripKeepsNonDefaultValues() {
    ParallelViTConfig c = ParallelViTConfig.builder().imageSize(24, 40).patchSize(8, 10).channels(2).numClasses(7)
        .dim(24).depth(3).heads(2).dimHead(12).mlpDim(40).numParallelBranches(3).pool(Pool.MEAN)
        .embedding(PatchEmbedding.Style.CONV).qkvBias(true).attentionOutputProjection(false).normEps(1e-6)
        .finalNorm(NormPlacement.TOKENS).dropout(0.1).embDropout(0.2).attnDropout(0.3).dropPath(0.4)
        .layerScaleInit(0.5).build();
    assertEquals(c, c.toBuilder().build());
    assertEquals(3, c.numParallelBranches());
    assertEquals(12, c.numPatches());
  }

  @Test
  void seedPresetIsTheSeedUsage() {
    ParallelViTConfig s = (ParallelViTConfig) Presets.get("parallel-vit-seed");
    assertEquals(256, s.imageHeight());
    assertEquals(16, s.patchHeight());
    assertEquals(1000, s.numClasses());
    assertEquals(1024, s.dim());
    assertEquals(6, s.depth());
    assertEquals(8, s.heads());
    assertEquals(64, s.dimHead());
    assertEquals(2048, s.mlpDim());
    assertEquals(2, s.numParallelBranches());
    assertEquals(0.1, s.dropout());
    assertEquals(0.1, s.embDropout());
    assertEquals(PatchEmbedding.Style.LINEAR, s.embedding());
    assertEquals(NormPlacement.POOLED, s.finalNorm());
    assertEquals("parallel_vit", s.architecture());
  }

  /** The README's presets table; the counts are those of the built models. */
  @Test
  void presetParameterCounts() {
    assertEquals(77_674_472L, ModelParameters.count(Presets.get("parallel-vit-seed")));
    assertEquals(98_266L, ModelParameters.count(Presets.get("parallel-vit-tiny")));
    assertEquals(64_665_448L, ModelParameters.count(Presets.get("parallel-vit-s16-18x2")));
  }
}
