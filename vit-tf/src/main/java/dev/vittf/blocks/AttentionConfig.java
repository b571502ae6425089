package dev.vittf.blocks;

/**
 * Hyper-parameters of {@link Attention}; built by the model configs, which validate them first.
 *
 * @param dim model width (input and output)
 * @param heads number of heads {@code H}
 * @param dimHead width of each head {@code d} (independent of {@code dim}, as in vit-pytorch)
 * @param layout how q, k, v are projected (and so how the parameters are named)
 * @param qkvBias whether the q/k/v projections have biases (timm: yes; vit-pytorch: no)
 * @param outputProjection whether the merged heads go through {@code proj} (vit-pytorch omits it
 *     when {@code H == 1 && d == dim})
 * @param preSoftmax head mix applied to the logits (talking heads), or null
 * @param postSoftmax head mix applied to the probabilities (talking heads, re-attention), or null
 * @param attnDropout dropout on the attention map (training only)
 * @param projDropout dropout after the output projection (training only)
 * @param scale logit scale, or {@code NaN} for {@code dimHead^-0.5}
 */
public record AttentionConfig(
    long dim,
    int heads,
    long dimHead,
    QkvLayout layout,
    boolean qkvBias,
    boolean outputProjection,
    HeadMix preSoftmax,
    HeadMix postSoftmax,
    double attnDropout,
    double projDropout,
    double scale) {

  /** How queries, keys and values are projected. */
  public enum QkvLayout {
    /** One {@code qkv} projection {@code [dim, 3*H*d]} (vit-pytorch {@code to_qkv}, timm {@code qkv}). */
    FUSED,
    /** {@code q} and a fused {@code kv} (vit-pytorch CaiT {@code to_q}, {@code to_kv}). */
    Q_KV,
    /** Separate {@code q}, {@code k}, {@code v} (timm class attention). */
    SEPARATE
  }

  /** Checks the few structural rules the model configs rely on. */
  public AttentionConfig {
    if (dim <= 0 || heads <= 0 || dimHead <= 0) {
      throw new IllegalArgumentException("attention dims must be > 0: dim=" + dim + " heads=" + heads + " dimHead=" + dimHead);
    }
    if (!outputProjection && heads * dimHead != dim) {
      throw new IllegalArgumentException("without an output projection heads*dimHead must equal dim");
    }
  }

  /** The logit scale in use. */
  public double effectiveScale() {
    return Double.isNaN(scale) ? 1 / Math.sqrt(dimHead) : scale;
  }

  /** Multiply-accumulates for {@code nq} queries over {@code nk} keys (one image). */
  public long macs(long nq, long nk) {
    long inner = heads * dimHead;
    long proj = switch (layout) {
      case FUSED -> 3 * nq * dim * inner;
      case Q_KV, SEPARATE -> nq * dim * inner + 2 * nk * dim * inner;
    };
    long core = 2 * heads * nq * nk * dimHead;
    long mixes = ((preSoftmax != null ? 1 : 0) + (postSoftmax != null ? 1 : 0)) * (long) heads * heads * nq * nk;
    long out = outputProjection ? nq * inner * dim : 0;
    return proj + core + mixes + out;
  }
}
