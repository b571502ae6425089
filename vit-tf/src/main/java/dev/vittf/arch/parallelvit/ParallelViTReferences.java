package dev.vittf.arch.parallelvit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vittf.blocks.PatchEmbedding;
import dev.vittf.io.CheckpointSource;
import dev.vittf.io.Kwargs;
import dev.vittf.io.ReferenceModels.ReferenceModel;
import dev.vittf.models.NormPlacement;

/**
 * Reference-model converters for the Parallel ViT family: vit-pytorch {@code parallel_vit.ViT(**kwargs)}
 * and timm {@code vit_small_patch16_18x2_224(**kwargs)}. Unknown or ill-typed arguments are rejected,
 * never ignored.
 */
public final class ParallelViTReferences {
  private ParallelViTReferences() {}

  /** vit-pytorch {@code vit_pytorch.parallel_vit.ViT(**kwargs)}. */
  public static ReferenceModel parallelVit(JsonNode kwargs) {
    Kwargs k = new Kwargs("vit-pytorch Parallel ViT", kwargs);
    ParallelViTConfig c = k.vitPytorchCommon(ParallelViTConfig.builder(), true)
        .numParallelBranches(k.integer("num_parallel_branches", 2))
        .pool(k.vitPytorchPool())
        .build();
    // vit-pytorch drops the attention output projection when heads == 1 and dim_head == dim
    c = c.toBuilder().attentionOutputProjection(!(c.heads() == 1 && c.dimHead() == c.dim())).build();
    k.finish();
    return new ReferenceModel("parallel_vit", c, CheckpointSource.VIT_PYTORCH);
  }

  /** timm {@code vit_small_patch16_18x2_224(**kwargs)}: its defaults, overridden by the kwargs. */
  public static ReferenceModel timmParallelVit(JsonNode kwargs) {
    Kwargs k = new Kwargs("timm vit_small_patch16_18x2_224", kwargs);
    k.bool("pretrained", false);
    int[] image = k.has("img_size") ? k.pair("img_size") : new int[] {224, 224};
    int[] patch = k.has("patch_size") ? k.pair("patch_size") : new int[] {16, 16};
    int dim = k.integer("embed_dim", 384);
    int heads = k.integer("num_heads", 6);
    if (dim % heads != 0) {
      throw new IllegalArgumentException("timm parallel ViT: embed_dim " + dim + " must be divisible by num_heads " + heads);
    }
    double mlpRatio = k.number("mlp_ratio", 4.0);
    String pool = k.string("global_pool", "token");
    if (!pool.equals("token")) {
      throw new IllegalArgumentException("timm parallel ViT: only global_pool='token' is supported, got '" + pool + "'");
    }
    ParallelViTConfig c = ParallelViTConfig.timmBuilder()
        .imageSize(image[0], image[1])
        .patchSize(patch[0], patch[1])
        .numClasses(k.integer("num_classes", 1000))
        .channels(k.integer("in_chans", 3))
        .dim(dim)
        .depth(k.integer("depth", 18))
        .heads(heads)
        .dimHead(dim / heads)
        .mlpDim((int) (dim * mlpRatio))
        .numParallelBranches(2)
        .qkvBias(k.bool("qkv_bias", true))
        .embedding(PatchEmbedding.Style.CONV)
        .finalNorm(NormPlacement.TOKENS)
        .normEps(1e-6)
        .layerScaleInit(k.has("init_values") ? k.number("init_values", 0) : 1e-5)
        .dropout(k.number("drop_rate", 0))
        .attnDropout(k.number("attn_drop_rate", 0))
        .dropPath(k.number("drop_path_rate", 0))
        .build();
    k.finish();
    return new ReferenceModel("timm_parallel_vit", c, CheckpointSource.TIMM);
  }
}
