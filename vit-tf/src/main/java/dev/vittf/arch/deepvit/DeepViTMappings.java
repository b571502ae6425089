package dev.vittf.arch.deepvit;

import dev.vittf.arch.vit.ViTMappings;
import dev.vittf.io.CheckpointMapping;
import dev.vittf.io.Conversion;

/**
 * Checkpoint table for {@link DeepViTConfig}, pinned to vit-pytorch {@code vit_pytorch/deepvit.py} (the
 * fixtures' {@code reference_source_sha256} pins the file).
 */
public final class DeepViTMappings {
  /** vit-pytorch DeepViT file targeted. */
  public static final String VIT_PYTORCH_DEEPVIT = "vit-pytorch vit_pytorch/deepvit.py";

  private DeepViTMappings() {}

  /** vit-pytorch {@code DeepViT}. */
  public static CheckpointMapping vitPytorch(DeepViTConfig c) {
    CheckpointMapping.Builder m = CheckpointMapping.builder(VIT_PYTORCH_DEEPVIT);
    m.add("pos_embed", "pos_embedding", Conversion.IDENTITY);
    m.add("cls_token", "cls_token", Conversion.IDENTITY);
    ViTMappings.vitPytorchEmbedding(m);
    for (int i = 0; i < c.depth(); i++) {
      String ours = "blocks/" + i;
      String theirs = "transformer.layers." + i;
      m.add(ours + "/attn/reattn/kernel", theirs + ".0.reattn_weights", Conversion.IDENTITY);
      m.layerNorm(ours + "/norm1", theirs + ".0.norm");
      m.linear(ours + "/attn/qkv", theirs + ".0.to_qkv", false);
      m.layerNorm(ours + "/attn/reattn_norm", theirs + ".0.reattn_norm.1");
      m.linear(ours + "/attn/proj", theirs + ".0.to_out.0", true);
      ViTMappings.vitPytorchFeedForward(m, ours, theirs + ".1.net");
    }
    m.layerNorm("norm", "mlp_head.0");
    m.linear("head", "mlp_head.1", true);
    return m.build();
  }
}
