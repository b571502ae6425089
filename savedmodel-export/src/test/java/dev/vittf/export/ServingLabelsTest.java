package dev.vittf.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vittf.core.HostTensor;
import dev.vittf.io.CheckpointSource;
import dev.vittf.io.Checkpoints;
import dev.vittf.models.ModelConfig;
import dev.vittf.models.Presets;
import dev.vittf.models.VitModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every signature returns {@code classes} (top-k labels) and {@code scores}; the labels live in {@code
 * assets/labels.txt} and the graph reads that file when the SavedModel is loaded.
 */
class ServingLabelsTest {
  private static final ModelConfig TINY = Presets.get("vit-tiny");
  private static final List<String> NAMES =
      List.of("apple", "bee", "cat", "dog", "eel", "fig", "gnu", "hen", "ibis", "jay");

  @TempDir Path base;

  /** The top-k of one probability row, computed on the host: the independent reference. */
  private static List<Integer> order(float[] p, int k) {
    return IntStream.range(0, p.length).boxed()
        .sorted(Comparator.comparingDouble((Integer i) -> -p[i]).thenComparingInt(i -> i)).limit(k).toList();
  }

  private static void checkTopK(ServingModel.Outputs out, List<String> labels, int k) {
    HostTensor probabilities = out.tensors().get(ServingSignatures.PROBABILITIES);
    HostTensor scores = out.tensors().get(ServingSignatures.SCORES);
    assertEquals(probabilities.dim(0), out.classes().size());
    for (int i = 0; i < out.classes().size(); i++) {
      float[] p = probabilities.row(i);
      List<Integer> want = order(p, k);
      assertEquals(want.stream().map(labels::get).toList(), out.classes().get(i), "image " + i);
      float[] s = scores.row(i);
      assertEquals(k, s.length);
      for (int r = 0; r < k; r++) {
        assertEquals(p[want.get(r)], s[r], 1e-7, "image " + i + " rank " + r);
      }
    }
  }

  @Test
  void everySignatureReturnsTheTopKLabelsAndTheirProbabilities() throws Exception {
    Path dir = SavedModelExporter.export(TINY, Weights.seed(3), base,
        ExportOptions.defaults().withImageBytesSignature(true).withLabels(NAMES).withTopK(3)).directory();
    assertEquals(NAMES, Files.readAllLines(dir.resolve("assets/labels.txt")));
    HostTensor images = TestSupport.randomImages(TINY, 4, 11);
    try (ServingModel m = ServingModel.load(dir)) {
      checkTopK(m.outputs(images), NAMES, 3);
      byte[] png = ImageBytesSignatureTest.encode(ImageBytesSignatureTest.randomImage(32, 32, 5), "png");
      checkTopK(m.outputsEncoded(List.of(png, png)), NAMES, 3);
    }
  }

  @Test
  void theGraphReadsTheLabelsAssetWhenLoaded() throws Exception {
    Path dir = SavedModelExporter.export(TINY, Weights.seed(3), base, ExportOptions.defaults().withLabels(NAMES)).directory();
    HostTensor images = TestSupport.randomImages(TINY, 2, 12);
    List<String> renamed = NAMES.stream().map(n -> n.toUpperCase(Locale.ROOT) + " (edited)").toList();
    Files.write(dir.resolve("assets/labels.txt"), renamed);
    try (ServingModel m = ServingModel.load(dir)) {
      checkTopK(m.outputs(images), renamed, 5);
    }
    // A labels.txt with another number of lines fails the load (vocab_size), instead of shifting the names.
    Files.write(dir.resolve("assets/labels.txt"), NAMES.subList(0, 9));
    Exception e = assertThrows(Exception.class, () -> ServingModel.load(dir).close());
    assertTrue(e.getMessage().contains("labels.txt"), e.getMessage());
  }

  @Test
  void defaultLabelsAndKCappedAtTheNumberOfClasses() throws Exception {
    Path dir = SavedModelExporter.export(TINY, Weights.seed(1), base, ExportOptions.defaults().withTopK(50)).directory();
    List<String> defaults = IntStream.range(0, 10).mapToObj(i -> "LABEL_" + i).toList();
    assertEquals(defaults, Files.readAllLines(dir.resolve("assets/labels.txt")));
    try (ServingModel m = ServingModel.load(dir)) {
      checkTopK(m.outputs(TestSupport.randomImages(TINY, 1, 2)), defaults, 10);
    }
  }

  @Test
  void labelsSavedWithANativeCheckpointReachTheExport() throws Exception {
    Path ckpt = base.resolve("tuned.safetensors");
    try (VitModel model = VitModel.create(TINY, 7)) {
      Checkpoints.save(model, ckpt, NAMES);
    }
    Path dir = SavedModelExporter.export(TINY, Weights.checkpoint(ckpt, CheckpointSource.NATIVE), base.resolve("m"),
        ExportOptions.defaults()).directory();
    assertEquals(NAMES, Files.readAllLines(dir.resolve("assets/labels.txt")));
    // Options win over the checkpoint's metadata.
    List<String> other = new ArrayList<>(NAMES);
    java.util.Collections.reverse(other);
    Path dir2 = SavedModelExporter.export(TINY, Weights.checkpoint(ckpt, CheckpointSource.NATIVE), base.resolve("m"),
        ExportOptions.defaults().withLabels(other)).directory();
    assertEquals(other, Files.readAllLines(dir2.resolve("assets/labels.txt")));
  }

  @Test
  void badLabelsAreRefusedBeforeAnythingIsWritten() {
    IllegalArgumentException count = assertThrows(IllegalArgumentException.class, () -> SavedModelExporter.export(TINY,
        Weights.seed(0), base.resolve("x"), ExportOptions.defaults().withLabels(NAMES.subList(0, 4))));
    assertTrue(count.getMessage().contains("4 labels") && count.getMessage().contains("10 classes"), count.getMessage());
    assertFalse(Files.exists(base.resolve("x")));
    List<String> broken = new ArrayList<>(NAMES);
    broken.set(2, "two\nlines");
    IllegalArgumentException line = assertThrows(IllegalArgumentException.class,
        () -> ExportOptions.defaults().withLabels(broken));
    assertTrue(line.getMessage().startsWith("label 2 ('two\\nlines')"), line.getMessage());
    broken.set(2, "");
    assertTrue(assertThrows(IllegalArgumentException.class, () -> ExportOptions.defaults().withLabels(broken))
        .getMessage().contains("label 2 (empty)"));
    assertThrows(IllegalArgumentException.class, () -> ExportOptions.defaults().withTopK(0));
  }
}
