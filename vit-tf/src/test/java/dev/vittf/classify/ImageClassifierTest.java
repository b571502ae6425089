package dev.vittf.classify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vittf.Fixtures;
import dev.vittf.io.Pretrained;
import dev.vittf.preprocess.ImagePipeline;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link ImageClassifier} on the hub/hf_vit fixture: fixtures/classify/expected.json, threads, bad items. */
class ImageClassifierTest {
  private static final Path HUB = Fixtures.dir().resolve("hub/hf_vit");
  private static final Path PHOTOS = Fixtures.dir().resolve("preprocess");
  private static JsonNode expected;
  private static ImageClassifier classifier;

  @BeforeAll
  static void open() throws IOException {
    expected = new ObjectMapper().readTree(Fixtures.dir().resolve("classify/expected.json").toFile()).get("results");
    Pretrained hub = Pretrained.load(HUB);
    classifier = ImageClassifier.of(hub.model(), ImagePipeline.forModel(HUB), hub.labels(), 5);
  }

  @AfterAll
  static void close() {
    classifier.close();
  }

  private static List<Path> photos() {
    List<Path> out = new ArrayList<>();
    expected.fieldNames().forEachRemaining(n -> out.add(PHOTOS.resolve(n)));
    return out;
  }

  @Test
  void reproducesExpectedJson() {
    List<Path> photos = photos();
    assertEquals(5, photos.size());
    List<Classification> batch = classifier.classify(photos);
    for (int i = 0; i < photos.size(); i++) {
      JsonNode e = expected.get(photos.get(i).getFileName().toString());
      Classification c = batch.get(i);
      assertTrue(c.ok(), c.error());
      double[] p = c.probabilities();
      for (int k = 0; k < p.length; k++) {
        assertEquals(e.get("probabilities").get(k).asDouble(), p[k], 1e-2, photos.get(i) + " class " + k);
        // Preprocessing is bit-exact, so the probabilities agree far below the 1e-2 budget.
        assertEquals(e.get("probabilities").get(k).asDouble(), p[k], 1e-4, photos.get(i) + " class " + k);
      }
      JsonNode top = e.get("top_k");
      for (int k = 0; k < top.size(); k++) {
        Prediction got = c.topK().get(k);
        assertEquals(top.get(k).get("label").asText(), got.label(), photos.get(i) + " rank " + k);
        assertEquals(top.get(k).get("index").asInt(), got.index());
        assertEquals(top.get(k).get("probability").asDouble(), got.score(), 1e-2);
      }
      // The single-image call gives the same answer as the batch.
      List<Prediction> single = classifier.classify(photos.get(i));
      assertEquals(c.topK().get(0).index(), single.get(0).index());
      assertEquals(c.topK().get(0).score(), single.get(0).score(), 1e-6);
    }
  }

  @Test
  void eightThreadsAgreeWithOneThread() throws Exception {
    List<Path> photos = photos();
    Map<Path, double[]> reference = new java.util.HashMap<>();
    for (Path p : photos) {
      reference.put(p, classifier.classify(List.of(p)).get(0).probabilities());
    }
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Integer>> futures = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int offset = t;
        futures.add(pool.submit(() -> {
          int checked = 0;
          for (int round = 0; round < 4; round++) {
            Path p = photos.get((offset + round) % photos.size());
            double[] got = round % 2 == 0 ? classifier.classify(List.of(p)).get(0).probabilities()
                : classifier.classify(List.of(Files.readAllBytes(p))).get(0).probabilities();
            double[] want = reference.get(p);
            for (int k = 0; k < want.length; k++) {
              if (Math.abs(want[k] - got[k]) > 1e-6) {
                throw new AssertionError(p + " thread " + offset + ": " + Arrays.toString(got) + " vs " + Arrays.toString(want));
              }
            }
            checked++;
          }
          return checked;
        }));
      }
      int total = 0;
      for (Future<Integer> f : futures) {
        total += f.get();
      }
      assertEquals(32, total);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void badImagesInABatchDoNotLoseTheOthers() throws IOException {
    Path good = PHOTOS.resolve("chelsea.png");
    byte[] png = Files.readAllBytes(good);
    byte[] truncated = Arrays.copyOf(png, png.length / 2);
    byte[] text = "not an image at all".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    Path missing = PHOTOS.resolve("no-such-photo.png");
    List<Object> items = List.of(good, text, truncated, missing, PHOTOS.resolve("coffee_progressive.jpg"), 42);
    List<Classification> out = classifier.classify(items);
    assertEquals(6, out.size());
    assertTrue(out.get(0).ok());
    assertEquals(expected.get("chelsea.png").get("top_k").get(0).get("label").asText(), out.get(0).topK().get(0).label());
    assertFalse(out.get(1).ok());
    assertTrue(out.get(1).error().contains("image #1") && out.get(1).error().contains("not a PNG, JPEG"), out.get(1).error());
    assertFalse(out.get(2).ok());
    assertTrue(out.get(2).error().contains("truncated"), out.get(2).error());
    assertFalse(out.get(3).ok());
    assertTrue(out.get(3).error().contains("no-such-photo.png"), out.get(3).error());
    assertTrue(out.get(4).ok());
    assertEquals(expected.get("coffee_progressive.jpg").get("probabilities").get(0).asDouble(),
        out.get(4).probabilities()[0], 1e-4);
    assertFalse(out.get(5).ok());
    assertThrows(IllegalArgumentException.class, () -> classifier.classify(text));
  }

  @Test
  void refusesMismatchedLabelsAndPipelineAndIsClosable() throws IOException {
    ImagePipeline pipeline = ImagePipeline.forModel(HUB);
    Pretrained hub = Pretrained.load(HUB);
    var model = hub.model();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ImageClassifier.of(model, pipeline, List.of("a", "b")));
    assertTrue(e.getMessage().contains("5 classes but 2 labels"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> ImageClassifier.of(model, ImagePipeline.torchvisionVitB16(), hub.labels()));
    assertTrue(e.getMessage().contains("224x224"), e.getMessage());
    ImageClassifier c = ImageClassifier.of(model, pipeline, hub.labels(), 2);
    assertEquals(2, c.classify(PHOTOS.resolve("astronaut.png")).size());
    c.close();
    assertThrows(IllegalStateException.class, () -> c.classify(PHOTOS.resolve("astronaut.png")));
  }
}
