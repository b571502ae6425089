package dev.vittf.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vittf.core.StrictJson;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vittf.arch.Architecture.ReferenceFamily;
import dev.vittf.arch.Architectures;
import dev.vittf.models.ModelConfig;
import java.io.IOException;
import dev.vittf.core.HostTensor;
import java.nio.file.Path;
import java.util.Map;

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
   * @param resamplePositions whether the description asks to run the checkpoint at another image size than
   *     it was trained at ({@code trained_image_size_hw} differs from {@code image_size_hw}), so that its
   *     position embedding is resampled ({@link Checkpoints#readResampled})
   */
  public record ReferenceModel(String family, ModelConfig config, CheckpointSource source, boolean resamplePositions) {
    /** A model run at its checkpoint's own image size. */
    public ReferenceModel(String family, ModelConfig config, CheckpointSource source) {
      this(family, config, source, false);
    }

    /** Reads the checkpoint for this model, strictly, resampling position embeddings if the description asks to. */
    public Map<String, HostTensor> readWeights(Path checkpoint) throws IOException {
      return resamplePositions ? Checkpoints.readResampled(checkpoint, config, source) : Checkpoints.read(checkpoint, config, source);
    }
  }

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
    JsonNode trained = root.path("trained_image_size_hw");
    boolean resample = trained.isArray() && !trained.equals(root.path("image_size_hw"));
    return new ReferenceModel(family, f.converter().convert(root.get("constructor_kwargs"), root), f.source(), resample);
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
