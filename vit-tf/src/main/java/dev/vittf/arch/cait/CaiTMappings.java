package dev.vittf.arch.cait;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vittf.arch.vit.ViTMappings;
import dev.vittf.io.CheckpointMapping;
import dev.vittf.io.Conversion;
import dev.vittf.models.ConfigJson;
import java.util.ArrayList;
import java.util.List;

/**
 * Checkpoint tables for {@link CaiTConfig}, pinned to the upstream code the fixtures were generated
 * with: vit-pytorch {@code vit_pytorch/cait.py} (the fixtures' {@code reference_source_sha256} pins the
 * file) and timm 1.0
 * {@code timm/models/cait.py} ({@code Cait}, architecture of {@code cait_xxs24_224}).
 *
 * <p>timm's {@code blocks.<i>.attn.proj_l.bias} and {@code blocks_token_only.<i>.attn.k.bias} cannot
 * change any output (each adds a constant along the softmax axis), but they are real parameters: they
 * are mapped like every other tensor, and strict loading fails without them.
 */
public final class CaiTMappings {
  /** vit-pytorch CaiT file targeted. */
  public static final String VIT_PYTORCH_CAIT = "vit-pytorch vit_pytorch/cait.py";
  /** timm CaiT targeted. */
  public static final String TIMM_CAIT = "timm 1.0 timm/models/cait.py Cait";

  private CaiTMappings() {}

  /** vit-pytorch {@code CaiT}; the config must use the vit-pytorch formulation ({@link CaiTConfig#builder()} defaults). */
  public static CheckpointMapping vitPytorch(CaiTConfig c) {
    List<String> wrong = new ArrayList<>();
    requireFormulation(wrong, c, c.toBuilder().vitPytorchStyle().build(), FORMULATION);
    fail(VIT_PYTORCH_CAIT, wrong);
    CheckpointMapping.Builder m = CheckpointMapping.builder(VIT_PYTORCH_CAIT);
    m.add("pos_embed", "pos_embedding", Conversion.IDENTITY);
    m.add("cls_token", "cls_token", Conversion.IDENTITY);
    ViTMappings.vitPytorchEmbedding(m);
    for (int i = 0; i < c.depth(); i++) {
      caitPytorchLayer(m, "blocks/" + i, "patch_transformer.layers." + i);
    }
    for (int i = 0; i < c.clsDepth(); i++) {
      caitPytorchLayer(m, "cls_blocks/" + i, "cls_transformer.layers." + i);
    }
    m.layerNorm("norm", "mlp_head.0");
    m.linear("head", "mlp_head.1", true);
    return m.build();
  }

  // One vit-pytorch CaiT layer: [LayerScale(Attention), LayerScale(FeedForward)], module under .fn.
  private static void caitPytorchLayer(CheckpointMapping.Builder m, String ours, String theirs) {
    String attn = theirs + ".0.fn";
    m.add(ours + "/ls1/gamma", theirs + ".0.scale", Conversion.RESHAPE);
    m.add(ours + "/attn/mix_pre/kernel", attn + ".mix_heads_pre_attn", Conversion.IDENTITY);
    m.add(ours + "/attn/mix_post/kernel", attn + ".mix_heads_post_attn", Conversion.IDENTITY);
    m.layerNorm(ours + "/norm1", attn + ".norm");
    m.linear(ours + "/attn/q", attn + ".to_q", false);
    m.linear(ours + "/attn/kv", attn + ".to_kv", false);
    m.linear(ours + "/attn/proj", attn + ".to_out.0", true);
    m.add(ours + "/ls2/gamma", theirs + ".1.scale", Conversion.RESHAPE);
    ViTMappings.vitPytorchFeedForward(m, ours, theirs + ".1.fn.net");
  }

  /** timm {@code Cait}; the config must use the timm formulation ({@link CaiTConfig.Builder#timmStyle()}). */
  public static CheckpointMapping timm(CaiTConfig c) {
    List<String> wrong = new ArrayList<>();
    // timm's Cait has a qkv_bias option: every other formulation field is fixed
    requireFormulation(wrong, c, c.toBuilder().timmStyle().build(),
        FORMULATION.stream().filter(f -> !f.equals("qkvBias")).toList());
    if ((long) c.heads() * c.dimHead() != c.dim()) {
      wrong.add("heads*dimHead=" + c.heads() + "*" + c.dimHead() + " (timm needs heads*dimHead == dim=" + c.dim() + ")");
    }
    fail(TIMM_CAIT, wrong);
    CheckpointMapping.Builder m = CheckpointMapping.builder(TIMM_CAIT);
    ViTMappings.timmStem(m, true);
    for (int i = 0; i < c.depth(); i++) {
      String ours = "blocks/" + i;
      String theirs = "blocks." + i;
      timmGammas(m, ours, theirs);
      ViTMappings.timmAttention(m, ours + "/norm1", ours + "/attn", theirs + ".norm1", theirs + ".attn", c.qkvBias());
      // Linear(H, H) over the head axis: weight [out, in] -> our kernel [in, out].
      m.linear(ours + "/attn/mix_pre", theirs + ".attn.proj_l", true);
      m.linear(ours + "/attn/mix_post", theirs + ".attn.proj_w", true);
      ViTMappings.timmFeedForward(m, ours, theirs);
    }
    for (int i = 0; i < c.clsDepth(); i++) {
      String ours = "cls_blocks/" + i;
      String theirs = "blocks_token_only." + i;
      timmGammas(m, ours, theirs);
      m.layerNorm(ours + "/norm1", theirs + ".norm1");
      m.linear(ours + "/attn/q", theirs + ".attn.q", c.qkvBias());
      m.linear(ours + "/attn/k", theirs + ".attn.k", c.qkvBias());
      m.linear(ours + "/attn/v", theirs + ".attn.v", c.qkvBias());
      m.linear(ours + "/attn/proj", theirs + ".attn.proj", true);
      ViTMappings.timmFeedForward(m, ours, theirs);
    }
    return ViTMappings.timmHead(m);
  }

  private static void timmGammas(CheckpointMapping.Builder m, String ours, String theirs) {
    m.add(ours + "/ls1/gamma", theirs + ".gamma_1", Conversion.IDENTITY);
    m.add(ours + "/ls2/gamma", theirs + ".gamma_2", Conversion.IDENTITY);
  }

  /** The fields in which the vit-pytorch and timm formulations differ (epsilon aside, which any checkpoint accepts). */
  private static final List<String> FORMULATION = List.of("embedding", "patchQkvLayout", "classQkvLayout", "qkvBias",
      "talkingHeadsBias", "classTalkingHeads", "normalizeClassContext");

  /** Adds {@code field=value (needs required)} for each of {@code fields} in which {@code c} differs from {@code formulation}. */
  private static void requireFormulation(List<String> wrong, CaiTConfig c, CaiTConfig formulation, List<String> fields) {
    JsonNode actual = ConfigJson.toTree(c);
    JsonNode required = ConfigJson.toTree(formulation);
    for (String f : fields) {
      if (!actual.get(f).equals(required.get(f))) {
        wrong.add(f + "=" + actual.get(f).asText() + " (needs " + required.get(f).asText() + ")");
      }
    }
  }

  private static void fail(String source, List<String> wrong) {
    if (!wrong.isEmpty()) {
      throw new IllegalArgumentException(source + " checkpoints do not fit this config: " + String.join("; ", wrong));
    }
  }
}
