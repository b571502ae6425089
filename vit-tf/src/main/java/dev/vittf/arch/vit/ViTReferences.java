package dev.vittf.arch.vit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vittf.blocks.PatchEmbedding;
import dev.vittf.io.Kwargs;
import dev.vittf.models.Pool;

/**
 * Reference-model converters for the ViT family (families {@code vit} and {@code timm_vit} of {@link
 * dev.vittf.io.ReferenceModels}): vit-pytorch {@code vit_pytorch.vit.ViT(**kwargs)} and timm {@code
 * VisionTransformer(**kwargs)}. Unknown or ill-typed arguments are rejected, never ignored.
 */
public final class ViTReferences {
  private ViTReferences() {}

  /** vit-pytorch {@code vit_pytorch.vit.ViT(**kwargs)}. */
  public static ViTConfig vitPytorch(JsonNode kwargs) {
    Kwargs k = new Kwargs("vit-pytorch ViT", kwargs);
    Pool pool = k.vitPytorchPool();
    ViTConfig c = vitPytorchFamily(k, ViTConfig.builder())
        .pool(pool)
        // current vit.py creates no class token at all for pool='mean'
        .classToken(pool == Pool.CLS)
        .embedding(PatchEmbedding.Style.NORM_LINEAR_NORM)
        .normEps(1e-5)
        .build();
    k.finish();
    return c;
  }

  /**
   * The arguments vit-pytorch's {@code vit.py} and {@code parallel_vit.py} share ({@link
   * Kwargs#vitPytorchCommon}, rectangular sizes allowed); like vit-pytorch, attention drops its output
   * projection when {@code heads == 1 and dim_head == dim}.
   */
  public static <B extends ViTFamilyBuilder<?, B>> B vitPytorchFamily(Kwargs k, B builder) {
    k.vitPytorchCommon(builder, true);
    return builder.attentionOutputProjection(!(k.integer("heads") == 1 && k.integer("dim_head", 64) == k.integer("dim")));
  }

  /** timm {@code vit_*} models: {@code VisionTransformer(**kwargs)} with the ViT-B/16 defaults. */
  public static ViTConfig timm(JsonNode kwargs) {
    Kwargs k = new Kwargs("timm VisionTransformer", kwargs);
    ViTConfig c = timmFamily(k, k.timmCommon(ViTConfig.builder(), null), 0).build();
    k.finish();
    return c;
  }

  /**
   * The ViT-family arguments of timm's {@code VisionTransformer} (also read for its {@code
   * ParallelThingsBlock} variant): conv embedding, qkv bias, eps 1e-6, {@code drop_rate}, {@code
   * drop_path_rate} and {@code init_values} (LayerScale, {@code defaultInit} if absent).
   */
  public static <B extends ViTFamilyBuilder<?, B>> B timmFamily(Kwargs k, B builder, double defaultInit) {
    return builder
        .qkvBias(k.bool("qkv_bias", true))
        .embedding(PatchEmbedding.Style.CONV)
        .normEps(1e-6)
        .layerScaleInit(k.has("init_values") ? k.number("init_values", 0) : defaultInit)
        .dropout(k.number("drop_rate", 0))
        .dropPath(k.number("drop_path_rate", 0));
  }
}
