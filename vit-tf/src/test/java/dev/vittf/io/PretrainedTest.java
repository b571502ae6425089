package dev.vittf.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vittf.Fixtures;
import dev.vittf.core.HostTensor;
import dev.vittf.core.Mode;
import dev.vittf.models.EagerRunner;
import dev.vittf.models.VitModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/** Every hub snapshot folder opened with {@link Pretrained#load} matches its expected outputs, graph and eager. */
class PretrainedTest {
  static final double TOLERANCE = 1e-4;
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path tmp;

  @TestFactory
  List<DynamicTest> hubFolders() throws Exception {
    Path hub = Fixtures.dir().resolve("hub");
    List<String> names = List.of("hf_vit", "hf_vit_bin", "hf_vit_bare", "hf_deit_distilled", "timm_vit", "torchvision_vit");
    try (var s = Files.list(hub)) {
      assertEquals(names.size(), s.filter(Files::isDirectory).count(), "hub folders");
    }
    List<DynamicTest> tests = new ArrayList<>();
    for (String n : names) {
      tests.add(DynamicTest.dynamicTest(n + " [graph]", () -> run(hub.resolve(n), false)));
      tests.add(DynamicTest.dynamicTest(n + " [eager]", () -> run(hub.resolve(n), true)));
    }
    return tests;
  }

  static void run(Path folder, boolean eager) throws Exception {
    Pretrained p = Pretrained.load(folder);
    Map<String, HostTensor> io = SafeTensors.read(folder.resolve("expected.io.safetensors")).tensors();
    HostTensor input = io.get("input");
    Map<String, HostTensor> ours;
    if (eager) {
      ours = EagerRunner.forward(p.config(), p.weights(), 0, Mode.INFERENCE, input);
    } else {
      try (VitModel m = p.model()) {
        ours = m.run(input, p.outputs().values().toArray(String[]::new));
      }
    }
    int compared = 0;
    for (Map.Entry<String, String> e : p.outputs().entrySet()) {
      HostTensor want = io.get(e.getKey());
      if (want == null) {
        continue;
      }
      double diff = ours.get(e.getValue()).maxAbsDiff(want);
      System.out.printf("hub %-18s %-5s %-20s max|diff| = %.3e%n", folder.getFileName(), eager ? "eager" : "graph", e.getKey(), diff);
      assertTrue(diff <= TOLERANCE, folder.getFileName() + " " + e.getKey() + ": " + diff);
      compared++;
    }
    assertTrue(compared >= 1, "no expected output compared for " + folder);
  }

  @Test
  void labelsAndPreprocessingTravelWithTheModel() throws Exception {
    Path hub = Fixtures.dir().resolve("hub");
    Pretrained vit = Pretrained.load(hub.resolve("hf_vit"));
    assertEquals(List.of("tabby cat", "golden retriever", "espresso", "space shuttle", "daisy"), vit.labels());
    assertEquals("ViTImageProcessor", vit.preprocessing().path("image_processor_type").asText());
    assertEquals(1e-12, ((dev.vittf.models.PatchTransformerConfig) vit.config()).normEps());
    Pretrained timm = Pretrained.load(hub.resolve("timm_vit"));
    assertEquals(List.of("n01440764", "n01443537", "n01484850", "n01491361"), timm.labels());
    assertEquals("bicubic", timm.preprocessing().path("interpolation").asText());
    Pretrained tv = Pretrained.load(hub.resolve("torchvision_vit"));
    assertEquals(5, tv.labels().size());
    assertNotNull(tv.preprocessing().get("crop_size"));
    assertEquals(Pretrained.Format.TORCHVISION, tv.format());
    assertEquals(List.of(), Pretrained.load(hub.resolve("hf_vit_bare")).labels());
    // another image size only on request: the position embedding is resampled to the 6x6 grid
    Pretrained big = Pretrained.load(hub.resolve("timm_vit"), 48, 48);
    assertEquals(37, big.weights().get("pos_embed").dim(1));
    assertEquals(17, timm.weights().get("pos_embed").dim(1));
  }

  @Test
  void unknownModelTypesAndArchitecturesAreNamed() throws Exception {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Pretrained.load(edited("hf_vit",
        c -> c.put("model_type", "swin"))));
    assertTrue(e.getMessage().contains("model_type 'swin' is not supported (supported: vit, deit)"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Pretrained.load(edited("hf_vit",
        c -> c.set("architectures", JSON.createArrayNode().add("ViTForMaskedImageModeling")))));
    assertTrue(e.getMessage().contains("ViTForMaskedImageModeling") && e.getMessage().contains("ViTForImageClassification"),
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Pretrained.load(edited("timm_vit",
        c -> c.put("architecture", "convnext_tiny"))));
    assertTrue(e.getMessage().contains("timm architecture 'convnext_tiny' is not supported"), e.getMessage());
  }

  @Test
  void configContradictingTheWeightsNamesBoth() throws Exception {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Pretrained.load(edited("hf_vit",
        c -> c.put("hidden_size", 64))));
    assertTrue(e.getMessage().contains("config.json contradicts model.safetensors") && e.getMessage().contains("width 64")
        && e.getMessage().contains("embeddings.patch_embeddings.projection.weight has [48, 3, 8, 8]"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Pretrained.load(edited("hf_vit",
        c -> c.put("hidden_act", "gelu_new"))));
    assertTrue(e.getMessage().contains("hidden_act 'gelu_new' is not supported"), e.getMessage());
  }

  private Path edited(String name, java.util.function.Consumer<ObjectNode> edit) throws Exception {
    Path src = Fixtures.dir().resolve("hub").resolve(name);
    Path dst = Files.createDirectories(tmp.resolve(name + "-" + System.nanoTime()));
    try (var s = Files.list(src)) {
      for (Path f : s.toList()) {
        Files.copy(f, dst.resolve(f.getFileName()));
      }
    }
    ObjectNode cfg = (ObjectNode) JSON.readTree(dst.resolve("config.json").toFile());
    edit.accept(cfg);
    JSON.writeValue(dst.resolve("config.json").toFile(), cfg);
    return dst;
  }

  /** Labels and config are saved with our checkpoints; the converted file gives the same logits. */
  @Test
  void labelsAreSavedWithOurCheckpoints() throws Exception {
    Path folder = Fixtures.dir().resolve("hub").resolve("hf_deit_distilled");
    Pretrained p = Pretrained.load(folder);
    Path out = tmp.resolve("deit.safetensors");
    Checkpoints.save(p.weights(), p.config(), p.labels(), out);
    assertEquals(p.labels(), Checkpoints.labels(out));
    dev.vittf.models.ModelConfig back = Checkpoints.config(out).orElseThrow();
    assertEquals(p.config(), back);
    // Files that are not ours carry no config: a hub safetensors and a PyTorch .bin.
    assertTrue(Checkpoints.config(folder.resolve("model.safetensors")).isEmpty());
    assertTrue(Checkpoints.config(Fixtures.dir().resolve("hub/hf_vit_bin/pytorch_model.bin")).isEmpty());
    HostTensor input = SafeTensors.read(folder.resolve("expected.io.safetensors")).tensors().get("input");
    HostTensor want = SafeTensors.read(folder.resolve("expected.io.safetensors")).tensors().get("logits");
    try (VitModel m = Checkpoints.model(out, back, CheckpointSource.NATIVE)) {
      assertTrue(m.predict(input).maxAbsDiff(want) <= TOLERANCE);
    }
  }
}
