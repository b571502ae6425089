package dev.vittf.arch.vit;

import dev.vittf.blocks.PatchEmbedding;
import dev.vittf.io.CheckpointMapping;
import dev.vittf.io.Conversion;
import dev.vittf.models.NormPlacement;
import dev.vittf.models.Pool;

/**
 * Checkpoint tables for {@link ViTConfig}, pinned to the upstream code the fixtures were generated
 * with: vit-pytorch {@code vit_pytorch/vit.py} (current layout: 2-D {@code cls_token [n_cls, D]} and
 * {@code pos_embedding [N(+1), D]}, final {@code transformer.norm}, single-Linear {@code mlp_head}) and
 * timm 1.0 {@code VisionTransformer} ({@code vit_base_patch16_224} family).
 */
public final class ViTMappings {
  /** vit-pytorch revision targeted (the fixtures' {@code reference_source_sha256} pins the file). */
  public static final String VIT_PYTORCH = "vit-pytorch vit_pytorch/vit.py (2024+ layout)";
  /** timm version targeted. */
  public static final String TIMM = "timm 1.0 VisionTransformer";

  private ViTMappings() {}

  /** vit-pytorch {@code ViT}. */
  public static CheckpointMapping vitPytorch(ViTConfig c) {
    if (c.embedding() != PatchEmbedding.Style.NORM_LINEAR_NORM) {
      throw new IllegalArgumentException("vit-pytorch ViT checkpoints need embedding NORM_LINEAR_NORM, config has " + c.embedding());
    }
    CheckpointMapping.Builder m = CheckpointMapping.builder(VIT_PYTORCH);
    if (c.classToken()) {
      m.add("cls_token", "cls_token", Conversion.RESHAPE);
    } else {
      m.expectEmpty("cls_token");
    }
    m.add("pos_embed", "pos_embedding", Conversion.RESHAPE);
    vitPytorchEmbedding(m);
    for (int i = 0; i < c.depth(); i++) {
      String ours = "blocks/" + i;
      String theirs = "transformer.layers." + i;
      m.layerNorm(ours + "/norm1", theirs + ".0.norm");
      m.linear(ours + "/attn/qkv", theirs + ".0.to_qkv", c.qkvBias());
      if (c.attentionOutputProjection()) {
        m.linear(ours + "/attn/proj", theirs + ".0.to_out.0", true);
      }
      vitPytorchFeedForward(m, ours, theirs + ".1.net");
    }
    m.layerNorm("norm", "transformer.norm");
    m.linear("head", "mlp_head", true);
    return m.build();
  }

  /**
   * timm {@code VisionTransformer}: conv embedding (without bias under {@code pre_norm}), optional class
   * and register tokens, {@code norm_pre}, optional qkv bias and LayerScale, final {@code norm} or
   * {@code fc_norm}.
   */
  public static CheckpointMapping timm(ViTConfig c) {
    CheckpointMapping.Builder m = CheckpointMapping.builder(TIMM);
    timmStem(m, c, c.classToken());
    for (int i = 0; i < c.depth(); i++) {
      String ours = "blocks/" + i;
      String theirs = "blocks." + i;
      timmAttention(m, ours + "/norm1", ours + "/attn", theirs + ".norm1", theirs + ".attn", c.qkvBias());
      if (c.layerScaleInit() > 0) {
        m.add(ours + "/ls1/gamma", theirs + ".ls1.gamma", Conversion.IDENTITY);
        m.add(ours + "/ls2/gamma", theirs + ".ls2.gamma", Conversion.IDENTITY);
      }
      timmFeedForward(m, ours, theirs);
    }
    return timmHead(m, c);
  }

  /**
   * timm {@code VisionTransformer}'s stem for a ViT-family config: {@code cls_token}, {@code reg_token},
   * {@code pos_embed} as they are, the conv patch embedding (bias unless {@code CONV_NO_BIAS}), {@code norm_pre}.
   */
  public static void timmStem(CheckpointMapping.Builder m, ViTFamilyConfig c, boolean classToken) {
    if (!c.embedding().isConv()) {
      throw new IllegalArgumentException("timm ViT checkpoints need embedding CONV or CONV_NO_BIAS, config has " + c.embedding());
    }
    if (classToken) {
      m.add("cls_token", "cls_token", Conversion.IDENTITY);
    }
    if (c.distillationToken()) {
      m.add("dist_token", "dist_token", Conversion.IDENTITY);
    }
    if (c.registerTokens() > 0) {
      m.add("reg_token", "reg_token", Conversion.IDENTITY);
    }
    // timm's resample_abs_pos_embed keeps num_prefix_tokens rows, 0 under no_embed_class
    int prefix = c.noEmbedClass() ? 0 : (classToken ? 1 : 0) + (c.distillationToken() ? 1 : 0) + c.registerTokens();
    m.positionEmbedding("pos_embed", "pos_embed", prefix, c.imageHeight() / c.patchHeight(), c.imageWidth() / c.patchWidth());
    m.conv("patch_embed/proj", "patch_embed.proj", c.embedding() == PatchEmbedding.Style.CONV);
    if (c.preNorm()) {
      m.layerNorm("norm_pre", "norm_pre");
    }
  }

  /** timm's final norm ({@code norm} on the tokens, or {@code fc_norm} after pooling) and {@code head}; the finished table. */
  public static CheckpointMapping timmHead(CheckpointMapping.Builder m, ViTFamilyConfig c) {
    m.layerNorm("norm", c.finalNorm() == NormPlacement.POOLED ? "fc_norm" : "norm");
    m.linear("head", "head", true);
    if (c.distillationToken()) {
      m.linear("head_dist", "head_dist", true);
    }
    return m.build();
  }

  /** transformers version targeted. */
  public static final String HUGGING_FACE = "transformers 4.x ViTModel / ViTForImageClassification / DeiT (modeling_vit.py, modeling_deit.py)";
  /** torchvision version targeted. */
  public static final String TORCHVISION = "torchvision 0.14+ VisionTransformer (vision_transformer.py)";

  /**
   * transformers {@code ViTForImageClassification}, {@code ViTModel} (pooler: {@code tanhHead}), {@code
   * DeiTForImageClassification(WithTeacher)} (distillation token), keys without the {@code vit.} / {@code
   * deit.} prefix: separate {@code query}/{@code key}/{@code value} Linears fused into our {@code qkv}.
   */
  public static CheckpointMapping huggingFace(ViTConfig c) {
    require(c.embedding() == PatchEmbedding.Style.CONV && c.classToken() && c.pool() == Pool.CLS
        && c.finalNorm() == NormPlacement.TOKENS && c.registerTokens() == 0 && !c.noEmbedClass() && !c.preNorm()
        && c.layerScaleInit() == 0 && c.attentionOutputProjection(), HUGGING_FACE,
        "a class token, CONV embedding, CLS pooling, final norm on the tokens and no registers, pre-norm or LayerScale");
    CheckpointMapping.Builder m = CheckpointMapping.builder(HUGGING_FACE);
    m.add("cls_token", "embeddings.cls_token", Conversion.IDENTITY);
    if (c.distillationToken()) {
      m.add("dist_token", "embeddings.distillation_token", Conversion.IDENTITY);
    }
    m.positionEmbedding("pos_embed", "embeddings.position_embeddings", c.distillationToken() ? 2 : 1,
        c.imageHeight() / c.patchHeight(), c.imageWidth() / c.patchWidth());
    m.conv("patch_embed/proj", "embeddings.patch_embeddings.projection", true);
    for (int i = 0; i < c.depth(); i++) {
      String ours = "blocks/" + i;
      String theirs = "encoder.layer." + i;
      String attn = theirs + ".attention.attention";
      m.layerNorm(ours + "/norm1", theirs + ".layernorm_before");
      m.fusedLinear(ours + "/attn/qkv", java.util.List.of(attn + ".query", attn + ".key", attn + ".value"), c.qkvBias());
      m.linear(ours + "/attn/proj", theirs + ".attention.output.dense", true);
      feedForward(m, ours + "/norm2", ours + "/mlp", theirs + ".layernorm_after", theirs + ".intermediate.dense",
          theirs + ".output.dense");
    }
    m.layerNorm("norm", "layernorm");
    if (c.tanhHead()) {
      m.linear("head", "pooler.dense", true);
    } else if (c.distillationToken()) {
      m.linear("head", "cls_classifier", true);
      m.linear("head_dist", "distillation_classifier", true);
    } else {
      m.linear("head", "classifier", true);
    }
    return m.build();
  }

  /** torchvision {@code VisionTransformer}: fused {@code in_proj} (rows {@code [q | k | v]}), MLP {@code mlp.0} / {@code mlp.3}. */
  public static CheckpointMapping torchvision(ViTConfig c) {
    require(c.embedding() == PatchEmbedding.Style.CONV && c.classToken() && c.pool() == Pool.CLS
        && c.finalNorm() == NormPlacement.TOKENS && c.registerTokens() == 0 && !c.noEmbedClass() && !c.preNorm()
        && c.layerScaleInit() == 0 && !c.distillationToken() && !c.tanhHead() && c.qkvBias(), TORCHVISION,
        "a class token, CONV embedding, CLS pooling, final norm on the tokens, qkv bias and nothing else");
    CheckpointMapping.Builder m = CheckpointMapping.builder(TORCHVISION);
    m.add("cls_token", "class_token", Conversion.IDENTITY);
    m.positionEmbedding("pos_embed", "encoder.pos_embedding", 1, c.imageHeight() / c.patchHeight(),
        c.imageWidth() / c.patchWidth());
    m.conv("patch_embed/proj", "conv_proj", true);
    for (int i = 0; i < c.depth(); i++) {
      String ours = "blocks/" + i;
      String theirs = "encoder.layers.encoder_layer_" + i;
      m.layerNorm(ours + "/norm1", theirs + ".ln_1");
      m.add(ours + "/attn/qkv/kernel", theirs + ".self_attention.in_proj_weight", Conversion.LINEAR);
      m.add(ours + "/attn/qkv/bias", theirs + ".self_attention.in_proj_bias", Conversion.IDENTITY);
      m.linear(ours + "/attn/proj", theirs + ".self_attention.out_proj", true);
      feedForward(m, ours + "/norm2", ours + "/mlp", theirs + ".ln_2", theirs + ".mlp.0", theirs + ".mlp.3");
    }
    m.layerNorm("norm", "encoder.ln");
    m.linear("head", "heads.head", true);
    return m.build();
  }

  private static void require(boolean ok, String source, String needs) {
    if (!ok) {
      throw new IllegalArgumentException(source + " checkpoints need " + needs);
    }
  }

  /** timm's stem: {@code cls_token} (when there is one) and {@code pos_embed} as they are, the conv patch embedding. */
  public static void timmStem(CheckpointMapping.Builder m, boolean classToken) {
    if (classToken) {
      m.add("cls_token", "cls_token", Conversion.IDENTITY);
    }
    m.add("pos_embed", "pos_embed", Conversion.IDENTITY);
    m.conv("patch_embed/proj", "patch_embed.proj", true);
  }

  /** timm's final {@code norm} and {@code head}; returns the finished table. */
  public static CheckpointMapping timmHead(CheckpointMapping.Builder m) {
    m.layerNorm("norm", "norm");
    m.linear("head", "head", true);
    return m.build();
  }

  /** timm's pre-norm attention: the norm, then {@code <attn>.qkv} and {@code <attn>.proj}. */
  public static void timmAttention(
      CheckpointMapping.Builder m, String ourNorm, String ourAttn, String theirNorm, String theirAttn, boolean qkvBias) {
    m.layerNorm(ourNorm, theirNorm);
    m.linear(ourAttn + "/qkv", theirAttn + ".qkv", qkvBias);
    m.linear(ourAttn + "/proj", theirAttn + ".proj", true);
  }

  /** vit-pytorch's {@code to_patch_embedding}: {@code [Rearrange, LayerNorm, Linear, LayerNorm]}. */
  public static void vitPytorchEmbedding(CheckpointMapping.Builder m) {
    m.layerNorm("patch_embed/pre_norm", "to_patch_embedding.1");
    m.linear("patch_embed/proj", "to_patch_embedding.2", true);
    m.layerNorm("patch_embed/post_norm", "to_patch_embedding.3");
  }

  /** vit-pytorch's {@code FeedForward.net}: {@code [LayerNorm, Linear, GELU, Dropout, Linear, Dropout]}. */
  public static void vitPytorchFeedForward(CheckpointMapping.Builder m, String ours, String net) {
    feedForward(m, ours + "/norm2", ours + "/mlp", net + ".0", net + ".1", net + ".4");
  }

  /** timm's {@code norm2} and {@code mlp.fc1}/{@code mlp.fc2} of block {@code theirs}. */
  public static void timmFeedForward(CheckpointMapping.Builder m, String ours, String theirs) {
    feedForward(m, ours + "/norm2", ours + "/mlp", theirs + ".norm2", theirs + ".mlp.fc1", theirs + ".mlp.fc2");
  }

  /** A pre-norm feed-forward: the norm, then {@code <mlp>/fc1} and {@code <mlp>/fc2}, from their three modules. */
  public static void feedForward(
      CheckpointMapping.Builder m, String ourNorm, String ourMlp, String theirNorm, String theirFc1, String theirFc2) {
    m.layerNorm(ourNorm, theirNorm);
    m.linear(ourMlp + "/fc1", theirFc1, true);
    m.linear(ourMlp + "/fc2", theirFc2, true);
  }
}
