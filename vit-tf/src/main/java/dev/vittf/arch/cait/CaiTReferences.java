package dev.vittf.arch.cait;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vittf.io.CheckpointSource;
import dev.vittf.io.Kwargs;
import dev.vittf.io.ReferenceModels.ReferenceModel;

/**
 * Our configs for the reference CaiT models, from their constructors' keyword arguments (families
 * {@code cait} and {@code timm_cait} of {@link dev.vittf.io.ReferenceModels}). Unknown or
 * ill-typed arguments are rejected, never ignored.
 */
public final class CaiTReferences {
  private CaiTReferences() {}

  /**
   * vit-pytorch {@code vit_pytorch.cait.CaiT(**kwargs)}. {@code layer_dropout} becomes our stochastic
   * depth (training only, rescaled), not vit-pytorch's always-on unscaled layer dropping.
   */
  public static ReferenceModel cait(JsonNode kwargs) {
    Kwargs k = new Kwargs("vit-pytorch CaiT", kwargs);
    CaiTConfig c = k.vitPytorchCommon(CaiTConfig.builder(), false)
        .clsDepth(k.integer("cls_depth"))
        .layerDropout(k.number("layer_dropout", 0))
        .build();
    k.finish();
    return new ReferenceModel("cait", c, CheckpointSource.VIT_PYTORCH);
  }

  /**
   * timm {@code Cait(**kwargs)} as created by {@code timm.create_model('cait_*', **kwargs)}: the sizes
   * must be given explicitly ({@code img_size}, {@code patch_size}, {@code embed_dim}, {@code depth},
   * {@code num_heads}); the rest defaults as in timm's {@code Cait}, except {@code init_values}, which
   * defaults to the paper's epsilon for the depth (what the {@code cait_*} model functions pass).
   */
  public static ReferenceModel timmCait(JsonNode kwargs) {
    Kwargs k = new Kwargs("timm Cait", kwargs);
    k.bool("pretrained", false);
    int[] image = k.pair("img_size");
    int[] patch = k.pair("patch_size");
    int dim = k.integer("embed_dim");
    int heads = k.integer("num_heads");
    if (heads <= 0 || dim % heads != 0) {
      throw new IllegalArgumentException("timm Cait: embed_dim " + dim + " must be divisible by num_heads " + heads);
    }
    double mlpRatio = k.number("mlp_ratio", 4.0);
    double tokenMlpRatio = k.number("mlp_ratio_token_only", 4.0);
    if (mlpRatio != tokenMlpRatio) {
      throw new IllegalArgumentException("timm Cait: mlp_ratio " + mlpRatio + " and mlp_ratio_token_only "
          + tokenMlpRatio + " must be equal (one mlpDim serves both stages)");
    }
    String pool = k.string("global_pool", "token");
    if (!pool.equals("token")) {
      throw new IllegalArgumentException("timm Cait: only global_pool='token' is supported, got '" + pool + "'");
    }
    if (k.number("drop_rate", 0) != 0) {
      throw new IllegalArgumentException("timm Cait: head dropout (drop_rate) is not supported");
    }
    CaiTConfig.Builder b = CaiTConfig.builder().timmStyle()
        .imageSize(image[0], image[1])
        .patchSize(patch[0], patch[1])
        .numClasses(k.integer("num_classes", 1000))
        .channels(k.integer("in_chans", 3))
        .dim(dim)
        .depth(k.integer("depth"))
        .clsDepth(k.integer("depth_token_only", 2))
        .heads(heads)
        .dimHead(dim / heads)
        .mlpDim((int) (dim * mlpRatio))
        .qkvBias(k.bool("qkv_bias", true))
        .dropout(k.number("proj_drop_rate", 0))
        .attnDropout(k.number("attn_drop_rate", 0))
        .embDropout(k.number("pos_drop_rate", 0))
        .layerDropout(k.number("drop_path_rate", 0));
    if (k.has("init_values")) {
      b.layerScaleInit(k.number("init_values", 0));
    }
    CaiTConfig c = b.build();
    k.finish();
    return new ReferenceModel("timm_cait", c, CheckpointSource.TIMM);
  }
}
