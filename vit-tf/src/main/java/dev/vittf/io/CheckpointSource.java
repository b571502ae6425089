package dev.vittf.io;

/** Where a checkpoint's names and layouts come from. */
public enum CheckpointSource {
  /** Our own parameter names and TensorFlow layouts (what {@link Checkpoints#save} writes). */
  NATIVE,
  /** lucidrains/vit-pytorch state dicts (PyTorch layouts). */
  VIT_PYTORCH,
  /** timm (pytorch-image-models) state dicts (PyTorch layouts). */
  TIMM,
  /**
   * Hugging Face transformers ViT / DeiT state dicts, without the base-model prefix ({@code vit.},
   * {@code deit.}), which {@link Pretrained} strips as transformers' {@code from_pretrained} does.
   */
  HUGGING_FACE,
  /** torchvision {@code VisionTransformer} state dicts ({@code vit_b_16} family). */
  TORCHVISION
}
