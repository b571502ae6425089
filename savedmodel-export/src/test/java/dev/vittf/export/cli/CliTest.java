package dev.vittf.export.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vittf.arch.vit.ViTConfig;
import dev.vittf.core.HostTensor;
import dev.vittf.export.ServingModel;
import dev.vittf.export.TestSupport;
import dev.vittf.io.Checkpoints;
import dev.vittf.io.SafeTensors;
import dev.vittf.models.ConfigJson;
import dev.vittf.models.VitModel;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line, run in this JVM: success paths and every error (one stderr line, exit code). */
class CliTest {
  private static final ViTConfig TINY = ViTConfig.tiny();

  record Run(int code, String out, String err) {
    List<String> errLines() {
      return err.lines().toList();
    }
  }

  static Run cli(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = VitTfExport.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** Asserts a failure: the exit code and exactly one stderr line. */
  static void assertError(Run r, int code, String line) {
    assertEquals(code, r.code(), r.err());
    assertEquals(List.of(line), r.errLines());
  }

  static void assertErrorStartsWith(Run r, int code, String prefix) {
    assertEquals(code, r.code(), r.err());
    assertEquals(1, r.errLines().size(), r.err());
    assertTrue(r.err().startsWith(prefix), r.err());
  }

  @Test
  void exportInspectPredict(@TempDir Path dir) throws Exception {
    Path base = dir.resolve("models");
    Run r = cli("export", "--preset", "vit-tiny", "-o", base.toString(), "--seed", "3", "--image-bytes");
    assertEquals(0, r.code(), r.err());
    assertEquals("", r.err());
    assertTrue(r.out().startsWith("exporting vit-tiny (vit, 81,354 parameters, 32x32x3 -> 10 classes) to " + base), r.out());
    assertTrue(r.out().contains("  build serving graph ("), r.out());
    assertTrue(r.out().contains("  write SavedModel "), r.out());
    assertTrue(r.out().contains("exported version 1 to " + base.toAbsolutePath().resolve("1") + " in "), r.out());

    Run inspect = cli("inspect", base.toString());
    assertEquals(0, inspect.code(), inspect.err());
    String expected = String.join("\n",
        "signature_def['serving_default']:",
        "  The given SavedModel SignatureDef contains the following input(s):",
        "    inputs['images'] tensor_info:",
        "        dtype: DT_FLOAT",
        "        shape: (-1, 32, 32, 3)",
        "        name: images:0",
        "  The given SavedModel SignatureDef contains the following output(s):",
        "    outputs['classes'] tensor_info:",
        "        dtype: DT_STRING",
        "        shape: (-1, 5)",
        "        name: classes:0",
        "    outputs['logits'] tensor_info:",
        "        dtype: DT_FLOAT",
        "        shape: (-1, 10)",
        "        name: logits:0");
    assertTrue(inspect.out().contains(expected), inspect.out());
    assertTrue(inspect.out().contains("MetaGraphDef with tag-set: 'serve' contains the following SignatureDefs:"), inspect.out());
    assertTrue(inspect.out().contains("inputs['image_bytes'] tensor_info:\n        dtype: DT_STRING\n        shape: (-1,)"), inspect.out());
    assertTrue(inspect.out().contains("Method name is: tensorflow/serving/predict"), inspect.out());
    assertTrue(inspect.out().contains("XLA: not compiled at export"), inspect.out());

    // predict on a safetensors batch: the top-5 agree with the in-process model.
    HostTensor images = TestSupport.randomImages(TINY, 2, 9);
    Path input = dir.resolve("in.safetensors");
    SafeTensors.write(input, Map.of("images", images), Map.of());
    HostTensor logits;
    try (VitModel m = VitModel.create(TINY, 3)) {
      logits = m.predict(images);
    }
    Run p = cli("predict", base.resolve("1").toString(), "--input", input.toString(), "--top", "3");
    assertEquals(0, p.code(), p.err());
    List<String> lines = p.out().lines().toList();
    assertEquals(8, lines.size(), p.out());
    assertEquals(input + "[0]:", lines.get(0));
    for (int b = 0; b < 2; b++) {
      float[] row = logits.row(b);
      int best = 0;
      for (int c = 1; c < row.length; c++) {
        if (row[c] > row[best]) {
          best = c;
        }
      }
      String first = lines.get(1 + 4 * b);
      assertTrue(first.startsWith(String.format("  1. class %-5d p=", best)), first);
      // Labels: the export's assets/labels.txt (LABEL_i without --labels).
      assertTrue(first.endsWith(String.format(java.util.Locale.ROOT, "logit=%.4f  LABEL_%d", row[best], best)), first);
    }

    // predict on an image file goes through the image-bytes signature.
    java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(40, 40, java.awt.image.BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 40; y++) {
      for (int x = 0; x < 40; x++) {
        img.setRGB(x, y, (x * 6) << 16 | (y * 6) << 8 | 128);
      }
    }
    Path png = dir.resolve("img.png");
    javax.imageio.ImageIO.write(img, "png", png.toFile());
    Run pi = cli("predict", base.toString(), "--image", png.toString());
    assertEquals(0, pi.code(), pi.err());
    List<String> il = pi.out().lines().toList();
    assertEquals(List.of(png + ":"), il.subList(0, 1));
    assertEquals(6, il.size());
    HostTensor probs;
    try (ServingModel m = ServingModel.load(base.resolve("1"))) {
      probs = m.predictEncoded(List.of(Files.readAllBytes(png))).get("probabilities");
    }
    int best = 0;
    for (int c = 1; c < 10; c++) {
      if (probs.data()[c] > probs.data()[best]) {
        best = c;
      }
    }
    assertTrue(il.get(1).startsWith(String.format("  1. class %-5d p=%.4f", best, probs.data()[best])), il.get(1));
  }

  @Test
  void exportWithLabelsAndTopK(@TempDir Path dir) throws Exception {
    Path base = dir.resolve("models");
    List<String> names = java.util.stream.IntStream.range(0, 10).mapToObj(i -> "kind " + (char) ('a' + i)).toList();
    Path labels = Files.write(dir.resolve("labels.txt"), names);
    Run r = cli("export", "--preset", "vit-tiny", "-o", base.toString(), "--labels", labels.toString(), "--top-k", "2", "-q");
    assertEquals(0, r.code(), r.err());
    assertEquals(names, Files.readAllLines(base.resolve("1/assets/labels.txt")));
    HostTensor images = TestSupport.randomImages(TINY, 1, 4);
    try (ServingModel m = ServingModel.load(base.resolve("1"))) {
      ServingModel.Outputs out = m.outputs(images);
      assertEquals(2, out.classes().get(0).size());
      float[] p = out.tensors().get("probabilities").row(0);
      int best = 0;
      for (int c = 1; c < p.length; c++) {
        best = p[c] > p[best] ? c : best;
      }
      assertEquals(names.get(best), out.classes().get(0).get(0));
    }
    Path short3 = Files.write(dir.resolve("three.txt"), names.subList(0, 3));
    assertError(cli("export", "--preset", "vit-tiny", "-o", dir.resolve("other").toString(), "--labels", short3.toString()), 2,
        "error: --labels " + short3 + ": 3 lines, but the model has 10 classes (one label per line, line i naming logit i)");
    assertTrue(!Files.exists(dir.resolve("other")));
  }

  @Test
  void exportAHubFolderOrOneOfOurCheckpointsWithModel(@TempDir Path dir) throws Exception {
    Path hub = TestSupport.fixtures().resolve("hub/hf_vit");
    Path base = dir.resolve("vit");
    Run r = cli("export", "--model", hub.toString(), "-o", base.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().startsWith("exporting hf_vit (vit, "), r.out());
    assertTrue(r.out().contains("(signatures: serving_default, serving_image_bytes)"), r.out());
    // predict sends the photo through the folder's own pipeline and prints the folder's labels:
    // fixtures/classify/expected.json has chelsea.png -> space shuttle (index 3) 0.420458 (this tiny model's answer).
    Path photo = TestSupport.fixtures().resolve("preprocess/chelsea.png");
    Run p = cli("predict", base.toString(), "--image", photo.toString(), "--top", "1");
    assertEquals(0, p.code(), p.err());
    String top = p.out().lines().toList().get(1);
    assertTrue(top.startsWith("  1. class 3     p=0.42") && top.endsWith("  space shuttle"), p.out());

    // One of our checkpoints: config and labels from its metadata.
    Path ckpt = dir.resolve("tuned.safetensors");
    List<String> names = java.util.stream.IntStream.range(0, 10).mapToObj(i -> "n" + i).toList();
    try (VitModel m = VitModel.create(TINY, 5)) {
      dev.vittf.io.Checkpoints.save(m, ckpt, names);
    }
    Run c = cli("export", "--model", ckpt.toString(), "-o", dir.resolve("tuned").toString(), "-q");
    assertEquals(0, c.code(), c.err());
    assertEquals(names, Files.readAllLines(dir.resolve("tuned/1/assets/labels.txt")));
    // With the eval preprocessing in its metadata (what training writes), serving_image_bytes runs it.
    Path withPipeline = dir.resolve("trained.safetensors");
    dev.vittf.preprocess.ImagePipeline pipeline = dev.vittf.preprocess.ImagePipeline.forModel(hub);
    try (VitModel m = VitModel.create(TINY, 5)) {
      dev.vittf.io.Checkpoints.save(m.weights(), TINY, names, Map.of(dev.vittf.io.Checkpoints.PREPROCESSING, pipeline.toJson()),
          withPipeline);
    }
    Run t = cli("export", "--model", withPipeline.toString(), "-o", dir.resolve("trained").toString());
    assertEquals(0, t.code(), t.err());
    assertTrue(t.out().contains("(signatures: serving_default, serving_image_bytes)"), t.out());
    byte[] photoBytes = Files.readAllBytes(photo);
    try (ServingModel served = ServingModel.load(dir.resolve("trained/1"))) {
      HostTensor want = dev.vittf.export.ImageDecoding.decode(List.of(photoBytes), 32, 32, pipeline);
      assertTrue(served.predictEncoded(List.of(photoBytes)).get("logits").maxAbsDiff(served.predict(want).get("logits")) < 1e-5);
    }

    // A checkpoint without our metadata needs the model described; a folder brings its own config.
    Path bare = dir.resolve("bare.safetensors");
    SafeTensors.write(bare, Map.of("x", HostTensor.zeros(1)), Map.of());
    assertError(cli("export", "--model", bare.toString(), "-o", dir.resolve("b").toString()), 2, "error: --model " + bare
        + " has no config in its metadata (not one of our checkpoints): describe the model with --preset or --config, and its naming with --source");
    assertError(cli("export", "--model", hub.toString(), "--preset", "vit-tiny", "-o", dir.resolve("b").toString()), 2,
        "error: --preset has no effect with a hub folder --model (the folder's config.json describes the model)");
    assertError(cli("export", "--model", hub.toString(), "--mean", "0.5,0.5,0.5", "-o", dir.resolve("b").toString()), 2,
        "error: --mean has no effect with a hub folder --model (its own pipeline normalises; choose another with --pipeline)");
    assertTrue(!Files.exists(dir.resolve("b")));
  }

  @Test
  void pipelineChoosesTheInGraphPreprocessing(@TempDir Path dir) throws Exception {
    Path cfg = Files.writeString(dir.resolve("preprocessor_config.json"), "{\"image_processor_type\": \"ViTImageProcessor\", "
        + "\"size\": {\"height\": 32, \"width\": 32}, \"resample\": 3, \"image_mean\": [0.5, 0.5, 0.5], \"image_std\": [0.5, 0.5, 0.5]}");
    Path base = dir.resolve("m");
    Run r = cli("export", "--preset", "vit-tiny", "--pipeline", cfg.toString(), "-o", base.toString(), "-q");
    assertEquals(0, r.code(), r.err());
    Path photo = TestSupport.fixtures().resolve("preprocess/coffee.png");
    HostTensor want = dev.vittf.export.ImageDecoding.decode(List.of(Files.readAllBytes(photo)), 32, 32,
        dev.vittf.preprocess.ImagePipeline.forModel(cfg));
    try (ServingModel m = ServingModel.load(base.resolve("1"))) {
      HostTensor got = m.predictEncoded(List.of(Files.readAllBytes(photo))).get("logits");
      assertTrue(got.maxAbsDiff(m.predict(want).get("logits")) < 1e-5);
    }
    assertError(cli("export", "--preset", "vit-tiny", "--pipeline", "torchvision_vit_b_16", "-o", dir.resolve("x").toString()), 2,
        "error: --pipeline torchvision_vit_b_16 produces 224x224 images, the model reads 32x32");
  }

  @Test
  void configFileWithOverridesAndXla(@TempDir Path dir) throws Exception {
    Path cfg = dir.resolve("c.json");
    Files.writeString(cfg, "{\"preset\": \"vit-tiny\", \"numClasses\": 4}");
    Run r = cli("export", "--config", cfg.toString(), "--set", "depth=1", "--xla", "-q", "-o", dir.resolve("m").toString(),
        "--version", "7", "--image-bytes", "--mean", "0.5,0.5,0.5", "--std", "0.25,0.25,0.25");
    assertEquals(0, r.code(), r.err());
    assertEquals(1, r.out().lines().count(), r.out()); // --quiet: the result line only
    Run inspect = cli("inspect", dir.resolve("m/7").toString());
    assertTrue(inspect.out().contains("shape: (-1, 4)"), inspect.out());
    assertTrue(inspect.out().contains("XLA: forward pass compiled by XLA (forward_xla -> vit_forward"), inspect.out());
    // The stored metadata carries the resulting config.
    String meta = Files.readString(dir.resolve("m/7/assets.extra/vittf.json"));
    assertTrue(meta.contains("\"depth\" : 1"), meta);
    assertTrue(inspect.out().contains("preprocessing: mean [0.5,0.5,0.5], std [0.25,0.25,0.25]"), inspect.out());
    assertEquals(TINY.toBuilder().numClasses(4).depth(1).build(),
        ConfigJson.fromTree(new com.fasterxml.jackson.databind.ObjectMapper().readTree(meta).get("config")));
  }

  @Test
  void unknownArchitecture(@TempDir Path dir) {
    assertError(cli("export", "--architecture", "resnet", "-o", dir.resolve("m").toString()), 2,
        "error: --architecture=resnet: unknown architecture; known: " + String.join(", ", ConfigJson.architectures())
            + " (see 'vittf-export export --help')");
    Path cfg = dir.resolve("c.json");
    assertErrorStartsWith(cli("export", "--architecture", "vit", "-o", dir.resolve("m").toString()), 2,
        "error: --architecture vit needs --config FILE with the model's fields (or use a preset, e.g. --preset vit-tiny)");
    assertError(cli("export", "--preset", "vit-huge", "-o", dir.resolve("m").toString()), 2,
        "error: --preset=vit-huge: unknown preset; known: " + String.join(", ", dev.vittf.models.Presets.all().keySet())
            + " (see 'vittf-export export --help')");
    assertTrue(!Files.exists(cfg) && !Files.exists(dir.resolve("m")));
  }

  @Test
  void invalidConfig(@TempDir Path dir) throws Exception {
    Path cfg = dir.resolve("bad.json");
    String json = ConfigJson.toJson(TINY).replace("\"imageHeight\" : 32", "\"imageHeight\" : 30");
    Files.writeString(cfg, json);
    assertError(cli("export", "--config", cfg.toString(), "-o", dir.resolve("m").toString()), 2,
        "error: invalid ViTConfig (1 problem): imageHeight=30: must be divisible by patchHeight=8");
    assertError(cli("export", "--preset", "vit-tiny", "--set", "heads=0", "-o", dir.resolve("m").toString()), 2,
        "error: invalid ViTConfig (1 problem): heads=0: must be > 0");
    Files.writeString(cfg, "{\"architecture\": \"vit\", \"dim\": 64}");
    assertErrorStartsWith(cli("export", "--config", cfg.toString(), "-o", dir.resolve("m").toString()), 2,
        "error: " + cfg + ": config for architecture 'vit' is missing fields imageHeight, imageWidth,");
    Files.writeString(cfg, "{\"preset\": \"vit-tiny\", \"colour\": 1}");
    assertErrorStartsWith(cli("export", "--config", cfg.toString(), "-o", dir.resolve("m").toString()), 2,
        "error: " + cfg + ": unknown field colour for architecture 'vit'; known: imageHeight,");
    assertFalse(Files.exists(dir.resolve("m")));
  }

  @Test
  void mismatchedCheckpoint(@TempDir Path dir) throws Exception {
    Path ckpt = dir.resolve("w.safetensors");
    try (VitModel m = VitModel.create(TINY.toBuilder().depth(1).build(), 7)) {
      Checkpoints.save(m, ckpt);
    }
    assertErrorStartsWith(cli("export", "--preset", "vit-tiny", "--checkpoint", ckpt.toString(), "-o", dir.resolve("m").toString()), 3,
        "error: checkpoint does not match the model (native (vit-tf names)): missing 11 [blocks/1/norm1/scale,");
    // A vit-pytorch state dict read with our names: everything is unexpected.
    Path fixture = TestSupport.fixtures().resolve("vit.safetensors");
    assertErrorStartsWith(cli("export", "--preset", "vit-tiny", "--checkpoint", fixture.toString(), "-o", dir.resolve("m").toString()), 3,
        "error: checkpoint does not match the model (native (vit-tf names)): missing ");
    assertError(cli("export", "--preset", "vit-tiny", "--checkpoint", dir.resolve("nope.safetensors").toString(), "-o",
        dir.resolve("m").toString()), 2, "error: --checkpoint=" + dir.resolve("nope.safetensors")
        + ": must be an existing readable file; it does not exist (see 'vittf-export export --help')");
    assertError(cli("export", "--preset", "vit-tiny", "--checkpoint", ckpt.toString(), "--source", "keras", "-o",
        dir.resolve("m").toString()), 2,
        "error: --source=keras: unknown checkpoint source; known: native, vit_pytorch, timm, hugging_face, torchvision (see 'vittf-export export --help')");
    assertFalse(Files.exists(dir.resolve("m")));
  }

  @Test
  void unwritableOutput(@TempDir Path dir) throws Exception {
    // Found while parsing, before any work: a usage error (5 is left for failures while writing).
    Path file = Files.writeString(dir.resolve("file"), "x");
    assertError(cli("export", "--preset", "vit-tiny", "-q", "-o", file.toString()), 2,
        "error: --output=" + file + ": must be a directory that can be created or written; it exists and is a file"
            + " (see 'vittf-export export --help')");
    assertError(cli("export", "--preset", "vit-tiny", "-q", "-o", file.resolve("sub").toString()), 2,
        "error: --output=" + file.resolve("sub") + ": must be a directory that can be created or written; cannot create it: "
            + file + " is a file, not a directory (see 'vittf-export export --help')");
  }

  @Test
  void existingVersion(@TempDir Path dir) throws Exception {
    Path base = dir.resolve("m");
    assertEquals(0, cli("export", "--preset", "vit-tiny", "-q", "-o", base.toString(), "--version", "1").code());
    List<String> before = TestSupport.tree(base);
    Run r = cli("export", "--preset", "vit-tiny", "-q", "-o", base.toString(), "--version", "1");
    assertError(r, 4, "error: version 1 already exists at " + base.toAbsolutePath().resolve("1")
        + " (choose another version, omit it for the next free one, or overwrite)");
    assertEquals(before, TestSupport.tree(base));
    assertEquals(0, cli("export", "--preset", "vit-tiny", "-q", "-o", base.toString(), "--version", "1", "--overwrite").code());
    Run next = cli("export", "--preset", "vit-tiny", "-q", "-o", base.toString());
    assertTrue(next.out().startsWith("exported version 2 "), next.out());
  }

  @Test
  void usageErrors(@TempDir Path dir) throws Exception {
    assertError(cli("export", "--preset", "vit-tiny"), 2,
        "error: Missing required option: '--output=DIR' (see 'vittf-export export --help')");
    assertError(cli("export", "--preset", "vit-tiny", "-o", "x", "--bogus"), 2,
        "error: Unknown option: '--bogus' (see 'vittf-export export --help')");
    assertError(cli("export", "-o", dir.toString()), 2, "error: choose a model with --preset NAME or --config FILE");
    assertError(cli("inspect", dir.toString()), 1,
        "error: not a SavedModel directory (no saved_model.pb) and no version directories: " + dir);
    assertError(cli("frobnicate"), 2, "error: Unmatched argument at index 0: 'frobnicate' (see 'vittf-export --help')");
  }

  @Test
  void predictRejectsAWrongInputShape(@TempDir Path dir) throws Exception {
    Path base = dir.resolve("m");
    assertEquals(0, cli("export", "--preset", "vit-tiny", "-q", "-o", base.toString()).code());
    Path input = dir.resolve("in.safetensors");
    SafeTensors.write(input, Map.of("images", HostTensor.zeros(1, 16, 16, 3)), Map.of());
    assertError(cli("predict", base.toString(), "--input", input.toString()), 2,
        "error: " + input + ": input must be NHWC [batch>=1, 32, 32, 3], got [1, 16, 16, 3]");
    assertError(cli("predict", base.toString(), "--input", input.toString(), "--tensor", "x"), 2,
        "error: " + input + " has no tensor 'x'; it has [images]");
  }

  @Test
  void benchMeasuresAnExportAtSeveralBatchSizes(@TempDir Path dir) {
    Path base = dir.resolve("tiny");
    assertEquals(0, cli("export", "--preset", "vit-tiny", "-o", base.toString(), "-q").code());
    Run r = cli("bench", "--savedmodel", base.toString(), "-b", "1,3", "--mode", "plain", "-n", "2", "-w", "1");
    assertEquals(0, r.code(), r.err());
    List<String> rows = r.out().lines().filter(l -> l.startsWith("tiny/1 ")).toList();
    assertEquals(2, rows.size(), r.out());
    assertTrue(rows.get(0).matches("tiny/1\\s+plain\\s+1\\s+81354\\s+0\\.003\\s+.*plain kernels"), rows.get(0));
    assertTrue(rows.get(1).matches("tiny/1\\s+plain\\s+3\\s+81354\\s+.*"), rows.get(1));
    assertError(cli("bench", "--savedmodel", base.toString(), "--mode", "xla-export"), 2, "error: --mode xla-export needs a preset "
        + "(it exports the model with --xla); with --savedmodel use plain or xla-jit");
  }

  @Test
  void benchPrintsOneRowPerModeWithWhatRan() {
    Run r = cli("bench", "-p", "vit-tiny", "-b", "2", "-n", "2", "-w", "1");
    assertEquals(0, r.code(), r.err());
    List<String> rows = r.out().lines().filter(l -> l.startsWith("vit-tiny ")).toList();
    assertEquals(3, rows.size(), r.out());
    assertTrue(rows.get(0).matches("vit-tiny\\s+plain\\s+2\\s+81354\\s+0\\.003\\s+[\\d.]+\\s+[\\d.]+\\s+plain kernels"), rows.get(0));
    assertTrue(rows.get(1).matches("vit-tiny\\s+xla-export\\s+.*XLA \\(compiled call\\)"), rows.get(1));
    // Surefire does not set TF_XLA_FLAGS, so JIT cannot compile on CPU here, and the table says so.
    assertTrue(r.out().startsWith("note: TF_XLA_FLAGS lacks --tf_xla_cpu_global_jit"), r.out());
    assertTrue(rows.get(2).matches("vit-tiny\\s+xla-jit\\s+.*plain kernels"), rows.get(2));
    assertError(cli("bench", "-p", "vit-huge"), 2, "error: --preset=vit-huge: unknown preset; known: "
        + String.join(", ", dev.vittf.models.Presets.all().keySet()) + " (see 'vittf-export bench --help')");
  }

  @Test
  void relaunchEnvironment() {
    Map<String, String> none = Map.of();
    assertEquals(Map.of(), Relaunch.missingEnv(new String[] {"inspect", "m"}, none));
    assertEquals(Map.of(), Relaunch.missingEnv(new String[] {"--version"}, none));
    assertEquals(Map.of("TF_CPP_MIN_LOG_LEVEL", "2"), Relaunch.missingEnv(new String[] {"export", "--version", "3"}, none));
    assertEquals(Map.of(), Relaunch.missingEnv(new String[] {"export", "-p", "vit-tiny", "--verbose"}, none));
    assertEquals(Map.of(), Relaunch.missingEnv(new String[] {"export"}, Map.of("TF_CPP_MIN_LOG_LEVEL", "0")));
    assertEquals(Map.of("TF_XLA_FLAGS", "--tf_xla_cpu_global_jit"),
        Relaunch.missingEnv(new String[] {"bench"}, Map.of("TF_CPP_MIN_LOG_LEVEL", "1")));
    assertEquals(Map.of("TF_XLA_FLAGS", "--xla_foo --tf_xla_cpu_global_jit"),
        Relaunch.missingEnv(new String[] {"predict", "m", "--xla-jit"}, Map.of("TF_CPP_MIN_LOG_LEVEL", "1", "TF_XLA_FLAGS", "--xla_foo")));
    assertEquals(Map.of(), Relaunch.missingEnv(new String[] {"predict", "m"}, Map.of("TF_CPP_MIN_LOG_LEVEL", "1")));
  }

  private static void assertFalse(boolean b) {
    org.junit.jupiter.api.Assertions.assertFalse(b);
  }
}
