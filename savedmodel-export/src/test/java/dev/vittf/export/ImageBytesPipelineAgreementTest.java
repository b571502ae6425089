package dev.vittf.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * How close the in-graph pipeline of {@code serving_image_bytes} (TensorFlow's DecodeJpeg and ScaleAndTranslate,
 * {@link PipelineOps}) gets to the source libraries' tensors in fixtures/preprocess, from the photo files: the
 * agreement target of the CPU pipeline, every value within one uint8 level and the mean at most 0.25 levels.
 */
class ImageBytesPipelineAgreementTest {
  private static final Path DIR = TestSupport.fixtures().resolve("preprocess");

  static Stream<Arguments> cases() {
    List<Arguments> out = new ArrayList<>();
    for (String image : List.of("chelsea.png", "coffee.png", "astronaut.png", "chelsea_q90.jpg", "coffee_progressive.jpg")) {
      for (String pipeline : List.of("hf_vit", "hf_deit", "timm_eval", "torchvision_vit_b_16")) {
        out.add(Arguments.of(image, pipeline));
      }
    }
    return out.stream();
  }

  /** The fixture's pipeline as the source library configured it (pipelines.json). */
  static ImagePipeline pipeline(String name) throws IOException {
    JsonNode p = new ObjectMapper().readTree(DIR.resolve("pipelines.json").toFile()).get("pipelines").get(name);
    return switch (name) {
      case "hf_vit", "hf_deit" -> ImagePipeline.huggingFace(p.get("preprocessor_config"));
      case "timm_eval" -> ImagePipeline.timm(p.get("resolved_data_config"));
      default -> ImagePipeline.torchvisionVitB16();
    };
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("cases")
  void inGraphPipelineWithinOneLevelOfTheSourceLibrary(String image, String name) throws IOException {
    ImagePipeline p = pipeline(name);
    String stem = image.substring(0, image.lastIndexOf('.'));
    HostTensor want = SafeTensors.read(DIR.resolve(stem + "." + name + ".safetensors")).tensors().get("pixel_values");
    HostTensor got = ImageDecoding.decode(List.of(Files.readAllBytes(DIR.resolve(image))), p.outputHeight(), p.outputWidth(), p);
    assertArrayEquals(want.shape(), got.shape());
    double max = 0;
    double sum = 0;
    int off = 0;
    float[] w = want.data();
    float[] g = got.data();
    for (int i = 0; i < w.length; i++) {
      double levels = Math.abs(w[i] - g[i]) * p.std()[i % 3] * 255;
      max = Math.max(max, levels);
      sum += levels;
      off += levels > 0.5 ? 1 : 0;
    }
    double mean = sum / w.length;
    System.out.printf(Locale.ROOT, "in-graph agreement %-24s %-22s max %.3f levels, mean %.4f levels, %.2f %% of values off%n",
        image, name, max, mean, 100.0 * off / w.length);
    assertTrue(max <= 1.0 + 1e-3, image + " " + name + ": max " + max + " levels > 1");
    assertTrue(mean <= 0.25, image + " " + name + ": mean " + mean + " levels > 0.25");
  }
}
