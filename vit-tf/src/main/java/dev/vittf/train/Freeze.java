package dev.vittf.train;

import java.util.List;

/**
 * Which parameters a fine-tuning run trains; the others keep their values (no gradient, no update, no
 * weight decay).
 */
public enum Freeze {
  /** Everything trains (full fine-tuning, the default). */
  NONE,
  /** Only the classification head trains: a linear probe of the frozen features. */
  HEAD,
  /**
   * Only the attention layers ({@code .../attn/...}: the qkv and output projections, and the
   * architecture's attention-only parameters such as re-attention or talking heads) and the head train, as
   * in Touvron et al. 2022, "Three things everyone should know about Vision Transformers", §3; the
   * feed-forward layers, norms and embeddings stay frozen.
   */
  ATTENTION;

  /** Names of the classification heads' parameter scopes (the distilled DeiT has two). */
  static final List<String> HEADS = List.of("head", "head_dist");

  /** Whether a parameter (hierarchical name, e.g. {@code blocks/3/attn/qkv/kernel}) trains. */
  public boolean trains(String parameter) {
    return switch (this) {
      case NONE -> true;
      case HEAD -> isHead(parameter);
      case ATTENTION -> isHead(parameter) || isAttention(parameter);
    };
  }

  /** Whether a parameter belongs to a classification head. */
  public static boolean isHead(String parameter) {
    String first = parameter.contains("/") ? parameter.substring(0, parameter.indexOf('/')) : parameter;
    return HEADS.contains(first);
  }

  /** Whether a parameter belongs to an attention layer of a block ({@code <blocks>/<i>/attn/...} or {@code attns}). */
  static boolean isAttention(String parameter) {
    String[] parts = parameter.split("/");
    return parts.length >= 4 && isInteger(parts[1]) && (parts[2].equals("attn") || parts[2].equals("attns"));
  }

  static boolean isInteger(String s) {
    return !s.isEmpty() && s.chars().allMatch(Character::isDigit);
  }
}
