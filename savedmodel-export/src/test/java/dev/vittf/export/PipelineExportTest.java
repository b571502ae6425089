package dev.vittf.export;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vittf.core.HostTensor;
import dev.vittf.io.Pretrained;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An exported hub folder answers {@code serving_image_bytes} with its own pipeline and its own labels, reproducing
 * fixtures/classify/expected.json (probabilities within 1e-2, the same top-k labels) from the photo files.
 */
class PipelineExportTest {
  @TempDir Path base;

  @Test
  void anExportedHubModelAnswersPhotosWithItsLabelsAsTheSourceLibrary() throws IOException {
    Path hub = TestSupport.fixtures().resolve("hub/hf_vit");
    Path dir = SavedModelExporter.export(Pretrained.load(hub), base, ExportOptions.defaults().withTopK(3),
        ExportProgress.NONE).directory();
    assertEquals(List.of("tabby cat", "golden retriever", "espresso", "space shuttle", "daisy"),
        Files.readAllLines(dir.resolve("assets/labels.txt")));
    JsonNode expected = new ObjectMapper().readTree(TestSupport.fixtures().resolve("classify/expected.json").toFile()).get("results");
    List<String> names = new ArrayList<>();
    expected.fieldNames().forEachRemaining(names::add);
    List<byte[]> bytes = new ArrayList<>();
    for (String n : names) {
      bytes.add(Files.readAllBytes(TestSupport.fixtures().resolve("preprocess").resolve(n)));
    }
    try (ServingModel served = ServingModel.load(dir)) {
      ServingModel.Outputs out = served.outputsEncoded(bytes);
      HostTensor probabilities = out.tensors().get(ServingSignatures.PROBABILITIES);
      HostTensor scores = out.tensors().get(ServingSignatures.SCORES);
      for (int i = 0; i < names.size(); i++) {
        JsonNode want = expected.get(names.get(i));
        float[] got = probabilities.row(i);
        for (int k = 0; k < got.length; k++) {
          assertEquals(want.get("probabilities").get(k).asDouble(), got[k], 1e-2, names.get(i) + " class " + k);
        }
        JsonNode top = want.get("top_k");
        for (int r = 0; r < top.size(); r++) {
          assertEquals(top.get(r).get("label").asText(), out.classes().get(i).get(r), names.get(i) + " rank " + r);
          assertEquals(top.get(r).get("probability").asDouble(), scores.row(i)[r], 1e-2, names.get(i) + " rank " + r);
        }
      }
    }
  }
}
