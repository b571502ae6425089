package dev.vittf.models;

/** Where the final LayerNorm of a ViT-family model sits. */
public enum NormPlacement {
  /** On every token after the last block, before pooling (current vit-pytorch ViT, timm). */
  TOKENS,
  /** On the pooled vector, as the first layer of the head (vit-pytorch DeepViT, CaiT, Parallel ViT; older ViT). */
  POOLED
}
