package dev.vittf.arch.vit;

import dev.vittf.blocks.PatchEmbedding;
import dev.vittf.io.CheckpointMapping;
import dev.vittf.io.Conversion;

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

  /** timm {@code VisionTransformer} (class token, conv embedding, final norm, optional LayerScale). */
  public static CheckpointMapping timm(ViTConfig c) {
    if (c.embedding() != PatchEmbedding.Style.CONV) {
      throw new IllegalArgumentException("timm ViT checkpoints need embedding CONV, config has " + c.embedding());
    }
    CheckpointMapping.Builder m = CheckpointMapping.builder(TIMM);
    timmStem(m, c.classToken());
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
    return timmHead(m);
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
