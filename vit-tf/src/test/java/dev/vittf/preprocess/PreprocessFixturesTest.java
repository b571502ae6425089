package dev.vittf.preprocess;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vittf.Fixtures;
import dev.vittf.core.HostTensor;
import dev.vittf.io.SafeTensors;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every photo (PNG and JPEG) through every pipeline of {@code fixtures/preprocess}, against the tensors
 * transformers, timm and torchvision produced: each value within one uint8 level ({@code 1/255/std}) and
 * the mean difference within 0.25 levels.
 */
class PreprocessFixturesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path DIR = Fixtures.dir().resolve("preprocess");
  private static final List<String> IMAGES =
      List.of("chelsea.png", "coffee.png", "astronaut.png", "chelsea_q90.jpg", "coffee_progressive.jpg");
  private static final List<String> PIPELINES = List.of("hf_vit", "hf_deit", "timm_eval", "torchvision_vit_b_16");
  private static ImageDecoder decoder;

  @BeforeAll
  static void open() {
    decoder = new ImageDecoder();
  }

  @AfterAll
  static void close() {
    decoder.close();
  }

  static ImagePipeline pipeline(String name) throws IOException {
    JsonNode p = JSON.readTree(DIR.resolve("pipelines.json").toFile()).get("pipelines").get(name);
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

  static Stream<Arguments> cases() {
    List<Arguments> out = new ArrayList<>();
    for (String image : IMAGES) {
      for (String pipeline : PIPELINES) {
        out.add(Arguments.of(image, pipeline));
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("cases")
  void withinOneLevel(String image, String pipelineName) throws IOException {
    ImagePipeline pipeline = pipeline(pipelineName);
    String stem = image.substring(0, image.lastIndexOf('.'));
    HostTensor expected = SafeTensors.read(DIR.resolve(stem + "." + pipelineName + ".safetensors")).tensors().get("pixel_values");
    HostTensor actual = pipeline.tensor(decoder.decode(DIR.resolve(image)));
    assertArrayEquals(expected.shape(), actual.shape());
    double max = 0;
    double sum = 0;
    float[] e = expected.data();
    float[] a = actual.data();
    for (int i = 0; i < e.length; i++) {
      // One uint8 level is 1/255/std in normalised units.
      double levels = Math.abs(e[i] - a[i]) * pipeline.std()[i % 3] * 255;
      max = Math.max(max, levels);
      sum += levels;
    }
    double mean = sum / e.length;
    System.out.printf(Locale.ROOT, "preprocess agreement %-24s %-22s max %.6f levels, mean %.7f levels%n", image,
        pipelineName, max, mean);
    assertTrue(max <= 1.0 + 1e-3, image + " " + pipelineName + ": max diff " + max + " levels > 1");
    assertTrue(mean <= 0.25, image + " " + pipelineName + ": mean diff " + mean + " levels > 0.25");
  }

  @Test
  void geometryMatchesTheRecordedResizeAndCrop() throws IOException {
    JsonNode images = JSON.readTree(DIR.resolve("pipelines.json").toFile()).get("images");
    int checked = 0;
    for (var it = images.fields(); it.hasNext(); ) {
      var img = it.next().getValue();
      int h = img.get("height").asInt();
      int w = img.get("width").asInt();
      for (String p : PIPELINES) {
        JsonNode rec = img.get("pipelines").get(p);
        int[] g = pipeline(p).geometry(h, w);
        assertEquals(rec.get("resized_hw").get(0).asInt(), g[0], p);
        assertEquals(rec.get("resized_hw").get(1).asInt(), g[1], p);
        JsonNode crop = rec.get("crop_top_left");
        if (!crop.isNull()) {
          assertEquals(crop.get(0).asInt(), g[2], p);
          assertEquals(crop.get(1).asInt(), g[3], p);
        }
        checked++;
      }
    }
    assertEquals(12, checked);
  }
}
