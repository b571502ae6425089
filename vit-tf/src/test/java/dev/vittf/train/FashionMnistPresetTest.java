package dev.vittf.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vittf.io.ReferenceModels;
import dev.vittf.models.ModelConfig;
import dev.vittf.models.ModelParameters;
import dev.vittf.models.Presets;
import org.junit.jupiter.api.Test;

/** The acceptance-run preset is exactly the documented vit-pytorch model. */
class FashionMnistPresetTest {
  @Test
  void presetEqualsTheDocumentedVitPytorchConfig() throws Exception {
    ModelConfig preset = Presets.get("vit-fmnist");
    ModelConfig reference = ReferenceModels.fromJson(new ObjectMapper().readTree(
        "{\"family\": \"vit\", \"constructor_kwargs\": {\"image_size\": 28, \"patch_size\": 4, \"num_classes\": 10,"
            + " \"dim\": 64, \"depth\": 4, \"heads\": 4, \"dim_head\": 16, \"mlp_dim\": 128, \"channels\": 1, \"pool\": \"mean\"}}"))
        .config();
    assertEquals(reference, preset);
    assertEquals(138_282, ModelParameters.count(preset));
    // 49 tokens; per block qkv 49*64*192*2 + q.k and a.v 2*(4*49*49*16*2) + proj 49*64*64*2 + mlp 2*(49*64*128*2)
    // = 3,825,920; 4 blocks + patch projection 49*16*64*2 + head 64*10*2
    assertEquals(4 * 3_825_920L + 100_352 + 1_280, preset.network().flopsPerImage());
  }

  @Test
  void widerPresetEqualsItsDocumentedVitPytorchConfig() throws Exception {
    ModelConfig reference = ReferenceModels.fromJson(new ObjectMapper().readTree(
        "{\"family\": \"vit\", \"constructor_kwargs\": {\"image_size\": 28, \"patch_size\": 4, \"num_classes\": 10,"
            + " \"dim\": 96, \"depth\": 4, \"heads\": 4, \"dim_head\": 24, \"mlp_dim\": 192, \"channels\": 1, \"pool\": \"mean\"}}"))
        .config();
    assertEquals(reference, Presets.get("vit-fmnist-96"));
    assertEquals(305_706, ModelParameters.count(reference));
  }
}
