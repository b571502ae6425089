package dev.vittf.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vittf.arch.cait.CaiTReferences;
import dev.vittf.arch.deepvit.DeepViTReferences;
import dev.vittf.arch.parallelvit.ParallelViTReferences;
import dev.vittf.arch.scalablevit.ScalableViTReferences;
import dev.vittf.arch.vit.ViTReferences;
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
  private static final ObjectMapper JSON = new ObjectMapper();

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

  /** Converts a fixture-style JSON description. */
  public static ReferenceModel fromJson(JsonNode root) {
    String family = root.path("family").asText("");
    if (family.equals("scalable_vit")) {
      return ScalableViTReferences.scalableVit(root); // needs image_size_hw and the block-order rule
    }
    JsonNode kwargs = root.get("constructor_kwargs");
    return fromKwargs(family, kwargs);
  }

  /**
   * Converts a family name and constructor kwargs.
   *
   * @throws UnsupportedOperationException for a family that is not implemented
   * @throws IllegalArgumentException for unknown or ill-typed arguments
   */
  public static ReferenceModel fromKwargs(String family, JsonNode kwargs) {
    return switch (family) {
      case "vit" -> ViTReferences.vitPytorch(kwargs);
      case "timm_vit" -> ViTReferences.timm(kwargs);
      case "deepvit" -> DeepViTReferences.deepvit(kwargs);
      case "cait" -> CaiTReferences.cait(kwargs);
      case "timm_cait" -> CaiTReferences.timmCait(kwargs);
      case "parallel_vit" -> ParallelViTReferences.parallelVit(kwargs);
      case "timm_parallel_vit" -> ParallelViTReferences.timmParallelVit(kwargs);
      case "scalable_vit" -> throw new IllegalArgumentException(
          "vit-pytorch ScalableViT kwargs carry no image size: use fromJson (image_size_hw) or ScalableViTReferences.scalableVit");
      default -> throw new UnsupportedOperationException("model family '" + family + "' is not implemented yet");
    };
  }
}
