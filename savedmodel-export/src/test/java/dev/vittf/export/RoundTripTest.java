package dev.vittf.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vittf.core.HostTensor;
import dev.vittf.io.CheckpointSource;
import dev.vittf.io.Checkpoints;
import dev.vittf.io.SafeTensors;
import dev.vittf.models.ModelConfig;
import dev.vittf.models.Presets;
import dev.vittf.models.VitModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Export every family (each {@code -tiny} preset), plain and XLA, with weights from a checkpoint;
 * load each SavedModel in a separate JVM with {@code SavedModelBundle.load}, call {@code
 * serving_default} by name, and compare with the in-process logits.
 */
class RoundTripTest {

  @Test
  void everyFamilyRoundTripsThroughAFreshJvm(@TempDir Path dir) throws Exception {
    List<String> args = new ArrayList<>();
    Map<String, HostTensor> expected = new LinkedHashMap<>();
    Map<String, Path> outputs = new LinkedHashMap<>();
    for (String preset : TestSupport.tinyPresets()) {
      ModelConfig c = Presets.get(preset);
      HostTensor images = TestSupport.randomImages(c, 3, preset.hashCode());
      Path ckpt = dir.resolve(preset + ".safetensors");
      try (VitModel m = VitModel.create(c, 1234)) {
        Checkpoints.save(m, ckpt);
        expected.put(preset, m.predict(images));
      }
      Path input = dir.resolve(preset + ".in.safetensors");
      SafeTensors.write(input, Map.of("images", images), Map.of());
      for (boolean xla : new boolean[] {false, true}) {
        SavedModelExporter.Result r = SavedModelExporter.export(c, Weights.checkpoint(ckpt, CheckpointSource.NATIVE),
            dir.resolve("models").resolve(preset), ExportOptions.defaults().withXla(xla));
        Path out = dir.resolve(preset + "-" + xla + ".out.safetensors");
        outputs.put(preset + (xla ? " xla" : " plain"), out);
        args.addAll(List.of(r.directory().toString(), input.toString(), out.toString()));
      }
    }
    TestSupport.Child child = TestSupport.runJava(Map.of("TF_CPP_MIN_LOG_LEVEL", "2"),
        RoundTripChild.class.getName(), args.toArray(String[]::new));
    assertEquals(0, child.exitCode(), child.stderr());
    for (Map.Entry<String, Path> e : outputs.entrySet()) {
      String preset = e.getKey().substring(0, e.getKey().indexOf(' '));
      Map<String, HostTensor> got = SafeTensors.read(e.getValue()).tensors();
      double diff = got.get("logits").maxAbsDiff(expected.get(preset));
      assertTrue(diff < 1e-5, e.getKey() + ": logits differ by " + diff);
      assertEquals(expected.get(preset).dim(0), got.get("probabilities").dim(0));
    }
    assertEquals(2 * TestSupport.tinyPresets().size(), outputs.size());
  }
}
