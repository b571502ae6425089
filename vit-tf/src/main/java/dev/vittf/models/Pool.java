package dev.vittf.models;

/** How tokens become the vector fed to the classifier head. */
public enum Pool {
  /** The class token (token 0). */
  CLS,
  /** The mean of all tokens (including a class token, if the model has one: vit-pytorch DeepViT / Parallel ViT semantics). */
  MEAN
}
