package dev.vittf.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vittf.core.HostTensor;
import dev.vittf.io.SafeTensors;
import dev.vittf.preprocess.ImagePipeline;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * The in-graph pipeline of {@code serving_image_bytes} against the transformers / timm / torchvision
 * tensors of every fixture photo: within one uint8 level, mean within 0.25 levels.
 */
class PipelineOpsTest {
  private static final Path DIR = TestSupport.fixtures().resolve("preprocess");
  private static final List<String> IMAGES =
      List.of("chelsea.png", "coffee.png", "astronaut.png", "chelsea_q90.jpg", "coffee_progressive.jpg");

  private static ImagePipeline pipeline(JsonNode pipelines, String name) {
    JsonNode p = pipelines.get(name);
    switch (name) {
      case "hf_vit":
      case "hf_deit":
        return ImagePipeline.huggingFace(p.get("preprocessor_config"));
      case "timm_eval":
        return ImagePipeline.timm(p.get("resolved_data_config"));
      default:
        return ImagePipeline.torchvisionVitB16();
    }
  }

  @Test
  void everyPhotoAndPipelineWithinOneLevel() throws IOException {
    JsonNode pipelines = new ObjectMapper().readTree(DIR.resolve("pipelines.json").toFile()).get("pipelines");
    List<byte[]> bytes = new ArrayList<>();
    for (String image : IMAGES) {
      bytes.add(Files.readAllBytes(DIR.resolve(image)));
    }
    for (String name : List.of("hf_vit", "hf_deit", "timm_eval", "torchvision_vit_b_16")) {
      ImagePipeline p = pipeline(pipelines, name);
      HostTensor batch = ImageDecoding.decode(bytes, 224, 224, p);
      assertArrayEquals(new long[] {IMAGES.size(), 224, 224, 3}, batch.shape());
      int per = 224 * 224 * 3;
      for (int i = 0; i < IMAGES.size(); i++) {
        String stem = IMAGES.get(i).substring(0, IMAGES.get(i).lastIndexOf('.'));
        float[] e = SafeTensors.read(DIR.resolve(stem + "." + name + ".safetensors")).tensors().get("pixel_values").data();
        double max = 0;
        double sum = 0;
        for (int k = 0; k < per; k++) {
          double levels = Math.abs(batch.data()[i * per + k] - e[k]) * p.std()[k % 3] * 255;
          max = Math.max(max, levels);
          sum += levels;
        }
        System.out.printf(Locale.ROOT, "in-graph pipeline %-24s %-22s max %.3f levels, mean %.4f levels%n", IMAGES.get(i), name,
            max, sum / per);
        assertTrue(max <= 1.0 + 1e-3 && sum / per <= 0.25, IMAGES.get(i) + " " + name + ": max " + max + " mean " + sum / per);
      }
    }
  }

  @Test
  void refusesStepsTensorFlowCannotExpress() {
    ObjectMapper json = new ObjectMapper();
    ImagePipeline hamming = ImagePipeline.huggingFace(json.createObjectNode().put("resample", 5));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> PipelineOps.check(hamming, 224, 224)).getMessage()
        .contains("HAMMING"));
    ImagePipeline border = ImagePipeline.timm(json.createObjectNode().put("crop_mode", "border"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> PipelineOps.check(border, 224, 224)).getMessage()
        .contains("ResizeKeepRatio"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> PipelineOps.check(ImagePipeline.torchvisionVitB16(), 32, 32))
        .getMessage().contains("224x224"));
  }
}
