package dev.vittf.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vittf.core.ParameterSpec;
import dev.vittf.models.ModelConfig;
import dev.vittf.models.ModelParameters;
import dev.vittf.models.Presets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.SavedModel;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;
import org.tensorflow.proto.TensorShapeProto;

/** {@code saved_model.pb} parsed as a proto: tags, signatures, tensor names, dtypes, shapes, variables. */
class SavedModelContentsTest {

  private static List<Long> dims(TensorShapeProto s) {
    assertFalse(s.getUnknownRank());
    return s.getDimList().stream().map(TensorShapeProto.Dim::getSize).toList();
  }

  private static void checkTensor(TensorInfo t, String name, DataType dtype, List<Long> shape) {
    assertEquals(name, t.getName());
    assertEquals(dtype, t.getDtype());
    assertEquals(shape, dims(t.getTensorShape()));
  }

  @Test
  void servingContractForEveryFamily(@TempDir Path base) throws Exception {
    for (String preset : TestSupport.tinyPresets()) {
      ModelConfig c = Presets.get(preset);
      for (boolean xla : new boolean[] {false, true}) {
        Path dir = SavedModelExporter.export(c, Weights.seed(0), base.resolve(preset + xla),
            ExportOptions.defaults().withXla(xla).withImageBytesSignature(true)).directory();
        SavedModel sm = SavedModel.parseFrom(Files.readAllBytes(dir.resolve("saved_model.pb")));
        assertEquals(1, sm.getMetaGraphsCount());
        MetaGraphDef mg = sm.getMetaGraphs(0);
        assertEquals(List.of("serve"), mg.getMetaInfoDef().getTagsList());
        assertEquals(Set.of("serving_default", "serving_image_bytes", "__saved_model_init_op"), mg.getSignatureDefMap().keySet());
        // The label table's init op, run by the loader with the asset's path fed to labels_file.
        assertEquals("saved_model_init", mg.getSignatureDefMap().get("__saved_model_init_op").getOutputsMap()
            .get("__saved_model_init_op").getName());
        assertEquals(1, mg.getAssetFileDefCount());
        assertEquals("labels.txt", mg.getAssetFileDef(0).getFilename());
        assertEquals("labels_file:0", mg.getAssetFileDef(0).getTensorInfo().getName());
        assertEquals(c.numClasses(), Files.readAllLines(dir.resolve("assets/labels.txt")).size());
        List<Long> images = List.of(-1L, (long) c.imageHeight(), (long) c.imageWidth(), (long) c.channels());
        List<Long> classes = List.of(-1L, (long) c.numClasses());

        SignatureDef def = mg.getSignatureDefMap().get("serving_default");
        assertEquals("tensorflow/serving/predict", def.getMethodName());
        assertEquals(Set.of("images"), def.getInputsMap().keySet());
        assertEquals(Set.of("logits", "probabilities", "classes", "scores"), def.getOutputsMap().keySet());
        checkTensor(def.getInputsMap().get("images"), "images:0", DataType.DT_FLOAT, images);
        checkTensor(def.getOutputsMap().get("logits"), "logits:0", DataType.DT_FLOAT, classes);
        checkTensor(def.getOutputsMap().get("probabilities"), "probabilities:0", DataType.DT_FLOAT, classes);
        List<Long> topK = List.of(-1L, (long) Math.min(5, c.numClasses()));
        checkTensor(def.getOutputsMap().get("classes"), "classes:0", DataType.DT_STRING, topK);
        checkTensor(def.getOutputsMap().get("scores"), "scores:0", DataType.DT_FLOAT, topK);

        SignatureDef bytes = mg.getSignatureDefMap().get("serving_image_bytes");
        assertEquals("tensorflow/serving/predict", bytes.getMethodName());
        assertEquals(Set.of("image_bytes"), bytes.getInputsMap().keySet());
        checkTensor(bytes.getInputsMap().get("image_bytes"), "image_bytes:0", DataType.DT_STRING, List.of(-1L));
        assertEquals(def.getOutputsMap(), bytes.getOutputsMap());

        // Variables: exactly one VariableV2 per parameter, named after it, restored by the saver.
        Set<String> variables = mg.getGraphDef().getNodeList().stream().filter(n -> n.getOp().equals("VariableV2"))
            .map(NodeDef::getName).collect(Collectors.toCollection(TreeSet::new));
        Set<String> params = ModelParameters.of(c).stream().map(ParameterSpec::name).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(params, variables, preset);
        assertEquals("save/restore_all", mg.getSaverDef().getRestoreOpName());
        assertTrue(Files.isRegularFile(dir.resolve("variables/variables.index")));
        // A clean inference graph: no weight-loading feeds, no training or random ops.
        for (NodeDef n : mg.getGraphDef().getNodeList()) {
          assertFalse(n.getName().endsWith("/load_value") || n.getName().endsWith("/load"), n.getName());
          assertFalse(n.getOp().startsWith("Apply") || n.getOp().startsWith("RandomUniform") || n.getName().startsWith("gradients"),
              n.getName() + " " + n.getOp());
        }
      }
    }
  }
}
