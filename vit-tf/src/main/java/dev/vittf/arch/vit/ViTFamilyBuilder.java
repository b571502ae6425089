package dev.vittf.arch.vit;

import dev.vittf.models.FormulationBuilder;
import dev.vittf.models.ModelConfig;
import dev.vittf.models.NormPlacement;
import dev.vittf.models.Pool;

/**
 * The setters of the {@link ViTOptions} fields, shared by the ViT and Parallel ViT builders (embedding, qkv
 * bias and LayerScale come from {@link FormulationBuilder}, shared with CaiT).
 *
 * @param <C> the config record
 * @param <B> the concrete builder
 */
public abstract class ViTFamilyBuilder<C extends ModelConfig, B extends ViTFamilyBuilder<C, B>>
    extends FormulationBuilder<C, B> {

  /** A builder for {@code type} with the shared defaults and an output projection in attention. */
  protected ViTFamilyBuilder(Class<C> type) {
    super(type);
    attentionOutputProjection(true).registerTokens(0).noEmbedClass(false).preNorm(false)
        .distillationToken(false).tanhHead(false);
  }

  /** Pooling (default class token). */
  public B pool(Pool v) { return set("pool", v); }

  /** Attention output projection (default true). */
  public B attentionOutputProjection(boolean v) { return set("attentionOutputProjection", v); }

  /** Final LayerNorm placement. */
  public B finalNorm(NormPlacement v) { return set("finalNorm", v); }

  /** Maximum stochastic depth rate (per branch; default 0). */
  public B dropPath(double v) { return set("dropPath", v); }

  /** Register tokens after the class token (default 0). */
  public B registerTokens(int v) { return set("registerTokens", v); }

  /** Positional embedding on the patch tokens only, added before the prefix tokens (default false). */
  public B noEmbedClass(boolean v) { return set("noEmbedClass", v); }

  /** LayerNorm {@code norm_pre} before the blocks (default false). */
  public B preNorm(boolean v) { return set("preNorm", v); }

  /** A DeiT distillation token after the class token, with its own head (default false). */
  public B distillationToken(boolean v) { return set("distillationToken", v); }

  /** tanh on the head's output: transformers' ViTModel pooler (default false). */
  public B tanhHead(boolean v) { return set("tanhHead", v); }
}
