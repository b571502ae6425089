package dev.vittf.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vittf.arch.vit.ViTConfig;
import dev.vittf.classify.Classification;
import dev.vittf.classify.ImageClassifier;
import dev.vittf.classify.Prediction;
import dev.vittf.io.CheckpointSource;
import dev.vittf.io.Checkpoints;
import dev.vittf.io.Pretrained;
import dev.vittf.models.ModelConfig;
import dev.vittf.models.VitModel;
import dev.vittf.preprocess.ImageDecoder;
import dev.vittf.preprocess.ImagePipeline;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link SavedModelClassifier}: an export classifies photos as the hub folder or checkpoint it was made from
 * (fixtures/classify/expected.json for hub/hf_vit; the Java classifier for the crop pipelines of timm and
 * torchvision and for the plain recipe), older exports and foreign SavedModels, bad labels, threads.
 */
class SavedModelClassifierTest {
  private static final Path HUB = TestSupport.fixtures().resolve("hub");
  private static final Path PHOTOS = TestSupport.fixtures().resolve("preprocess");
  private static final List<String> PHOTO_NAMES =
      List.of("chelsea.png", "coffee.png", "astronaut.png", "chelsea_q90.jpg", "coffee_progressive.jpg");

  @TempDir Path base;

  private static List<Object> photos() {
    List<Object> out = new ArrayList<>();
    PHOTO_NAMES.forEach(n -> out.add(PHOTOS.resolve(n)));
    return out;
  }

  private Path exportHub(String name) throws Exception {
    return SavedModelExporter.export(Pretrained.load(HUB.resolve(name)), base.resolve(name), ExportOptions.defaults(),
        ExportProgress.NONE).directory();
  }

  @Test
  void hubExportReproducesTheSourceLibrarysAnswers() throws Exception {
    JsonNode expected = new ObjectMapper().readTree(TestSupport.fixtures().resolve("classify/expected.json").toFile()).get("results");
    exportHub("hf_vit");
    // The model base directory: its highest version is opened.
    try (ImageClassifier c = SavedModelClassifier.open(base.resolve("hf_vit"))) {
      int checked = 0;
      for (var it = expected.fields(); it.hasNext(); checked++) {
        var e = it.next();
        Classification got = c.classify(List.of(PHOTOS.resolve(e.getKey()))).get(0);
        assertTrue(got.ok(), got.error());
        for (int k = 0; k < got.probabilities().length; k++) {
          assertEquals(e.getValue().get("probabilities").get(k).asDouble(), got.probabilities()[k], 1e-4, e.getKey() + " class " + k);
        }
        JsonNode top = e.getValue().get("top_k");
        for (int k = 0; k < top.size(); k++) {
          assertEquals(top.get(k).get("label").asText(), got.topK().get(k).label(), e.getKey() + " rank " + k);
        }
      }
      assertEquals(5, checked);
      IllegalStateException noGraph = assertThrows(IllegalStateException.class, c::model);
      assertTrue(noGraph.getMessage().contains("SavedModel"), noGraph.getMessage());
    }
  }

  /** Crop pipelines (timm crop_pct, torchvision shorter edge + center crop) travel in the export too. */
  @Test
  void cropPipelinesAgreeWithTheHubFolder() throws Exception {
    for (String name : List.of("timm_vit", "torchvision_vit", "hf_deit_distilled")) {
      Path version = exportHub(name);
      Pretrained hub = Pretrained.load(HUB.resolve(name));
      List<String> labels = hub.labels().isEmpty() ? ImageClassifier.defaultLabels(hub.config().numClasses()) : hub.labels();
      try (ImageClassifier served = SavedModelClassifier.open(version);
          ImageClassifier java = ImageClassifier.of(hub.model(), ImagePipeline.forModel(HUB.resolve(name)), labels)) {
        assertEquals(java.pipeline().toJson(), served.pipeline().toJson(), name);
        assertEquals(labels, served.labels(), name);
        assertSame(java.classify(photos()), served.classify(photos()), name);
      }
    }
  }

  /** A model without a library pipeline records the plain recipe (resize to H×W, its mean/std). */
  @Test
  void plainExportAndOlderExportsUseTheResizeRecipe() throws Exception {
    ModelConfig config = ViTConfig.tiny();
    Path ckpt = base.resolve("tiny.safetensors");
    try (VitModel m = VitModel.create(config, 77)) {
      Checkpoints.save(m, ckpt);
    }
    Path version = SavedModelExporter.export(config, Weights.checkpoint(ckpt, CheckpointSource.NATIVE), base.resolve("tiny"),
        ExportOptions.defaults()).directory();
    ImagePipeline recipe = ImagePipeline.resized(config.imageHeight(), config.imageWidth(), config.preprocessing());
    List<String> labels = ImageClassifier.defaultLabels(config.numClasses());
    try (ImageClassifier java = ImageClassifier.of(Checkpoints.model(ckpt, config, CheckpointSource.NATIVE), recipe, labels)) {
      try (ImageClassifier served = SavedModelClassifier.open(version)) {
        assertEquals(recipe.toJson(), served.pipeline().toJson());
        assertSame(java.classify(photos()), served.classify(photos()), "plain export");
      }
      // Exports from before the metadata carried a pipeline: the same recipe from their mean/std.
      Path meta = version.resolve("assets.extra/vittf.json");
      ObjectNode old = (ObjectNode) new ObjectMapper().readTree(meta.toFile());
      old.remove(SavedModelExporter.PIPELINE_KEY);
      Files.writeString(meta, old.toString());
      try (ImageClassifier served = SavedModelClassifier.open(version)) {
        assertEquals(recipe.toJson(), served.pipeline().toJson());
        assertSame(java.classify(photos()), served.classify(photos()), "older export");
      }
      // A SavedModel made elsewhere: no vit-tf metadata, so the pipeline must be given.
      Files.delete(meta);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SavedModelClassifier.open(version));
      assertTrue(e.getMessage().contains("vittf.json") && e.getMessage().contains("give a pipeline"), e.getMessage());
      try (ImageClassifier served = SavedModelClassifier.open(version, ServingModel.Options.defaults(), recipe, 3, 2,
          ImageDecoder.DEFAULT_MAX_PIXELS)) {
        assertEquals(3, served.classify(PHOTOS.resolve("coffee.png")).size());
        assertSame(java.classify(photos()), served.classify(photos()), "explicit pipeline");
      }
    }
  }

  @Test
  void badExportsAreRefusedNamingTheFile() throws Exception {
    Path version = exportHub("hf_vit");
    Path labels = version.resolve("assets/labels.txt");
    Files.writeString(labels, "cat\ndog\n");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SavedModelClassifier.open(version));
    assertTrue(e.getMessage().contains(labels.toString()) && e.getMessage().contains("2 lines"), e.getMessage());
    Path meta = version.resolve("assets.extra/vittf.json");
    ObjectNode m = (ObjectNode) new ObjectMapper().readTree(meta.toFile());
    m.putObject(SavedModelExporter.PIPELINE_KEY).put("vit_tf_pipeline", "no");
    Files.writeString(meta, m.toString());
    Files.delete(labels);
    e = assertThrows(IllegalArgumentException.class, () -> SavedModelClassifier.open(version));
    assertTrue(e.getMessage().contains(meta.toString()) && e.getMessage().contains("'pipeline'"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> SavedModelClassifier.open(base.resolve("missing")));
    assertTrue(e.getMessage().contains("missing"), e.getMessage());
    Path empty = Files.createDirectories(base.resolve("empty"));
    e = assertThrows(IllegalArgumentException.class, () -> SavedModelClassifier.open(empty));
    assertTrue(e.getMessage().contains("saved_model.pb"), e.getMessage());
  }

  @Test
  void sharedByThreadsAndClosable() throws Exception {
    Path version = exportHub("hf_vit");
    ImageClassifier c = SavedModelClassifier.open(version);
    List<Classification> alone = c.classify(photos());
    ExecutorService pool = Executors.newFixedThreadPool(6);
    try {
      List<Future<List<Classification>>> runs = new ArrayList<>();
      for (int t = 0; t < 12; t++) {
        runs.add(pool.submit(() -> c.classify(photos())));
      }
      for (Future<List<Classification>> f : runs) {
        assertSame(alone, f.get(), "thread");
      }
    } finally {
      pool.shutdown();
    }
    c.close();
    assertThrows(IllegalStateException.class, () -> c.classify(photos()));
  }

  private static void assertSame(List<Classification> want, List<Classification> got, String what) {
    assertEquals(want.size(), got.size(), what);
    for (int i = 0; i < want.size(); i++) {
      Classification w = want.get(i);
      Classification g = got.get(i);
      assertTrue(w.ok() && g.ok(), what + ": " + w.error() + " / " + g.error());
      for (int k = 0; k < w.logits().length; k++) {
        assertEquals(w.logits()[k], g.logits()[k], 1e-4, what + " " + w.image() + " logit " + k);
      }
      // The same ranking, as far as the shorter top-k goes.
      int k = Math.min(w.topK().size(), g.topK().size());
      List<Integer> wi = w.topK().subList(0, k).stream().map(Prediction::index).toList();
      assertEquals(wi, g.topK().subList(0, k).stream().map(Prediction::index).toList(), what + " " + w.image());
    }
  }
}
