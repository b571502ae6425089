package dev.vittf.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vittf.arch.vit.ViTConfig;
import dev.vittf.core.HostTensor;
import dev.vittf.io.CheckpointMismatchException;
import dev.vittf.io.CheckpointSource;
import dev.vittf.io.Checkpoints;
import dev.vittf.io.ReferenceModels;
import dev.vittf.io.SafeTensors;
import dev.vittf.models.ModelConfig;
import dev.vittf.models.Presets;
import dev.vittf.models.VitModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The export API: weights, layout, versions, atomicity and failures. */
class SavedModelExporterTest {
  private static final ViTConfig TINY = ViTConfig.tiny();

  private static HostTensor reference(ModelConfig c, long seed, HostTensor images) {
    try (VitModel m = VitModel.create(c, seed)) {
      return m.predict(images);
    }
  }

  private static HostTensor served(Path dir, HostTensor images) {
    try (ServingModel m = ServingModel.load(dir)) {
      return m.predict(images).get(ServingSignatures.LOGITS);
    }
  }

  @Test
  void seedWeightsExportToTheServingLayout(@TempDir Path base) throws Exception {
    List<String> stages = new ArrayList<>();
    SavedModelExporter.Result r =
        SavedModelExporter.export(TINY, Weights.seed(3), base, ExportOptions.defaults(), (s, t) -> stages.add(s));
    assertEquals(1, r.version());
    assertEquals(base.toAbsolutePath().resolve("1"), r.directory());
    assertEquals(List.of("serving_default"), r.signatures());
    assertEquals(List.of("assets", "assets.extra", "assets.extra/tf_serving_warmup_requests", "assets.extra/vittf.json", "assets/labels.txt", "saved_model.pb", "variables",
        "variables/variables.data-00000-of-00001", "variables/variables.index"), TestSupport.tree(r.directory()));
    assertEquals(List.of("1"), TestSupport.children(base)); // no staging leftovers
    assertEquals(List.of("prepare weights (initialised from seed 3)", "build serving graph", "load weights into the serving graph",
        "write SavedModel", "write labels and warm-up requests", "commit version 1"), stages.stream().map(s -> s.replaceAll(" \\(\\d+ nodes\\)", "")).toList());
    HostTensor x = TestSupport.randomImages(TINY, 3, 1);
    HostTensor served = served(r.directory(), x);
    assertTrue(served.maxAbsDiff(reference(TINY, 3, x)) < 1e-5);
    // A different seed gives different logits: the weights really come from the seed.
    assertTrue(served.maxAbsDiff(reference(TINY, 4, x)) > 1e-2);
  }

  @Test
  void nativeCheckpointWeightsAreExported(@TempDir Path dir) throws Exception {
    Path ckpt = dir.resolve("w.safetensors");
    try (VitModel m = VitModel.create(TINY, 7)) {
      Checkpoints.save(m, ckpt);
    }
    List<String> stages = new ArrayList<>();
    SavedModelExporter.Result r = SavedModelExporter.export(TINY, Weights.checkpoint(ckpt, CheckpointSource.NATIVE),
        dir.resolve("models"), ExportOptions.defaults(), (s, t) -> stages.add(s));
    assertTrue(stages.contains("stage weights as a TensorFlow checkpoint"), stages.toString());
    HostTensor x = TestSupport.randomImages(TINY, 2, 2);
    assertTrue(served(r.directory(), x).maxAbsDiff(reference(TINY, 7, x)) < 1e-5);
    assertEquals(List.of("1"), TestSupport.children(dir.resolve("models")));
  }

  @Test
  void foreignCheckpointReproducesTheReferenceLogits(@TempDir Path base) throws Exception {
    Path fixtures = TestSupport.fixtures();
    ReferenceModels.ReferenceModel ref = ReferenceModels.fromJsonFile(fixtures.resolve("vit.json"));
    Map<String, HostTensor> io = SafeTensors.read(fixtures.resolve("vit.io.safetensors")).tensors();
    SavedModelExporter.Result r = SavedModelExporter.export(ref.config(),
        Weights.checkpoint(fixtures.resolve("vit.safetensors"), ref.source()), base, ExportOptions.defaults().withVersion(5));
    assertEquals(5, r.version());
    double diff = served(r.directory(), io.get("input")).maxAbsDiff(io.get("logits"));
    assertTrue(diff < 1e-4, "vit-pytorch fixture logits differ by " + diff);
  }

  @Test
  void mismatchedCheckpointFailsBeforeTouchingTheOutput(@TempDir Path dir) throws Exception {
    Path ckpt = dir.resolve("w.safetensors");
    try (VitModel m = VitModel.create(TINY.toBuilder().depth(1).build(), 7)) {
      Checkpoints.save(m, ckpt);
    }
    Path base = dir.resolve("models");
    CheckpointMismatchException e = assertThrows(CheckpointMismatchException.class,
        () -> SavedModelExporter.export(TINY, Weights.checkpoint(ckpt, CheckpointSource.NATIVE), base, ExportOptions.defaults()));
    assertTrue(e.getMessage().startsWith("checkpoint does not match the model (native (vit-tf names)): missing 11 [blocks/1/norm1/scale"),
        e.getMessage());
    assertFalse(Files.exists(base));
  }

  @Test
  void nextFreeVersionIgnoresNonNumericEntries(@TempDir Path base) throws Exception {
    Files.createDirectories(base.resolve("7"));
    Files.createDirectories(base.resolve("notes"));
    Files.writeString(base.resolve("12"), "a file, not a version");
    SavedModelExporter.Result r = SavedModelExporter.export(TINY, Weights.seed(0), base, ExportOptions.defaults());
    assertEquals(8, r.version());
    r = SavedModelExporter.export(TINY, Weights.seed(0), base, ExportOptions.defaults());
    assertEquals(9, r.version());
    assertEquals(List.of("12", "7", "8", "9", "notes"), TestSupport.children(base));
  }

  @Test
  void concurrentExportsTakeDistinctVersions(@TempDir Path base) throws Exception {
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      List<java.util.concurrent.Future<SavedModelExporter.Result>> f = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        long seed = i;
        f.add(pool.submit(() -> SavedModelExporter.export(TINY, Weights.seed(seed), base, ExportOptions.defaults())));
      }
      java.util.Set<Long> versions = new java.util.TreeSet<>();
      for (java.util.concurrent.Future<SavedModelExporter.Result> r : f) {
        versions.add(r.get().version());
      }
      assertEquals(java.util.Set.of(1L, 2L), versions);
      assertEquals(List.of("1", "2"), TestSupport.children(base));
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void existingVersionIsRefusedAndLeftUntouched(@TempDir Path base) throws Exception {
    SavedModelExporter.export(TINY, Weights.seed(1), base, ExportOptions.defaults().withVersion(3));
    List<String> before = TestSupport.tree(base);
    byte[] pb = Files.readAllBytes(base.resolve("3/saved_model.pb"));
    ExportException e = assertThrows(ExportException.class,
        () -> SavedModelExporter.export(TINY, Weights.seed(2), base, ExportOptions.defaults().withVersion(3)));
    assertEquals(ExportException.Reason.VERSION_EXISTS, e.reason());
    assertEquals("version 3 already exists at " + base.toAbsolutePath().resolve("3")
        + " (choose another version, omit it for the next free one, or overwrite)", e.getMessage());
    assertEquals(before, TestSupport.tree(base));
    assertTrue(java.util.Arrays.equals(pb, Files.readAllBytes(base.resolve("3/saved_model.pb"))));
  }

  @Test
  void overwriteReplacesTheVersion(@TempDir Path base) throws Exception {
    SavedModelExporter.export(TINY, Weights.seed(1), base, ExportOptions.defaults().withVersion(3));
    SavedModelExporter.Result r = SavedModelExporter.export(TINY, Weights.seed(2), base,
        ExportOptions.defaults().withVersion(3).withOverwrite(true));
    assertEquals(3, r.version());
    assertEquals(List.of("3"), TestSupport.children(base));
    HostTensor x = TestSupport.randomImages(TINY, 2, 5);
    assertTrue(served(r.directory(), x).maxAbsDiff(reference(TINY, 2, x)) < 1e-5);
  }

  @Test
  void failedExportLeavesNothingBehind(@TempDir Path base) throws Exception {
    SavedModelExporter.export(TINY, Weights.seed(1), base, ExportOptions.defaults().withVersion(1));
    List<String> before = TestSupport.tree(base);
    // Fail after the SavedModel has been fully written into the staging directory, before the commit.
    ExportProgress crash = (stage, took) -> {
      if (stage.equals("write SavedModel")) {
        throw new IllegalStateException("simulated crash");
      }
    };
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> SavedModelExporter.export(TINY, Weights.seed(2), base, ExportOptions.defaults(), crash));
    assertEquals("simulated crash", e.getMessage());
    assertEquals(before, TestSupport.tree(base));
    // ... and also when replacing an existing version: the old one survives intact.
    assertThrows(IllegalStateException.class,
        () -> SavedModelExporter.export(TINY, Weights.seed(2), base, ExportOptions.defaults().withVersion(1).withOverwrite(true), crash));
    assertEquals(before, TestSupport.tree(base));
    HostTensor x = TestSupport.randomImages(TINY, 1, 5);
    assertTrue(served(base.resolve("1"), x).maxAbsDiff(reference(TINY, 1, x)) < 1e-5);
  }

  @Test
  void unwritableOutputIsReported(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("plain-file"), "x");
    ExportException e = assertThrows(ExportException.class,
        () -> SavedModelExporter.export(TINY, Weights.seed(0), file, ExportOptions.defaults()));
    assertEquals(ExportException.Reason.OUTPUT_NOT_WRITABLE, e.reason());
    assertEquals("cannot write to output directory " + file + ": it exists and is not a directory", e.getMessage());
    Path below = file.resolve("models");
    e = assertThrows(ExportException.class, () -> SavedModelExporter.export(TINY, Weights.seed(0), below, ExportOptions.defaults()));
    assertEquals(ExportException.Reason.OUTPUT_NOT_WRITABLE, e.reason());
    assertTrue(e.getMessage().startsWith("cannot write to output directory " + below + ": "), e.getMessage());
    assertEquals(List.of("plain-file"), TestSupport.children(dir));
  }

  @Test
  void presetByName(@TempDir Path base) {
    SavedModelExporter.Result r = SavedModelExporter.export("vit-tiny", Weights.seed(0), base, ExportOptions.defaults());
    assertEquals(Presets.get("vit-tiny").numClasses(), (int) SavedModelInfo.read(r.directory()).signatures()
        .get("serving_default").getOutputsMap().get("logits").getTensorShape().getDim(1).getSize());
  }

  @Test
  void inMemoryWeightsMustBeComplete(@TempDir Path base) throws Exception {
    Map<String, HostTensor> w;
    try (VitModel m = VitModel.create(TINY, 9)) {
      w = new HashMap<>(m.weights());
    }
    w.remove("head/bias");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SavedModelExporter.export(TINY, new Weights.Values(w), base, ExportOptions.defaults()));
    assertEquals("weights do not match the model: missing [head/bias]", e.getMessage());
    assertEquals(List.of(), TestSupport.tree(base));
  }
}
