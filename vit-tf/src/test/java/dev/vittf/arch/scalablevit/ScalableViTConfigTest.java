package dev.vittf.arch.scalablevit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vittf.core.InvalidConfigException;
import dev.vittf.models.ModelParameters;
import dev.vittf.models.Presets;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Validation, per-stage lists, feature-map geometry and presets of {@link ScalableViTConfig}. */
class ScalableViTConfigTest {

  /** 4 stages on 64x64: maps 16, 8, 4, 2. */
  private static ScalableViTConfig.Builder valid() {
    return ScalableViTConfig.builder().imageSize(64).numClasses(10).dim(8).depth(1, 1, 1, 1).heads(1, 2, 2, 4)
        .reductionFactor(4, 2, 1, 1).windowSize(4, 4, null, null);
  }

  static Stream<Arguments> invalid() {
    return Stream.of(
        bad(b -> b.imageSize(0, 64), "imageHeight", "must be > 0"),
        bad(b -> b.imageSize(64, -3), "imageWidth", "must be > 0"),
        bad(b -> b.channels(0), "channels", "must be > 0"),
        bad(b -> b.numClasses(0), "numClasses", "must be > 0"),
        bad(b -> b.dim(0), "dim", "must be > 0"),
        bad(b -> b.depth((int[]) null), "depth", "must not be null"),
        bad(b -> b.depth(), "depth", "must have at least one stage"),
        bad(b -> b.depth(1, 0, 1, 1), "depth[1]", "must be > 0"),
        bad(b -> b.depth(new int[40]).heads(1).reductionFactor(1).windowSize((Integer) null), "depth",
            "too many stages: the last stage's width dim*2^(stages-1) must stay < 2^25"),
        bad(b -> b.heads((int[]) null), "heads", "must not be null"),
        bad(b -> b.heads(2, 4, 8), "heads", "must have 1 entry (same for every stage) or one per stage (4 stages, from depth), got 3"),
        bad(b -> b.heads(1, 2, 0, 4), "heads[2]", "must be > 0"),
        bad(b -> b.heads(0), "heads[0]", "must be > 0"),
        bad(b -> b.ssaDimKey(8, 8), "ssaDimKey", "one per stage (4 stages, from depth), got 2"),
        bad(b -> b.ssaDimKey(-1), "ssaDimKey[0]", "must be > 0"),
        bad(b -> b.ssaDimValue(8, 8, 8, 8, 8), "ssaDimValue", "got 5"),
        bad(b -> b.ssaDimValue(8, 8, 8, 0), "ssaDimValue[3]", "must be > 0"),
        bad(b -> b.reductionFactor((int[]) null), "reductionFactor", "must not be null"),
        bad(b -> b.reductionFactor(4, 2), "reductionFactor", "got 2"),
        bad(b -> b.reductionFactor(4, 0, 1, 1), "reductionFactor[1]", "must be > 0"),
        bad(b -> b.iwsaDimKey(8, 8, 8), "iwsaDimKey", "got 3"),
        bad(b -> b.iwsaDimKey(0), "iwsaDimKey[0]", "must be > 0"),
        bad(b -> b.iwsaDimValue(8, 8), "iwsaDimValue", "got 2"),
        bad(b -> b.iwsaDimValue(8, 8, -8, 8), "iwsaDimValue[2]", "must be > 0"),
        bad(b -> b.windowSize((Integer[]) null), "windowSize", "must not be null"),
        bad(b -> b.windowSize(4, 4, null), "windowSize", "got 3"),
        bad(b -> b.windowSize(4, 0, null, null), "windowSize[1]", "must be > 0 (or null for the whole map)"),
        bad(b -> b.ffExpansionFactor(0), "ffExpansionFactor", "must be > 0"),
        bad(b -> b.ffExpansionFactor(1_000_000), "ffExpansionFactor", "product overflows"),
        bad(b -> b.heads(100_000).ssaDimKey(100_000), "heads[0]*dims", "product overflows"),
        bad(b -> b.dropout(1), "dropout", "must be in [0, 1)"),
        bad(b -> b.normEps(-1), "normEps", "must be finite and > 0"),
        // geometry, known at validation time because the image size is
        bad(b -> b.windowSize(3, 4, null, null), "windowSize[0]",
            "must divide the feature map: the stage-0 feature map is 16x16 (image 64x64), not divisible by window 3"),
        bad(b -> b.windowSize(4, 8, null, null).imageSize(64, 96), "windowSize[1]",
            "the stage-1 feature map is 8x12 (image 64x96), not divisible by window 8"),
        bad(b -> b.windowSize(32, null, null, null), "windowSize[0]", "the stage-0 feature map is 16x16 (image 64x64), not divisible by window 32"),
        bad(b -> b.reductionFactor(4, 2, 8, 1), "reductionFactor[2]",
            "must not exceed the feature map: the stage-2 feature map is 4x4 (image 64x64)"));
  }

  private static Arguments bad(UnaryOperator<ScalableViTConfig.Builder> edit, String field, String rule) {
    return Arguments.of(edit, field, rule);
  }

  @ParameterizedTest(name = "{1}: {2}")
  @MethodSource("invalid")
  void rejectsInvalidConfig(UnaryOperator<ScalableViTConfig.Builder> edit, String field, String rule) {
    InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> edit.apply(valid()).build());
    assertTrue(e.violations().stream().anyMatch(v -> v.field().equals(field) && v.rule().contains(rule)),
        "expected " + field + ": " + rule + " in " + e.getMessage());
    assertTrue(e.getMessage().startsWith("invalid ScalableViTConfig"), e.getMessage());
  }

  /** Null entries can only come through the canonical constructor (e.g. from Python kwargs with None). */
  @Test
  void nullEntriesOutsideWindowSize() {
    List<Integer> withNull = Arrays.asList(1, null);
    InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> new ScalableViTConfig(64, 64, 3, 10, 8,
        withNull, withNull, List.of(8), List.of(8), List.of(2, 1), List.of(8), List.of(8), Arrays.asList(4, null), 4, 0,
        1e-5, false));
    assertTrue(e.violations().stream().anyMatch(v -> v.field().equals("depth[1]") && v.rule().equals("must be > 0")), e.getMessage());
    assertTrue(e.violations().stream().anyMatch(v -> v.field().equals("heads[1]") && v.rule().equals("must not be null")), e.getMessage());
    assertFalse(e.violations().stream().anyMatch(v -> v.field().startsWith("windowSize")), "null windows are allowed: " + e.getMessage());
  }

  @Test
  void reportsEveryViolationAtOnce() {
    InvalidConfigException e = assertThrows(InvalidConfigException.class,
        () -> valid().dim(0).heads(1, 2).iwsaDimKey(0).dropout(-1).build());
    assertEquals(4, e.violations().size(), e.getMessage());
  }

  @Test
  void singleValuesApplyToEveryStage() {
    ScalableViTConfig c = valid().heads(2).ssaDimKey(16).windowSize(2).build();
    assertEquals(List.of(2, 2, 2, 2), c.heads());
    assertEquals(List.of(16, 16, 16, 16), c.ssaDimKey());
    assertEquals(List.of(32, 32, 32, 32), c.iwsaDimValue());
    assertEquals(List.of(2, 2, 2, 2), c.windowSize());
    assertEquals(4, c.numStages());
    assertEquals(64, c.stageDim(3));
  }

  @Test
  void defaultWindowIsTheWholeMap() {
    ScalableViTConfig c = ScalableViTConfig.builder().imageSize(64).numClasses(10).dim(8).depth(1, 1).heads(1)
        .reductionFactor(2).build();
    assertEquals(Arrays.asList(null, null), c.windowSize());
  }

  @Test
  void builderRoundTripKeepsNonDefaultValues() {
    ScalableViTConfig c = valid().channels(1).imageSize(64, 96).ssaDimKey(8, 8, 8, 4).ssaDimValue(4).iwsaDimKey(4)
        .iwsaDimValue(8, 8, 8, 8).windowSize(2, 2, 2, null).ffExpansionFactor(2).dropout(0.2).normEps(1e-6)
        .upstreamBlockOrder(true).build();
    assertEquals(c, c.toBuilder().build());
    assertTrue(c.upstreamBlockOrder());
  }

  /** Stem 7x7/4 pad 3 then 3x3/2 pad 1 per stage (PyTorch's floor formula, also for odd sizes). */
  @Test
  void featureMapSizes() {
    assertArrayEquals(new int[][] {{16, 24}, {8, 12}, {4, 6}, {2, 3}}, valid().imageSize(64, 96).build().stageMaps());
    ScalableViTConfig odd = ScalableViTConfig.builder().imageSize(30, 33).numClasses(2).dim(4).depth(1, 1, 1).heads(1)
        .reductionFactor(1).build();
    // (30 + 6 - 7) / 4 + 1 = 8, (33 - 1) / 4 + 1 = 9; then (8 - 1) / 2 + 1 = 4, 5; then 2, 3
    assertArrayEquals(new int[][] {{8, 9}, {4, 5}, {2, 3}}, odd.stageMaps());
  }

  /**
   * The seed usage is valid for a 256 input: the maps are 64, 32, 16, 8 and the windows 64 and 32
   * each cover their whole stage-0 / stage-1 map. The same windows are not valid at 224.
   */
  @Test
  void seedPresetIsValidAt256ButNotAt224() {
    ScalableViTConfig s = (ScalableViTConfig) Presets.get("scalable-vit-seed");
    assertArrayEquals(new int[][] {{64, 64}, {32, 32}, {16, 16}, {8, 8}}, s.stageMaps());
    assertEquals(Arrays.asList(64, 32, null, null), s.windowSize());
    assertEquals(List.of(2, 2, 20, 2), s.depth());
    assertEquals(List.of(2, 4, 8, 16), s.heads());
    assertEquals(List.of(40, 40, 40, 32), s.ssaDimKey());
    assertEquals(List.of(8, 4, 2, 1), s.reductionFactor());
    assertEquals(0.1, s.dropout());
    assertFalse(s.upstreamBlockOrder());
    InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> s.toBuilder().imageSize(224).build());
    assertTrue(e.getMessage().contains("windowSize[0]=64: must divide the feature map: the stage-0 feature map is 56x56 (image 224x224)"), e.getMessage());
    assertTrue(e.getMessage().contains("windowSize[1]=32: must divide the feature map: the stage-1 feature map is 28x28"), e.getMessage());
  }

  @Test
  void smallPresetUsesSevenBySevenWindowsAt224() {
    ScalableViTConfig s = (ScalableViTConfig) Presets.get("scalable-vit-s");
    assertArrayEquals(new int[][] {{56, 56}, {28, 28}, {14, 14}, {7, 7}}, s.stageMaps());
    assertEquals(List.of(7, 7, 7, 7), s.windowSize());
    assertEquals(List.of(1, 1, 10, 1), s.depth());
  }

  /** The README's presets table; the counts are those of the built models. */
  @Test
  void presetParameterCounts() {
    assertEquals(99_082L, ModelParameters.count(Presets.get("scalable-vit-tiny"))); // = the fixture's num_parameters
    assertEquals(75_917_544L, ModelParameters.count(Presets.get("scalable-vit-seed")));
    assertEquals(39_000_360L, ModelParameters.count(Presets.get("scalable-vit-s")));
  }
}
