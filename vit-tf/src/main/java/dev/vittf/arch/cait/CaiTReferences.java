package dev.vittf.arch.cait;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vittf.io.Kwargs;

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
  public static CaiTConfig vitPytorch(JsonNode kwargs) {
    Kwargs k = new Kwargs("vit-pytorch CaiT", kwargs);
    CaiTConfig c = k.vitPytorchCommon(CaiTConfig.builder(), false)
        .clsDepth(k.integer("cls_depth"))
        .layerDropout(k.number("layer_dropout", 0))
        .build();
    k.finish();
    return c;
  }

  /**
   * timm {@code Cait(**kwargs)} as created by {@code timm.create_model('cait_*', **kwargs)}: the sizes
   * must be given explicitly ({@code img_size}, {@code patch_size}, {@code embed_dim}, {@code depth},
   * {@code num_heads}); the rest defaults as in timm's {@code Cait}, except {@code init_values}, which
   * defaults to the paper's epsilon for the depth (what the {@code cait_*} model functions pass).
   */
  public static CaiTConfig timm(JsonNode kwargs) {
    Kwargs k = new Kwargs("timm Cait", kwargs);
    CaiTConfig.Builder b = k.timmCommon(CaiTConfig.builder().timmStyle(), null);
    k.choice("global_pool", "token");
    // timm's Cait: mlp_ratio_token_only (default 4.0) sizes the class-attention MLPs on its own
    int tokenMlp = (int) (k.integer("embed_dim") * k.number("mlp_ratio_token_only", 4.0));
    b.clsMlpDim(tokenMlp == (int) (k.integer("embed_dim") * k.number("mlp_ratio", 4.0)) ? null : tokenMlp);
    if (k.number("drop_rate", 0) != 0) {
      throw new IllegalArgumentException("timm Cait: head dropout (drop_rate) is not supported");
    }
    b.clsDepth(k.integer("depth_token_only", 2))
        .qkvBias(k.bool("qkv_bias", true))
        .dropout(k.number("proj_drop_rate", 0))
        .embDropout(k.number("pos_drop_rate", 0))
        .layerDropout(k.number("drop_path_rate", 0));
    if (k.has("init_values")) {
      b.layerScaleInit(k.number("init_values", 0));
    }
    CaiTConfig c = b.build();
    k.finish();
    return c;
  }
}
