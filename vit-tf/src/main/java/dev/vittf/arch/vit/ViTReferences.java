package dev.vittf.arch.vit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vittf.blocks.PatchEmbedding;
import dev.vittf.io.CheckpointSource;
import dev.vittf.io.Kwargs;
import dev.vittf.io.ReferenceModels.ReferenceModel;
import dev.vittf.models.Pool;

/**
 * Reference-model converters for the ViT family (families {@code vit} and {@code timm_vit} of {@link
 * dev.vittf.io.ReferenceModels}): vit-pytorch {@code vit_pytorch.vit.ViT(**kwargs)} and timm {@code
 * VisionTransformer(**kwargs)}. Unknown or ill-typed arguments are rejected, never ignored.
 */
public final class ViTReferences {
  private ViTReferences() {}

  /** vit-pytorch {@code vit_pytorch.vit.ViT(**kwargs)}. */
  public static ReferenceModel vitPytorch(JsonNode kwargs) {
    Kwargs k = new Kwargs("vit-pytorch ViT", kwargs);
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
    return new ReferenceModel("vit", c, CheckpointSource.VIT_PYTORCH);
  }

  /** timm {@code vit_*} models: {@code VisionTransformer(**kwargs)} with the ViT-B/16 defaults. */
  public static ReferenceModel timm(JsonNode kwargs) {
    Kwargs k = new Kwargs("timm VisionTransformer", kwargs);
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
    return new ReferenceModel("timm_vit", c, CheckpointSource.TIMM);
  }
}
