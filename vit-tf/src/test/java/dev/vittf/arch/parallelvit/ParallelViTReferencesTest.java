package dev.vittf.arch.parallelvit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vittf.Fixtures;
import dev.vittf.io.ReferenceModels;
import org.junit.jupiter.api.Test;

/** Reference-model conversion of the Parallel ViT families (vit-pytorch and timm). */
class ParallelViTReferencesTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void fixtureConfigs() throws Exception {
    assertEquals(ParallelViTConfig.tiny(), ReferenceModels.fromJson(JSON.readTree(Fixtures.dir().resolve("parallel_vit.json").toFile())).config());
    // timm's defaults for vit_small_patch16_18x2_224 are our preset
    assertEquals(ParallelViTConfig.small16x18x2(),
        ReferenceModels.fromKwargs("timm_parallel_vit", JSON.readTree("{\"pretrained\": false}")).config());
  }
}
