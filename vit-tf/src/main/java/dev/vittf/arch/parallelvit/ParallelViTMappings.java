package dev.vittf.arch.parallelvit;

import dev.vittf.arch.vit.ViTMappings;
import dev.vittf.blocks.PatchEmbedding;
import dev.vittf.io.CheckpointMapping;
import dev.vittf.io.Conversion;
import dev.vittf.models.NormPlacement;

/**
 * Checkpoint tables for {@link ParallelViTConfig}, pinned to the upstream code the fixtures were
 * generated with: vit-pytorch {@code vit_pytorch/parallel_vit.py} (branches under {@code
 * transformer.layers.<i>.0.fns.<b>} with their LayerNorm as {@code .norm}, feed-forward branches under
 * {@code transformer.layers.<i>.1.fns.<b>.net.{0,1,4}}, head {@code mlp_head.{0,1}}) and timm 1.0
 * {@code VisionTransformer} with {@code ParallelThingsBlock} ({@code blocks.<i>.attns.<b>.{norm, attn,
 * ls}}, {@code blocks.<i>.ffns.<b>.{norm, mlp, ls}}).
 */
public final class ParallelViTMappings {
  /** vit-pytorch file targeted (the fixtures' {@code reference_source_sha256} pins it). */
  public static final String VIT_PYTORCH = "vit-pytorch vit_pytorch/parallel_vit.py";
  /** timm version targeted. */
  public static final String TIMM = "timm 1.0 VisionTransformer + ParallelThingsBlock";

  private ParallelViTMappings() {}

  /** vit-pytorch Parallel {@code ViT}. */
  public static CheckpointMapping vitPytorch(ParallelViTConfig c) {
    require(c.embedding() == PatchEmbedding.Style.LINEAR, "vit-pytorch Parallel ViT checkpoints need embedding LINEAR, config has " + c.embedding());
    require(c.finalNorm() == NormPlacement.POOLED, "vit-pytorch Parallel ViT checkpoints need finalNorm POOLED, config has " + c.finalNorm());
    require(c.layerScaleInit() == 0, "vit-pytorch Parallel ViT checkpoints have no LayerScale, config has layerScaleInit " + c.layerScaleInit());
    CheckpointMapping.Builder m = CheckpointMapping.builder(VIT_PYTORCH);
    m.add("cls_token", "cls_token", Conversion.IDENTITY);
    m.add("pos_embed", "pos_embedding", Conversion.IDENTITY);
    m.linear("patch_embed/proj", "to_patch_embedding.1", true);
    eachBranch(c, (a, i, b) -> {
      String ta = "transformer.layers." + i + ".0.fns." + b;
      m.layerNorm(a + "/norm", ta + ".norm");
      m.linear(a + "/attn/qkv", ta + ".to_qkv", c.qkvBias());
      if (c.attentionOutputProjection()) {
        m.linear(a + "/attn/proj", ta + ".to_out.0", true);
      }
    }, (f, i, b) -> {
      String tf = "transformer.layers." + i + ".1.fns." + b;
      ViTMappings.feedForward(m, f + "/norm", f + "/mlp", tf + ".net.0", tf + ".net.1", tf + ".net.4");
    });
    m.layerNorm("norm", "mlp_head.0");
    m.linear("head", "mlp_head.1", true);
    return m.build();
  }

  /** timm {@code vit_*_18x2} ({@code ParallelThingsBlock}): conv embedding, final norm, LayerScale per branch. */
  public static CheckpointMapping timm(ParallelViTConfig c) {
    require(c.attentionOutputProjection(), "timm parallel ViT checkpoints always have attention projections");
    CheckpointMapping.Builder m = CheckpointMapping.builder(TIMM);
    ViTMappings.timmStem(m, c, true);
    eachBranch(c, (a, i, b) -> {
      String ta = "blocks." + i + ".attns." + b;
      ViTMappings.timmAttention(m, a + "/norm", a + "/attn", ta + ".norm", ta + ".attn", c.qkvBias());
      layerScale(m, c, a, ta);
    }, (f, i, b) -> {
      String tf = "blocks." + i + ".ffns." + b;
      ViTMappings.feedForward(m, f + "/norm", f + "/mlp", tf + ".norm", tf + ".mlp.fc1", tf + ".mlp.fc2");
      layerScale(m, c, f, tf);
    });
    return ViTMappings.timmHead(m, c);
  }

  /** Adds the rows of one branch: {@code ours} is its scope, {@code layer} and {@code branch} its indices. */
  @FunctionalInterface
  private interface BranchRows {
    void add(String ours, int layer, int branch);
  }

  /**
   * Visits every branch in upstream's module order (a layer's attention branches, then its feed-forward
   * branches) with our scopes {@code blocks/<i>/attns/<b>} and {@code blocks/<i>/ffns/<b>}.
   */
  private static void eachBranch(ParallelViTConfig c, BranchRows attention, BranchRows feedForward) {
    for (int i = 0; i < c.depth(); i++) {
      for (int b = 0; b < c.numParallelBranches(); b++) {
        attention.add("blocks/" + i + "/attns/" + b, i, b);
      }
      for (int b = 0; b < c.numParallelBranches(); b++) {
        feedForward.add("blocks/" + i + "/ffns/" + b, i, b);
      }
    }
  }

  private static void layerScale(CheckpointMapping.Builder m, ParallelViTConfig c, String ours, String theirs) {
    if (c.layerScaleInit() > 0) {
      m.add(ours + "/ls/gamma", theirs + ".ls.gamma", Conversion.IDENTITY);
    }
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
