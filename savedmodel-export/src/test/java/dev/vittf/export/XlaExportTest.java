package dev.vittf.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vittf.core.HostTensor;
import dev.vittf.models.ModelConfig;
import dev.vittf.models.Presets;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.SavedModel;

/**
 * The XLA export option: the forward pass runs as one XLA computation. Evidence: the traced run of
 * an XLA export executes no compute kernel of the model (only the call node, the variables and
 * identities), the plain export executes them, and the same XLA export with the {@code
 * _XlaMustCompile} attribute switched off in {@code saved_model.pb} executes them again, so the
 * attribute is what makes TensorFlow compile it.
 */
class XlaExportTest {

  private static boolean computes(Set<String> kernels) {
    return kernels.stream().anyMatch(k -> k.contains("MatMul") || k.contains("Einsum") || k.contains("Softmax") || k.equals("Erf"));
  }

  @Test
  void xlaExportRunsTheForwardPassAsOneCompiledCall(@TempDir Path base) throws Exception {
    for (String preset : TestSupport.tinyPresets()) {
      ModelConfig config = Presets.get(preset);
      Path plainBase = base.resolve(preset + "-plain");
      Path xlaBase = base.resolve(preset + "-xla");
      SavedModelExporter.Result plain = SavedModelExporter.export(config, Weights.seed(4), plainBase, ExportOptions.defaults());
      SavedModelExporter.Result xla = SavedModelExporter.export(config, Weights.seed(4), xlaBase, ExportOptions.defaults().withXla(true));
      assertTrue(xla.xla());

      SavedModelInfo info = SavedModelInfo.read(xla.directory());
      Map<String, String> calls = info.xlaCalls();
      assertEquals(Set.of("forward_xla"), calls.keySet(), preset);
      assertTrue(info.serveGraph().getGraphDef().getLibrary().getFunctionList().stream()
          .anyMatch(f -> f.getSignature().getName().equals(calls.get("forward_xla"))), preset);
      assertEquals(Map.of(), SavedModelInfo.read(plain.directory()).xlaCalls());

      HostTensor x = TestSupport.randomImages(config, 2, 8);
      HostTensor plainLogits;
      Set<String> plainKernels;
      try (ServingModel m = ServingModel.load(plain.directory())) {
        plainLogits = m.predict(x).get("logits");
        plainKernels = m.executedKernels(x);
      }
      try (ServingModel m = ServingModel.load(xla.directory())) {
        HostTensor xlaLogits = m.predict(x).get("logits");
        assertTrue(xlaLogits.maxAbsDiff(plainLogits) < 1e-5, preset + ": " + xlaLogits.maxAbsDiff(plainLogits));
        Set<String> kernels = m.executedKernels(x);
        assertTrue(kernels.contains("PartitionedCall"), kernels.toString());
        assertFalse(computes(kernels), preset + " XLA export ran plain kernels: " + kernels);
      }
      assertTrue(computes(plainKernels), plainKernels.toString());

      // The same export with the attribute off: the call runs the function's kernels one by one.
      Path off = base.resolve(preset + "-off/1");
      copyTree(xla.directory(), off);
      setMustCompile(off.resolve("saved_model.pb"), false);
      assertEquals(Map.of(), SavedModelInfo.read(off).xlaCalls());
      try (ServingModel m = ServingModel.load(off)) {
        Set<String> kernels = m.executedKernels(x);
        assertTrue(computes(kernels), preset + " without _XlaMustCompile: " + kernels);
        assertTrue(m.predict(x).get("logits").maxAbsDiff(plainLogits) < 1e-5);
      }
    }
  }

  private static void setMustCompile(Path pb, boolean value) throws Exception {
    SavedModel sm = SavedModel.parseFrom(Files.readAllBytes(pb));
    MetaGraphDef mg = sm.getMetaGraphs(0);
    GraphDef.Builder gd = mg.getGraphDef().toBuilder();
    int changed = 0;
    for (NodeDef.Builder n : gd.getNodeBuilderList()) {
      if (n.getAttrMap().containsKey("_XlaMustCompile")) {
        n.putAttr("_XlaMustCompile", AttrValue.newBuilder().setB(value).build());
        changed++;
      }
    }
    assertEquals(1, changed);
    SavedModel out = sm.toBuilder().setMetaGraphs(0, mg.toBuilder().setGraphDef(gd)).build();
    try (OutputStream os = Files.newOutputStream(pb)) {
      out.writeTo(os);
    }
  }

  private static void copyTree(Path from, Path to) throws Exception {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path t = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }
}
