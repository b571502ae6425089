package dev.vittf.export;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vittf.classify.HubVitFixture;
import dev.vittf.core.HostTensor;
import dev.vittf.models.ModelConfig;
import dev.vittf.models.VitModel;
import dev.vittf.preprocess.ImagePipeline;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An exported hub model whose {@code serving_image_bytes} runs its own pipeline reproduces fixtures/classify/expected.json. */
class PipelineExportTest {
  @TempDir Path base;

  @Test
  void imageBytesSignatureWithTheCheckpointPipelineReproducesExpectedProbabilities() throws IOException {
    Path hub = TestSupport.fixtures().resolve("hub/hf_vit");
    ModelConfig config;
    Map<String, HostTensor> weights;
    try (VitModel model = HubVitFixture.load(hub)) {
      config = model.config();
      weights = model.weights();
    }
    Path dir = SavedModelExporter.export(config, new Weights.Values(weights), base,
        ExportOptions.defaults().withPipeline(ImagePipeline.forModel(hub))).directory();
    JsonNode expected = new ObjectMapper().readTree(TestSupport.fixtures().resolve("classify/expected.json").toFile()).get("results");
    List<String> names = new ArrayList<>();
    expected.fieldNames().forEachRemaining(names::add);
    List<byte[]> bytes = new ArrayList<>();
    for (String n : names) {
      bytes.add(Files.readAllBytes(TestSupport.fixtures().resolve("preprocess").resolve(n)));
    }
    try (ServingModel served = ServingModel.load(dir)) {
      HostTensor probabilities = served.predictEncoded(bytes).get(ServingSignatures.PROBABILITIES);
      for (int i = 0; i < names.size(); i++) {
        JsonNode want = expected.get(names.get(i)).get("probabilities");
        float[] got = probabilities.row(i);
        for (int k = 0; k < got.length; k++) {
          assertEquals(want.get(k).asDouble(), got[k], 1e-2, names.get(i) + " class " + k);
        }
      }
    }
  }
}
