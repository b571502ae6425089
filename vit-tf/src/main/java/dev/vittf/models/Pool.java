package dev.vittf.models;

/** How tokens become the vector fed to the classifier head. */
public enum Pool {
  /** The class token (token 0). */
  CLS,
  /** The mean of all tokens (including a class token, if the model has one: vit-pytorch DeepViT / Parallel ViT semantics). */
  MEAN,
  /** The mean of the tokens after the prefix (class and register) tokens: timm's {@code global_pool='avg'}. */
  AVG,
  /** The per-feature maximum of the tokens after the prefix tokens: timm's {@code global_pool='max'}. */
  MAX,
  /** {@code 0.5 * (AVG + MAX)} over the tokens after the prefix tokens: timm's {@code global_pool='avgmax'}. */
  AVG_MAX
}
