package dev.vittf.export;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vittf.core.GraphParameterStore;
import dev.vittf.core.ScanFreeScope;
import dev.vittf.models.ModelConfig;
import dev.vittf.models.ModelParameters;
import dev.vittf.models.Presets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tensorflow.Graph;

/** Both export paths build the model once, through ModelGraph, with the scan-free scope. */
class SavedModelEntryPointsTest {

  @ParameterizedTest(name = "xla={0}")
  @ValueSource(booleans = {false, true})
  void servingGraphBuildsTheModelWithTheScanFreeScope(boolean xla) {
    ModelConfig config = Presets.get("vit-tiny");
    try (Graph g = new Graph()) {
      GraphParameterStore store = GraphParameterStore.forLoading(g);
      ExportOptions options = ExportOptions.defaults().withXla(xla).withImageBytesSignature(true);
      try (SavedModelExporter.ServingGraph serving =
          SavedModelExporter.ServingGraph.build(g, config, store, options, config.preprocessing(), 5)) {
        assertEquals(ScanFreeScope.class, serving.modelScopeType());
        // The serving graph holds every parameter once, whichever path built the network.
        assertEquals(ModelParameters.of(config), store.parameters());
      }
    }
  }
}
