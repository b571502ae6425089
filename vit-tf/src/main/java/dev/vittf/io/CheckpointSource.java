package dev.vittf.io;

/** Where a checkpoint's names and layouts come from. */
public enum CheckpointSource {
  /** Our own parameter names and TensorFlow layouts (what {@link Checkpoints#save} writes). */
  NATIVE,
  /** lucidrains/vit-pytorch state dicts (PyTorch layouts). */
  VIT_PYTORCH,
  /** timm (pytorch-image-models) state dicts (PyTorch layouts). */
  TIMM
}
