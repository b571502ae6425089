package dev.vittf.arch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vittf.Fixtures;
import dev.vittf.arch.Architecture.Preset;
import dev.vittf.arch.Architecture.ReferenceFamily;
import dev.vittf.arch.cait.CaiTConfig;
import dev.vittf.arch.deepvit.DeepViTConfig;
import dev.vittf.arch.parallelvit.ParallelViTConfig;
import dev.vittf.arch.scalablevit.ScalableViTConfig;
import dev.vittf.arch.vit.ViTConfig;
import dev.vittf.core.HostTensor;
import dev.vittf.io.CheckpointMapping;
import dev.vittf.io.CheckpointSource;
import dev.vittf.io.Checkpoints;
import dev.vittf.io.ReferenceModels.ReferenceModel;
import dev.vittf.io.ReferenceModels;
import dev.vittf.io.SafeTensors;
import dev.vittf.models.ConfigJson;
import dev.vittf.models.ModelConfig;
import dev.vittf.models.ModelParameters;
import dev.vittf.models.Network;
import dev.vittf.models.Presets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The architecture registry: every lookup (JSON, presets, checkpoints, reference families) goes through one descriptor. */
class ArchitecturesTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A config record that no descriptor registers. */
  record Unregistered(int imageHeight, int imageWidth, int channels, int numClasses) implements ModelConfig {
    @Override
    public Network network() {
      throw new UnsupportedOperationException();
    }
  }

  @Test
  void everyLookupSeesTheSameArchitectures() {
    assertEquals(List.of("vit", "deepvit", "cait", "parallel_vit", "scalable_vit"), Architectures.names());
    assertEquals(Architectures.names(), ConfigJson.architectures());
    List<String> presetNames = new ArrayList<>();
    for (Architecture<?> a : Architectures.ALL) {
      assertEquals(a, Architectures.of(a.configType()));
      assertEquals(a, Architectures.find(a.name()).orElseThrow());
      assertEquals(a.configType(), ConfigJson.configType(a.name()));
      assertFalse(a.presets().isEmpty(), a + " has no preset");
      for (Preset p : a.presets()) {
        ModelConfig c = p.config();
        assertEquals(a.configType(), c.getClass(), p.name());
        assertEquals(a.name(), c.architecture(), p.name());
        assertEquals(a.name(), p.architecture(), p.name());
        assertFalse(p.citation().isBlank(), p.name() + " cites nothing");
        assertEquals(c.preprocessing(), p.preprocessing(), p.name());
        presetNames.add(p.name());
      }
    }
    assertEquals(presetNames, List.copyOf(Presets.all().keySet()));
    assertEquals(presetNames, Presets.list().stream().map(Preset::name).toList());
    assertTrue(Architectures.find("swin").isEmpty());
  }

  /** Each reference family converts its fixture to its architecture, and its source has a checkpoint table. */
  @Test
  void everyReferenceFamilyConvertsItsFixtureAndMapsItsCheckpoint() throws Exception {
    Set<String> families = new HashSet<>();
    for (Architecture<?> a : Architectures.ALL) {
      for (ReferenceFamily f : a.referenceFamilies()) {
        families.add(f.name());
        assertEquals(f, Architectures.referenceFamily(f.name()).orElseThrow());
        assertTrue(a.checkpointSources().contains(f.source()), f.name() + ": no " + f.source() + " table");
        // hub sources (transformers, torchvision) have their fixture as a hub folder's config.json
        Path hub = Fixtures.dir().resolve("hub").resolve(f.name());
        boolean isHub = !Files.exists(Fixtures.dir().resolve(f.name() + ".json")) && Files.isDirectory(hub);
        Path json = isHub ? hub.resolve("config.json") : Fixtures.dir().resolve(f.name() + ".json");
        assertTrue(Files.exists(json), "fixture " + json);
        JsonNode description = JSON.readTree(json.toFile());
        if (isHub) {
          ObjectNode d = JSON.createObjectNode().put("family", f.name());
          d.set("constructor_kwargs", description.has("constructor_kwargs") ? description.get("constructor_kwargs") : description);
          description = d;
        }
        ReferenceModel ref = ReferenceModels.fromJson(description);
        assertEquals(a.configType(), ref.config().getClass(), f.name());
        assertEquals(f.source(), ref.source(), f.name());
        // the family's table claims every tensor of its checkpoint exactly once, and our tensors convert back
        Path file = isHub ? hub.resolve("model.safetensors") : Fixtures.dir().resolve(f.name() + ".safetensors");
        Map<String, HostTensor> raw = new LinkedHashMap<>();
        SafeTensors.read(file).tensors().forEach((k, v) -> raw.put(k.startsWith("vit.") ? k.substring(4) : k, v));
        Map<String, HostTensor> ours = Checkpoints.convert(raw, ref.config(), ref.source(), ModelParameters.of(ref.config()));
        CheckpointMapping m = Checkpoints.mapping(ref.config(), ref.source());
        int fusedParts = m.fused().stream().mapToInt(x -> x.theirs().size()).sum();
        assertEquals(raw.size(), m.entries().size() + m.expectedEmpty().size() + fusedParts, f.name());
        for (CheckpointMapping.Entry en : m.entries()) {
          HostTensor back = en.conversion().invert(ours.get(en.ours()), raw.get(en.theirs()).shape());
          assertEquals(0.0, back.maxAbsDiff(raw.get(en.theirs())), f.name() + ": " + en.theirs());
        }
      }
    }
    assertEquals(Set.copyOf(Architectures.referenceFamilies()), families);
    assertEquals(Set.of("vit", "timm_vit", "hf_vit", "torchvision_vit", "deepvit", "cait", "timm_cait", "parallel_vit",
        "timm_parallel_vit", "scalable_vit"), families);
  }

  @Test
  void unregisteredConfigsAndSourcesAreNamed() {
    Unregistered u = new Unregistered(32, 32, 3, 10);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, u::architecture);
    assertTrue(e.getMessage().contains("is not the config type of a registered architecture"), e.getMessage());
    assertTrue(e.getMessage().contains("Architectures.ALL"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> ConfigJson.toJson(u));
    UnsupportedOperationException none = assertThrows(UnsupportedOperationException.class,
        () -> Checkpoints.mapping(ScalableViTConfig.tiny(), CheckpointSource.TIMM));
    assertEquals("no TIMM checkpoint mapping for architecture 'scalable_vit'; it has [VIT_PYTORCH]", none.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Checkpoints.mapping(ViTConfig.tiny(), CheckpointSource.NATIVE));
    // a descriptor refuses a config of another architecture
    IllegalArgumentException other = assertThrows(IllegalArgumentException.class,
        () -> Architectures.of(ViTConfig.class).mapping(ScalableViTConfig.tiny(), CheckpointSource.VIT_PYTORCH));
    assertEquals("architecture 'vit' is configured by ViTConfig, not ScalableViTConfig", other.getMessage());
  }

  /** Builders copy every field generically: a preset survives toBuilder().build() and a JSON round trip. */
  @Test
  void buildersAndJsonCopyEveryField() {
    for (Preset p : Presets.list()) {
      ModelConfig c = p.config();
      assertEquals(c, toBuilderAndBack(c), p.name());
      assertEquals(c, ConfigJson.fromJson(ConfigJson.toJson(c)), p.name());
    }
  }

  private static ModelConfig toBuilderAndBack(ModelConfig c) {
    if (c instanceof ViTConfig v) {
      return v.toBuilder().build();
    }
    if (c instanceof DeepViTConfig d) {
      return d.toBuilder().build();
    }
    if (c instanceof CaiTConfig t) {
      return t.toBuilder().build();
    }
    if (c instanceof ParallelViTConfig pv) {
      return pv.toBuilder().build();
    }
    return ((ScalableViTConfig) c).toBuilder().build();
  }
}
