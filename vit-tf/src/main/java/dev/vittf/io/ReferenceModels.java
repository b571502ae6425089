package dev.vittf.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vittf.core.StrictJson;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vittf.arch.Architecture.ReferenceFamily;
import dev.vittf.arch.Architectures;
import dev.vittf.models.ModelConfig;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Builds our equivalent of a reference (vit-pytorch or timm) model from its description: the family,
 * the source and the constructor's keyword arguments, as in the fixtures' JSON files. A user with a
 * vit-pytorch or timm config and checkpoint gets the equivalent model and the right checkpoint
 * mapping.
 */
public final class ReferenceModels {
  private static final ObjectMapper JSON = StrictJson.mapper();

  private ReferenceModels() {}

  /**
   * Our config plus the checkpoint source it loads from.
   *
   * @param family reference family name ({@code vit}, {@code timm_vit}, ...)
   * @param config our config
   * @param source checkpoint naming/layout
   */
  public record ReferenceModel(String family, ModelConfig config, CheckpointSource source) {}

  /** Reads a fixture-style JSON file ({@code family}, {@code constructor_kwargs}, ...). */
  public static ReferenceModel fromJsonFile(Path file) throws IOException {
    return fromJson(JSON.readTree(file.toFile()));
  }

  /**
   * Converts a reference-model description: {@code family} names the reference constructor (one of
   * {@link Architectures#referenceFamilies()}), {@code constructor_kwargs} its keyword arguments; some
   * families read more of the description (ScalableViT: {@code image_size_hw} and the block order).
   *
   * @throws UnsupportedOperationException for a family that is not implemented
   * @throws IllegalArgumentException for unknown, missing or ill-typed arguments
   */
  public static ReferenceModel fromJson(JsonNode root) {
    String family = root.path("family").asText("");
    ReferenceFamily f = Architectures.referenceFamily(family).orElseThrow(() -> new UnsupportedOperationException(
        "model family '" + family + "' is not implemented yet; known: " + String.join(", ", Architectures.referenceFamilies())));
    return new ReferenceModel(family, f.converter().convert(root.get("constructor_kwargs"), root), f.source());
  }

  /**
   * Converts a family name and constructor kwargs: {@link #fromJson} of {@code {"family": family,
   * "constructor_kwargs": kwargs}}.
   *
   * @throws UnsupportedOperationException for a family that is not implemented
   * @throws IllegalArgumentException for unknown or ill-typed arguments, or a family that needs more
   *     than its kwargs (ScalableViT)
   */
  public static ReferenceModel fromKwargs(String family, JsonNode kwargs) {
    ObjectNode description = JSON.createObjectNode();
    description.put("family", family);
    description.set("constructor_kwargs", kwargs);
    return fromJson(description);
  }
}
