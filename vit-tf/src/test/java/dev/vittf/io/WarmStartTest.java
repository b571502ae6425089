package dev.vittf.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vittf.Fixtures;
import dev.vittf.core.HostTensor;
import dev.vittf.models.Presets;
import dev.vittf.preprocess.ImagePipeline;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A pretrained checkpoint fitted to new classes: what loads, what does not, and every mismatch. */
class WarmStartTest {
  @TempDir Path dir;
  private static final Path HUB = Fixtures.dir().resolve("hub");

  @Test
  void hubFolderLoadsEverythingButTheHead() throws IOException {
    Pretrained p = Pretrained.load(HUB.resolve("hf_vit"));
    WarmStart w = WarmStart.prepare(HUB.resolve("hf_vit"), new WarmStart.Request(null, 3, 0, false));
    assertEquals(3, w.config().numClasses());
    assertEquals(32, w.config().imageHeight());
    assertEquals(p.weights().size() - 2, w.weights().size());
    for (Map.Entry<String, HostTensor> e : w.weights().entrySet()) {
      assertArrayEquals(p.weights().get(e.getKey()).data(), e.getValue().data(), e.getKey());
    }
    assertEquals(List.of("head/kernel re-initialised for the data's 3 classes", "head/bias re-initialised for the data's 3 classes"),
        w.notLoaded());
    assertEquals(p.labels(), w.labels());
    assertNotNull(w.preprocessing());
    assertEquals(ImagePipeline.forModel(HUB.resolve("hf_vit")),
        ImagePipeline.fromJson(new com.fasterxml.jackson.databind.ObjectMapper().readTree(w.preprocessing()), "x"));
    // the same number of classes still gets a new head, unless it is kept
    WarmStart same = WarmStart.prepare(HUB.resolve("hf_vit"), new WarmStart.Request(null, 5, 0, false));
    assertEquals(2, same.notLoaded().size());
    WarmStart kept = WarmStart.prepare(HUB.resolve("hf_vit"), new WarmStart.Request(null, 5, 0, true));
    assertTrue(kept.notLoaded().isEmpty(), kept.notLoaded().toString());
    assertArrayEquals(p.weights().get("head/kernel").data(), kept.weights().get("head/kernel").data());
  }

  @Test
  void aHeadThatDoesNotFitCannotBeKept() {
    String m = assertThrows(CheckpointMismatchException.class,
        () -> WarmStart.prepare(HUB.resolve("hf_vit"), new WarmStart.Request(null, 3, 0, true))).getMessage();
    assertTrue(m.contains("--keep-head: the checkpoint's head does not fit 3 classes"), m);
    assertTrue(m.contains("head/kernel has [48, 5] in the checkpoint, the model needs [48, 3]"), m);
  }

  @Test
  void anotherImageSizeResamplesThePositionEmbeddingLikeTimm() throws IOException {
    Pretrained p = Pretrained.load(HUB.resolve("hf_vit"));
    WarmStart w = WarmStart.prepare(HUB.resolve("hf_vit"), new WarmStart.Request(null, 3, 48, false));
    assertEquals(48, w.config().imageHeight());
    HostTensor expected = PositionEmbeddings.resample(p.weights().get("pos_embed"), 1, 4, 4, 6, 6);
    assertArrayEquals(new long[] {1, 37, 48}, w.weights().get("pos_embed").shape());
    assertEquals(0, expected.maxAbsDiff(w.weights().get("pos_embed")));
    // our own file at another size resamples the same way
    Path ours = dir.resolve("ours.safetensors");
    Checkpoints.save(p.weights(), p.config(), p.labels(), ours);
    WarmStart fromOurs = WarmStart.prepare(ours, new WarmStart.Request(null, 3, 48, false));
    assertEquals(0, expected.maxAbsDiff(fromOurs.weights().get("pos_embed")));
  }

  @Test
  void ourWeightsCarryConfigLabelsAndPreprocessing() throws IOException {
    Pretrained p = Pretrained.load(HUB.resolve("hf_vit"));
    Path ours = dir.resolve("model.safetensors");
    String pre = ImagePipeline.forModel(HUB.resolve("hf_vit")).toJson();
    Checkpoints.save(p.weights(), p.config(), p.labels(), Map.of(Checkpoints.PREPROCESSING, pre), ours);
    WarmStart w = WarmStart.prepare(ours, new WarmStart.Request(null, 4, 0, false));
    assertEquals(p.labels(), w.labels());
    assertEquals(pre, w.preprocessing());
    assertEquals(p.weights().size() - 2, w.weights().size());
    assertEquals(ImagePipeline.forModel(HUB.resolve("hf_vit")), ImagePipeline.forModel(ours), "the pipeline round-trips exactly");
  }

  @Test
  void aForeignStateDictIsRecognisedByItsNames() throws IOException {
    Pretrained p = Pretrained.load(HUB.resolve("timm_vit"));
    WarmStart w = WarmStart.prepare(HUB.resolve("timm_vit/model.safetensors"), new WarmStart.Request(p.config(), 2, 0, false));
    assertTrue(w.description().startsWith("timm "), w.description());
    assertEquals(p.weights().size() - 2, w.weights().size());
    assertEquals(0, p.weights().get("blocks/0/attn/qkv/kernel").maxAbsDiff(w.weights().get("blocks/0/attn/qkv/kernel")));
    String m = assertThrows(IllegalArgumentException.class,
        () -> WarmStart.prepare(HUB.resolve("timm_vit/model.safetensors"), new WarmStart.Request(null, 2, 0, false))).getMessage();
    assertTrue(m.contains("a single foreign weights file has no config; give the model"), m);
  }

  @Test
  void aCheckpointOfAnotherArchitectureIsRefused() {
    String m = assertThrows(CheckpointMismatchException.class, () -> WarmStart.prepare(HUB.resolve("hf_vit"),
        new WarmStart.Request(Presets.get("cait-tiny"), 3, 0, false))).getMessage();
    assertTrue(m.contains("the checkpoint is a 'vit' model, but a 'cait' model was asked for"), m);
    m = assertThrows(CheckpointMismatchException.class, () -> WarmStart.prepare(HUB.resolve("timm_vit/model.safetensors"),
        new WarmStart.Request(Presets.get("vit-tiny"), 3, 0, false))).getMessage();
    assertTrue(m.contains("is it a checkpoint of another architecture?"), m);
  }
}
