package dev.vittf.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vittf.blocks.PatchEmbedding;
import dev.vittf.models.ModelConfig;
import dev.vittf.models.Pool;
import dev.vittf.models.ViTConfig;
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
      return ParallelScalableReferences.scalableVit(root); // needs image_size_hw and the block-order rule
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
      case "vit" -> new ReferenceModel(family, vitPytorchViT(new Kwargs("vit-pytorch ViT", kwargs)), CheckpointSource.VIT_PYTORCH);
      case "timm_vit" -> new ReferenceModel(family, timmViT(new Kwargs("timm VisionTransformer", kwargs)), CheckpointSource.TIMM);
      case "deepvit" -> DeepViTCaiTReferences.deepvit(kwargs);
      case "cait" -> DeepViTCaiTReferences.cait(kwargs);
      case "timm_cait" -> DeepViTCaiTReferences.timmCait(kwargs);
      case "parallel_vit" -> ParallelScalableReferences.parallelVit(kwargs);
      case "timm_parallel_vit" -> ParallelScalableReferences.timmParallelVit(kwargs);
      case "scalable_vit" -> throw new IllegalArgumentException(
          "vit-pytorch ScalableViT kwargs carry no image size: use fromJson (image_size_hw) or ParallelScalableReferences.scalableVit");
      default -> throw new UnsupportedOperationException("model family '" + family + "' is not implemented yet");
    };
  }

  /** vit-pytorch {@code vit_pytorch.vit.ViT(**kwargs)}. */
  static ViTConfig vitPytorchViT(Kwargs k) {
    Pool pool = k.vitPytorchPool();
    ViTConfig c = k.vitPytorchCommon(ViTConfig.builder(), true)
        .pool(pool)
        // current vit.py creates no class token at all for pool='mean'
        .classToken(pool == Pool.CLS)
        .embedding(PatchEmbedding.Style.NORM_LINEAR_NORM)
        .normEps(1e-5)
        .build();
    // vit-pytorch drops the attention output projection when heads == 1 and dim_head == dim
    c = c.toBuilder().attentionOutputProjection(!(c.heads() == 1 && c.dimHead() == c.dim())).build();
    k.finish();
    return c;
  }

  /** timm {@code vit_*} models: {@code VisionTransformer(**kwargs)} with the ViT-B/16 defaults. */
  static ViTConfig timmViT(Kwargs k) {
    k.bool("pretrained", false);
    int[] image = k.pair("img_size");
    int[] patch = k.pair("patch_size");
    int dim = k.integer("embed_dim");
    int heads = k.integer("num_heads");
    if (dim % heads != 0) {
      throw new IllegalArgumentException("timm VisionTransformer: embed_dim " + dim + " must be divisible by num_heads " + heads);
    }
    double mlpRatio = k.number("mlp_ratio", 4.0);
    String pool = k.string("global_pool", "token");
    if (!pool.equals("token")) {
      throw new IllegalArgumentException("timm VisionTransformer: only global_pool='token' is supported, got '" + pool + "'");
    }
    ViTConfig c = ViTConfig.builder()
        .imageSize(image[0], image[1])
        .patchSize(patch[0], patch[1])
        .numClasses(k.integer("num_classes", 1000))
        .channels(k.integer("in_chans", 3))
        .dim(dim)
        .depth(k.integer("depth"))
        .heads(heads)
        .dimHead(dim / heads)
        .mlpDim((int) (dim * mlpRatio))
        .qkvBias(k.bool("qkv_bias", true))
        .embedding(PatchEmbedding.Style.CONV)
        .normEps(1e-6)
        .layerScaleInit(k.has("init_values") ? k.number("init_values", 0) : 0)
        .dropout(k.number("drop_rate", 0))
        .attnDropout(k.number("attn_drop_rate", 0))
        .dropPath(k.number("drop_path_rate", 0))
        .build();
    k.finish();
    return c;
  }
}
