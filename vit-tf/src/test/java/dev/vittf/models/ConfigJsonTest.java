package dev.vittf.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vittf.arch.vit.ViTConfig;
import dev.vittf.blocks.PatchEmbedding;
import dev.vittf.core.InvalidConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** JSON codec of configs: round trips, discriminator, strictness, validation messages. */
class ConfigJsonTest {

  @Test
  void everyPresetRoundTrips() {
    for (Map.Entry<String, Supplier<ModelConfig>> e : Presets.all().entrySet()) {
      ModelConfig c = e.getValue().get();
      String json = ConfigJson.toJson(c);
      assertTrue(json.startsWith("{\n  \"architecture\" : \"" + c.architecture() + "\""), json);
      assertEquals(c, ConfigJson.fromJson(json), e.getKey());
    }
  }

  @Test
  void nonDefaultValuesRoundTripThroughAFile(@TempDir Path dir) throws Exception {
    ViTConfig c = ViTConfig.builder().imageSize(48, 32).patchSize(16, 8).channels(1).numClasses(7).dim(40).depth(3)
        .heads(5).dimHead(8).mlpDim(96).pool(Pool.MEAN).classToken(false).embedding(PatchEmbedding.Style.CONV)
        .qkvBias(true).normEps(1e-6).finalNorm(NormPlacement.POOLED).dropout(0.1).embDropout(0.2).attnDropout(0.05)
        .dropPath(0.3).layerScaleInit(1e-5).build();
    Path f = dir.resolve("c.json");
    ConfigJson.write(f, c);
    assertEquals(c, ConfigJson.read(f));
    ObjectNode tree = ConfigJson.toTree(c);
    assertEquals("MEAN", tree.get("pool").asText());
    assertEquals(1e-6, tree.get("normEps").asDouble());
    assertEquals(29, tree.size()); // discriminator + 28 components
  }

  @Test
  void presetBaseWithOverrides() {
    ModelConfig c = ConfigJson.fromJson("{\"preset\": \"vit-tiny\", \"numClasses\": 100, \"pool\": \"mean\"}");
    assertEquals(ViTConfig.tiny().toBuilder().numClasses(100).pool(Pool.MEAN).build(), c);
    ConfigJsonException e = assertThrows(ConfigJsonException.class,
        () -> ConfigJson.fromJson("{\"preset\": \"vit-tiny\", \"architecture\": \"cait\"}"));
    assertEquals("preset 'vit-tiny' is a 'vit' model but the document says architecture 'cait'", e.getMessage());
    e = assertThrows(ConfigJsonException.class, () -> ConfigJson.fromJson("{\"preset\": \"vit-huge\"}"));
    assertTrue(e.getMessage().startsWith("unknown preset 'vit-huge'; known: vit-seed, vit-tiny"), e.getMessage());
    ObjectNode o = new ObjectMapper().createObjectNode().put("depth", 4);
    assertEquals(ViTConfig.tiny().toBuilder().depth(4).build(), ConfigJson.override(ViTConfig.tiny(), o));
  }

  @Test
  void unknownArchitectureNamesTheKnownOnes() {
    ConfigJsonException e = assertThrows(ConfigJsonException.class, () -> ConfigJson.fromJson("{\"architecture\": \"resnet\"}"));
    assertEquals("unknown architecture 'resnet'; known: " + String.join(", ", ConfigJson.architectures()), e.getMessage());
    e = assertThrows(ConfigJsonException.class, () -> ConfigJson.fromJson("{\"dim\": 3}"));
    assertTrue(e.getMessage().startsWith("missing field 'architecture' (one of vit"), e.getMessage());
    e = assertThrows(ConfigJsonException.class, () -> ConfigJson.fromJson("[1, 2]"));
    assertEquals("a config must be a JSON object, got ARRAY", e.getMessage());
  }

  @Test
  void invalidConfigFailsWithTheRecordsValidationMessage() {
    ObjectNode tree = ConfigJson.toTree(ViTConfig.tiny());
    tree.put("imageHeight", 30).put("heads", 0);
    InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> ConfigJson.fromTree(tree));
    assertEquals("invalid ViTConfig (2 problems): imageHeight=30: must be divisible by patchHeight=8; heads=0: must be > 0",
        e.getMessage());
  }

  @Test
  void strictFields() {
    ObjectNode tree = ConfigJson.toTree(ViTConfig.tiny());
    tree.put("colour", "blue");
    ConfigJsonException e = assertThrows(ConfigJsonException.class, () -> ConfigJson.fromTree(tree));
    assertTrue(e.getMessage().startsWith("unknown field colour for architecture 'vit'; known: imageHeight, imageWidth,"), e.getMessage());

    ObjectNode missing = ConfigJson.toTree(ViTConfig.tiny());
    missing.remove("depth");
    missing.remove("mlpDim");
    e = assertThrows(ConfigJsonException.class, () -> ConfigJson.fromTree(missing));
    assertEquals("config for architecture 'vit' is missing fields depth, mlpDim (or start from a preset with \"preset\")", e.getMessage());

    ObjectNode fractional = ConfigJson.toTree(ViTConfig.tiny()).put("dim", 64.5);
    e = assertThrows(ConfigJsonException.class, () -> ConfigJson.fromTree(fractional));
    assertEquals("field 'dim' of architecture 'vit': cannot read 64.5 as int", e.getMessage());

    ObjectNode text = ConfigJson.toTree(ViTConfig.tiny()).put("depth", "two");
    e = assertThrows(ConfigJsonException.class, () -> ConfigJson.fromTree(text));
    assertEquals("field 'depth' of architecture 'vit': cannot read \"two\" as int", e.getMessage());

    ObjectNode nul = ConfigJson.toTree(ViTConfig.tiny()).putNull("heads");
    e = assertThrows(ConfigJsonException.class, () -> ConfigJson.fromTree(nul));
    assertTrue(e.getMessage().startsWith("field 'heads' of architecture 'vit': cannot read null as int"), e.getMessage());

    ObjectNode badEnum = ConfigJson.toTree(ViTConfig.tiny()).put("pool", "median");
    e = assertThrows(ConfigJsonException.class, () -> ConfigJson.fromTree(badEnum));
    assertEquals("field 'pool' of architecture 'vit': cannot read \"median\" as Pool (one of CLS, MEAN, AVG, MAX, AVG_MAX)", e.getMessage());

    e = assertThrows(ConfigJsonException.class, () -> ConfigJson.fromJson("{\"architecture\": \"vit\",}"));
    assertTrue(e.getMessage().startsWith("malformed JSON: "), e.getMessage());
    assertTrue(e.getMessage().contains("(line 1, column"), e.getMessage());
  }

  @Test
  void preprocessingDefaultsAndValidation() {
    assertEquals(Preprocessing.IMAGENET, ViTConfig.tiny().preprocessing());
    assertEquals(List.of(0.485, 0.456, 0.406), ViTConfig.tiny().preprocessing().mean());
    ModelConfig grey = ViTConfig.tiny().toBuilder().channels(1).build();
    assertEquals(Preprocessing.uniform(1, 0.5, 0.5), grey.preprocessing());
    InvalidConfigException e = assertThrows(InvalidConfigException.class,
        () -> new Preprocessing(List.of(0.5, 0.5), List.of(0.5, 0.0)));
    assertEquals("invalid Preprocessing (1 problem): std=[0.5, 0.0]: values must be finite and > 0", e.getMessage());
    e = assertThrows(InvalidConfigException.class, () -> new Preprocessing(List.of(0.5, 0.5), List.of(0.5)));
    assertEquals("invalid Preprocessing (1 problem): std=[0.5]: must have as many values as mean (2)", e.getMessage());
  }

  @Test
  void readReportsTheFile(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("bad.json");
    Files.writeString(f, "{\"architecture\": \"nope\"}");
    ConfigJsonException e = assertThrows(ConfigJsonException.class, () -> ConfigJson.read(f));
    assertEquals(f + ": unknown architecture 'nope'; known: " + String.join(", ", ConfigJson.architectures()), e.getMessage());
  }
}
