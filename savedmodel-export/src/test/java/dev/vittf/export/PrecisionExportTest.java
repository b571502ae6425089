package dev.vittf.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vittf.core.HostTensor;
import dev.vittf.core.Precision;
import dev.vittf.io.ReferenceModels;
import dev.vittf.io.SafeTensors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.SavedModel;

/**
 * {@code --precision bf16} exports: the graph itself computes in bf16 (explicit casts, float32 variables, input and
 * output), so a plain load (no session option, as TF Serving does) runs bf16 and keeps the accuracy contract on the
 * vit-pytorch fixture.
 */
class PrecisionExportTest {
  @Test
  void bf16ExportRunsBf16WithoutSessionOptions(@TempDir Path base) throws Exception {
    String previous = System.setProperty(Precision.FORCE_PROPERTY, "true");
    try {
      Path fixtures = TestSupport.fixtures();
      ReferenceModels.ReferenceModel ref = ReferenceModels.fromJsonFile(fixtures.resolve("vit.json"));
      Map<String, HostTensor> io = SafeTensors.read(fixtures.resolve("vit.io.safetensors")).tensors();
      SavedModelExporter.Result r = SavedModelExporter.export(ref.config(),
          Weights.checkpoint(fixtures.resolve("vit.safetensors"), ref.source()), base,
          ExportOptions.defaults().withPrecision(Precision.BF16));
      Map<String, Integer> matmuls = new TreeMap<>();
      Map<String, Integer> variables = new TreeMap<>();
      SavedModel sm = SavedModel.parseFrom(Files.readAllBytes(r.directory().resolve("saved_model.pb")));
      for (NodeDef n : sm.getMetaGraphs(0).getGraphDef().getNodeList()) {
        if (n.getOp().equals("MatMul")) {
          matmuls.merge(n.getAttrMap().get("T").getType().name(), 1, Integer::sum);
        }
        if (n.getOp().equals("VariableV2")) {
          variables.merge(n.getAttrMap().get("dtype").getType().name(), 1, Integer::sum);
        }
      }
      assertTrue(matmuls.getOrDefault(DataType.DT_BFLOAT16.name(), 0) > 0, "bf16 MatMuls in the graph: " + matmuls);
      assertEquals(1, matmuls.getOrDefault(DataType.DT_FLOAT.name(), 0), "only the head is float32: " + matmuls);
      assertEquals(Map.of(DataType.DT_FLOAT.name(), variables.values().iterator().next()), variables, "float32 weights");
      String meta = Files.readString(r.directory().resolve("assets.extra").resolve(ServingSignatures.METADATA_FILE));
      assertEquals("bf16", new ObjectMapper().readTree(meta).get("precision").asText());
      HostTensor expected = io.get("logits");
      HostTensor served;
      try (ServingModel m = ServingModel.load(r.directory())) {
        served = m.predict(io.get("input")).get(ServingSignatures.LOGITS);
      }
      double num = 0;
      double den = 0;
      for (int i = 0; i < expected.data().length; i++) {
        double d = served.data()[i] - expected.data()[i];
        num += d * d;
        den += (double) expected.data()[i] * expected.data()[i];
      }
      double rel = Math.sqrt(num / den);
      assertTrue(rel <= 2e-2, "bf16 SavedModel relative L2 error " + rel);
      assertTrue(served.maxAbsDiff(expected) > 1e-6, "logits equal float32's: not bf16");
    } finally {
      if (previous == null) {
        System.clearProperty(Precision.FORCE_PROPERTY);
      } else {
        System.setProperty(Precision.FORCE_PROPERTY, previous);
      }
    }
  }
}
