package dev.vittf.core;

/**
 * What a parameter is for. The role decides the default initialisation and whether decoupled weight
 * decay applies (only {@link #WEIGHT} and {@link #HEAD_MIXING}; never norms, biases, tokens,
 * positional embeddings or LayerScale, following timm's and the DeiT/CaiT recipes).
 */
public enum ParameterRole {
  /** Dense or convolution kernel. */
  WEIGHT(true),
  /** Additive bias of a dense or convolution layer. */
  BIAS(false),
  /** LayerNorm scale (gamma). */
  NORM_SCALE(false),
  /** LayerNorm shift (beta). */
  NORM_SHIFT(false),
  /** Class token or positional embedding. */
  EMBEDDING(false),
  /** LayerScale per-channel factor (CaiT, timm). */
  LAYER_SCALE(false),
  /** Head-mixing matrix (re-attention, talking heads). */
  HEAD_MIXING(true);

  private final boolean decayed;

  ParameterRole(boolean decayed) {
    this.decayed = decayed;
  }

  /** Whether decoupled weight decay (AdamW) should apply to parameters of this role. */
  public boolean weightDecay() {
    return decayed;
  }
}
