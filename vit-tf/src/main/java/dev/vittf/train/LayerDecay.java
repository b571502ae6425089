package dev.vittf.train;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Layer-wise learning-rate decay (BEiT, Bao et al. 2022, §2.5; timm's {@code param_groups_layer_decay}):
 * with {@code L} blocks, the stem (patch embedding, class / distillation / register tokens, position
 * embedding) is layer 0, block {@code i} of {@code blocks/i/...} is layer {@code i + 1}, everything after
 * the blocks (final norm, CaiT's class-attention blocks, the head) is layer {@code L + 1}, and a
 * parameter of layer {@code l} trains with {@code lr · decay^(L + 1 − l)}. So the head keeps the full rate
 * and the patch embedding gets {@code decay^(L + 1)}.
 */
public final class LayerDecay {
  private LayerDecay() {}

  /** Parameter scopes of the stem (layer 0). */
  static final List<String> STEM = List.of("patch_embed", "cls_token", "dist_token", "reg_token", "pos_embed", "norm_pre");

  /**
   * The learning-rate multiplier of every parameter, in the given order; all 1 when {@code decay} is 1.
   *
   * @param parameters hierarchical parameter names
   * @param decay the per-layer factor, in (0, 1]
   */
  public static Map<String, Double> scales(List<String> parameters, double decay) {
    int blocks = 0;
    for (String p : parameters) {
      String[] parts = p.split("/");
      if (parts[0].equals("blocks") && parts.length > 1 && Freeze.isInteger(parts[1])) {
        blocks = Math.max(blocks, Integer.parseInt(parts[1]) + 1);
      }
    }
    Map<String, Double> out = new LinkedHashMap<>();
    for (String p : parameters) {
      out.put(p, Math.pow(decay, blocks + 1 - layer(p, blocks)));
    }
    return out;
  }

  /** The layer id of a parameter of a model with {@code blocks} blocks. */
  static int layer(String parameter, int blocks) {
    String[] parts = parameter.split("/");
    if (STEM.contains(parts[0])) {
      return 0;
    }
    if (parts[0].equals("blocks") && parts.length > 1 && Freeze.isInteger(parts[1])) {
      return Integer.parseInt(parts[1]) + 1;
    }
    return blocks + 1;
  }
}
