package dev.vittf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vittf.arch.vit.ViTConfig;
import dev.vittf.core.InvalidConfigException;
import dev.vittf.io.ReferenceModels;
import dev.vittf.models.Pool;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** Every ViT config rule, each with the message it produces. */
class ViTConfigValidationTest {

  private static ViTConfig.Builder valid() {
    return ViTConfig.tiny().toBuilder();
  }

  private static String rejected(UnaryOperator<ViTConfig.Builder> change) {
    InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> change.apply(valid()).build());
    return e.getMessage();
  }

  private static void assertRejected(UnaryOperator<ViTConfig.Builder> change, String expected) {
    String msg = rejected(change);
    assertTrue(msg.contains(expected), "message '" + msg + "' should contain '" + expected + "'");
  }

  @Test
  void validPresetsBuild() {
    assertEquals(32, valid().build().imageHeight());
    assertEquals(1024, ViTConfig.seed().dim());
  }

  @Test
  void patchMustDivideImageHeight() {
    assertRejected(b -> b.imageSize(30, 32), "imageHeight=30: must be divisible by patchHeight=8");
  }

  @Test
  void patchMustDivideImageWidth() {
    assertRejected(b -> b.imageSize(32, 36), "imageWidth=36: must be divisible by patchWidth=8");
  }

  @Test
  void imageSizeMustBePositive() {
    assertRejected(b -> b.imageSize(0, 32), "imageHeight=0: must be > 0");
    assertRejected(b -> b.imageSize(32, -8), "imageWidth=-8: must be > 0");
  }

  @Test
  void patchSizeMustBePositive() {
    assertRejected(b -> b.patchSize(0, 8), "patchHeight=0: must be > 0");
    assertRejected(b -> b.patchSize(8, -1), "patchWidth=-1: must be > 0");
  }

  @Test
  void channelsMustBePositive() {
    assertRejected(b -> b.channels(0), "channels=0: must be > 0");
  }

  @Test
  void numClassesMustBePositive() {
    assertRejected(b -> b.numClasses(0), "numClasses=0: must be > 0");
  }

  @Test
  void dimMustBePositive() {
    assertRejected(b -> b.dim(-64), "dim=-64: must be > 0");
  }

  @Test
  void depthMustBePositive() {
    assertRejected(b -> b.depth(0), "depth=0: must be > 0");
  }

  @Test
  void headsMustBePositive() {
    assertRejected(b -> b.heads(0), "heads=0: must be > 0");
  }

  @Test
  void dimHeadMustBePositive() {
    assertRejected(b -> b.dimHead(0), "dimHead=0: must be > 0");
  }

  @Test
  void mlpDimMustBePositive() {
    assertRejected(b -> b.mlpDim(0), "mlpDim=0: must be > 0");
  }

  @Test
  void headsTimesDimHeadMustNotOverflow() {
    assertRejected(b -> b.heads(65536).dimHead(65536), "heads*dimHead=65536*65536: product overflows (must be < 2^31)");
  }

  @Test
  void poolMustBeSet() {
    assertRejected(b -> b.pool(null), "pool=null: must not be null");
  }

  @Test
  void classPoolingNeedsClassToken() {
    assertRejected(b -> b.pool(Pool.CLS).classToken(false), "classToken=false: pool=CLS needs a class token");
  }

  @Test
  void meanPoolingWithoutClassTokenIsValid() {
    assertEquals(Pool.MEAN, valid().pool(Pool.MEAN).classToken(false).build().pool());
  }

  @Test
  void dropoutRatesMustBeInUnitInterval() {
    assertRejected(b -> b.dropout(1.0), "dropout=1.0: must be in [0, 1)");
    assertRejected(b -> b.embDropout(-0.1), "embDropout=-0.1: must be in [0, 1)");
    assertRejected(b -> b.attnDropout(1.5), "attnDropout=1.5: must be in [0, 1)");
    assertRejected(b -> b.dropPath(Double.NaN), "dropPath=NaN: must be in [0, 1)");
  }

  @Test
  void normEpsMustBePositiveAndFinite() {
    assertRejected(b -> b.normEps(0), "normEps=0.0: must be finite and > 0");
    assertRejected(b -> b.normEps(Double.POSITIVE_INFINITY), "normEps=Infinity: must be finite and > 0");
  }

  @Test
  void droppingTheOutputProjectionNeedsMatchingWidths() {
    assertRejected(b -> b.heads(2).attentionOutputProjection(false),
        "attentionOutputProjection=false: may only be false when heads*dimHead == dim (2*16 != 64)");
    assertEquals(false, valid().heads(1).dimHead(64).attentionOutputProjection(false).build().attentionOutputProjection());
  }

  @Test
  void layerScaleMustBeNonNegative() {
    assertRejected(b -> b.layerScaleInit(-1e-5), "layerScaleInit=-1.0E-5: must be finite and >= 0");
  }

  @Test
  void embeddingAndFinalNormMustBeSet() {
    assertRejected(b -> b.embedding(null), "embedding=null: must not be null");
    assertRejected(b -> b.finalNorm(null), "finalNorm=null: must not be null");
  }

  @Test
  void everyViolationIsReportedAtOnce() {
    InvalidConfigException e = assertThrows(InvalidConfigException.class,
        () -> valid().imageSize(30, 32).heads(0).dropout(2).build());
    assertEquals(3, e.violations().size(), e.getMessage());
    assertTrue(e.getMessage().startsWith("invalid ViTConfig (3 problems): "), e.getMessage());
    assertEquals("imageHeight", e.violations().get(0).field());
  }

  @Test
  void referenceKwargsAreCheckedToo() {
    ObjectMapper json = new ObjectMapper();
    ObjectNode k = json.createObjectNode().put("image_size", 32).put("patch_size", 8).put("num_classes", 10)
        .put("dim", 64).put("depth", 1).put("heads", 2).put("mlp_dim", 64).put("pool", "max");
    IllegalArgumentException pool = assertThrows(IllegalArgumentException.class, () -> ReferenceModels.fromKwargs("vit", k));
    assertEquals("vit-pytorch ViT: pool must be 'cls' or 'mean', got 'max'", pool.getMessage());
    k.put("pool", "cls").put("bogus", 1);
    IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> ReferenceModels.fromKwargs("vit", k));
    assertEquals("vit-pytorch ViT: unsupported arguments [bogus]", unknown.getMessage());
    k.remove("bogus");
    k.remove("dim");
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> ReferenceModels.fromKwargs("vit", k));
    assertEquals("vit-pytorch ViT: missing required argument 'dim'", missing.getMessage());
    k.put("dim", 64).put("image_size", 30);
    InvalidConfigException invalid = assertThrows(InvalidConfigException.class, () -> ReferenceModels.fromKwargs("vit", k));
    assertTrue(invalid.getMessage().contains("imageHeight=30: must be divisible by patchHeight=8"), invalid.getMessage());
    UnsupportedOperationException family =
        assertThrows(UnsupportedOperationException.class, () -> ReferenceModels.fromKwargs("swin", k));
    assertEquals("model family 'swin' is not implemented yet; known: vit, timm_vit, hf_vit, torchvision_vit, deepvit, cait, timm_cait, parallel_vit, "
        + "timm_parallel_vit, scalable_vit", family.getMessage());
  }
}
