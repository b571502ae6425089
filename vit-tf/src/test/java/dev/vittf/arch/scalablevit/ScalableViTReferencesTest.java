package dev.vittf.arch.scalablevit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vittf.Fixtures;
import dev.vittf.core.HostTensor;
import dev.vittf.io.CheckpointMismatchException;
import dev.vittf.io.CheckpointSource;
import dev.vittf.io.Checkpoints;
import dev.vittf.io.ReferenceModels;
import dev.vittf.io.SafeTensors;
import dev.vittf.models.ModelParameters;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Reference-model conversion and checkpoint table of the ScalableViT family. */
class ScalableViTReferencesTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static ObjectNode fixture(String name) throws Exception {
    return (ObjectNode) JSON.readTree(Fixtures.dir().resolve(name + ".json").toFile());
  }

  /** The block order comes from the description's data: block_order, else the notes' statement, else upstream. */
  @Test
  void blockOrderRule() throws Exception {
    ObjectNode paper = fixture("scalable_vit");
    ObjectNode upstream = fixture("scalable_vit_upstream_order");
    assertFalse(((ScalableViTConfig) ReferenceModels.fromJson(paper).config()).upstreamBlockOrder());
    assertTrue(((ScalableViTConfig) ReferenceModels.fromJson(upstream).config()).upstreamBlockOrder());
    // the case name plays no part: swapping the names keeps each description's order
    assertFalse(ScalableViTReferences.upstreamOrder(paper.deepCopy().put("case", "scalable_vit_upstream_order")));
    assertTrue(ScalableViTReferences.upstreamOrder(upstream.deepCopy().put("case", "scalable_vit")));
    // an explicit block_order field wins over the notes
    assertTrue(ScalableViTReferences.upstreamOrder(paper.deepCopy().put("block_order", "upstream")));
    assertFalse(ScalableViTReferences.upstreamOrder(upstream.deepCopy().put("block_order", "paper")));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ScalableViTReferences.upstreamOrder(paper.deepCopy().put("block_order", "sideways")));
    assertTrue(e.getMessage().contains("block_order must be 'paper' or 'upstream'"), e.getMessage());
    // no statement at all: the entry point, unpatched upstream ScalableViT, runs upstream's order
    ObjectNode silent = paper.deepCopy();
    silent.remove("notes");
    assertTrue(ScalableViTReferences.upstreamOrder(silent));
    // a statement that names neither order is refused rather than guessed
    ObjectNode vague = paper.deepCopy().put("notes", "BLOCK ORDER: unknown. Stem: Conv2d 7x7.");
    e = assertThrows(IllegalArgumentException.class, () -> ScalableViTReferences.upstreamOrder(vague));
    assertTrue(e.getMessage().contains("BLOCK ORDER: unknown."), e.getMessage());
  }

  @Test
  void scalableFixtureConfig() throws Exception {
    ScalableViTConfig c = (ScalableViTConfig) ReferenceModels.fromJson(fixture("scalable_vit")).config();
    assertEquals(ScalableViTConfig.tiny(), c);
    ObjectNode noSize = fixture("scalable_vit");
    noSize.remove("image_size_hw");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ReferenceModels.fromJson(noSize));
    assertTrue(e.getMessage().contains("image_size_hw"), e.getMessage());
    JsonNode kwargs = fixture("scalable_vit").get("constructor_kwargs");
    assertThrows(IllegalArgumentException.class, () -> ReferenceModels.fromKwargs("scalable_vit", kwargs));
    ObjectNode scalarDepth = fixture("scalable_vit");
    ((ObjectNode) scalarDepth.get("constructor_kwargs")).put("depth", 2);
    e = assertThrows(IllegalArgumentException.class, () -> ReferenceModels.fromJson(scalarDepth));
    assertTrue(e.getMessage().contains("'depth' must be a tuple"), e.getMessage());
    ObjectNode unknown = fixture("scalable_vit");
    ((ObjectNode) unknown.get("constructor_kwargs")).put("window_shift", 2);
    e = assertThrows(IllegalArgumentException.class, () -> ReferenceModels.fromJson(unknown));
    assertTrue(e.getMessage().contains("unsupported arguments [window_shift]"), e.getMessage());
  }

  /** A checkpoint with a missing and an unexpected tensor is refused, listing both. */
  @Test
  void strictLoading() throws Exception {
    ScalableViTConfig c = ScalableViTConfig.tiny();
    Map<String, HostTensor> raw = new LinkedHashMap<>(SafeTensors.read(Fixtures.dir().resolve("scalable_vit.safetensors")).tensors());
    raw.remove("layers.0.0.layers.0.2.proj.weight");
    raw.put("layers.1.0.norm.g", HostTensor.zeros(1, 32, 1, 1));
    CheckpointMismatchException e = assertThrows(CheckpointMismatchException.class,
        () -> Checkpoints.convert(raw, c, CheckpointSource.VIT_PYTORCH, ModelParameters.of(c)));
    assertTrue(e.getMessage().contains("layers.0.0.layers.0.2.proj.weight"), e.getMessage());
    assertTrue(e.getMessage().contains("layers.1.0.norm.g"), e.getMessage());
    assertThrows(UnsupportedOperationException.class, () -> Checkpoints.mapping(c, CheckpointSource.TIMM));
  }
}
