package dev.vittf.arch.vit;

import dev.vittf.blocks.AttentionConfig;
import dev.vittf.blocks.PatchEmbedding;
import dev.vittf.blocks.TransformerBlock;
import dev.vittf.core.ConfigCheck;
import dev.vittf.models.NormPlacement;
import dev.vittf.models.PatchTransformerFields;
import dev.vittf.models.Pool;
import java.util.List;

/**
 * The formulation options ViT and Parallel ViT share (where vit-pytorch and timm differ), declared once:
 * a group component of {@link ViTConfig} and {@code ParallelViTConfig}, inline in config JSON and in the
 * builders. Checked by the config that holds it ({@link #check}).
 *
 * @param pool class-token or mean pooling
 * @param embedding patch embedding style
 * @param qkvBias biases on the q/k/v projection (timm: yes; vit-pytorch: no)
 * @param attentionOutputProjection whether attention has an output projection (vit-pytorch drops it
 *     when {@code heads == 1 && dimHead == dim})
 * @param finalNorm where the final LayerNorm sits
 * @param dropPath maximum stochastic-depth rate, linearly increasing over the blocks (training only)
 * @param layerScaleInit LayerScale initial value (per branch), 0 for none
 * @param registerTokens learned register tokens prepended after the class token (timm {@code reg_tokens}), 0 for none
 * @param noEmbedClass whether the positional embedding covers the patch tokens only and is added before the
 *     prefix tokens are prepended (timm {@code no_embed_class=True}); otherwise it covers every token
 * @param preNorm whether a LayerNorm ({@code norm_pre}) runs on the embedded tokens before the blocks (timm
 *     {@code pre_norm=True}, whose patch convolution then has no bias: use {@code CONV_NO_BIAS})
 * @param distillationToken whether a distillation token follows the class token (DeiT): a second head
 *     {@code head_dist} reads it and the logits are the mean of both heads (inference)
 * @param tanhHead whether the head's output goes through tanh (transformers' {@code ViTModel} pooler:
 *     {@code pooler_output = tanh(dense(token 0))}; {@code numClasses} is then the pooler width)
 */
public record ViTOptions(
    Pool pool,
    PatchEmbedding.Style embedding,
    boolean qkvBias,
    boolean attentionOutputProjection,
    NormPlacement finalNorm,
    double dropPath,
    double layerScaleInit,
    int registerTokens,
    boolean noEmbedClass,
    boolean preNorm,
    boolean distillationToken,
    boolean tanhHead) {

  /** Adds every violation of these options (given the shared fields) to {@code c}. */
  public void check(ConfigCheck c, PatchTransformerFields base) {
    c.notNull("pool", pool);
    c.notNull("embedding", embedding);
    c.notNull("finalNorm", finalNorm);
    if (!attentionOutputProjection) {
      c.require((long) base.heads() * base.dimHead() == base.dim(), "attentionOutputProjection", false,
          "may only be false when heads*dimHead == dim (" + base.heads() + "*" + base.dimHead() + " != " + base.dim() + ")");
    }
    c.rate("dropPath", dropPath);
    c.require(Double.isFinite(layerScaleInit) && layerScaleInit >= 0, "layerScaleInit", layerScaleInit,
        "must be finite and >= 0 (0 disables LayerScale)");
    c.require(registerTokens >= 0, "registerTokens", registerTokens, "must be >= 0");
    if (distillationToken) {
      c.require(pool == Pool.CLS && finalNorm == NormPlacement.TOKENS, "distillationToken", true,
          "needs pool=CLS and finalNorm=TOKENS (both heads read normalised tokens 0 and 1)");
    }
  }

  /** The network: {@code base.depth()} blocks of {@code branches} parallel branches each. */
  public VisionTransformer network(PatchTransformerFields base, boolean classToken, int branches) {
    AttentionConfig attn = base.attention(AttentionConfig.QkvLayout.FUSED, qkvBias, attentionOutputProjection, null, null);
    List<TransformerBlock> blocks = TransformerBlock.stack(
        attn, base.feedForward(), base.normEps(), base.depth(), branches, layerScaleInit, dropPath);
    return new VisionTransformer(base.patchEmbedding(embedding), classToken, registerTokens, noEmbedClass, preNorm, pool,
        finalNorm, base.normEps(), blocks, base.numClasses(), base.embDropout(), distillationToken, tanhHead);
  }
}
