package dev.vittf.arch.vit;

import dev.vittf.arch.Architecture;
import dev.vittf.io.CheckpointSource;

/** The ViT (Dosovitskiy et al., ICLR 2021) descriptor: config type, presets, checkpoint tables and reference families. */
public final class ViTArchitecture {
  /** Registered in {@link dev.vittf.arch.Architectures#ALL}. */
  public static final Architecture<ViTConfig> DESCRIPTOR = Architecture.builder("vit", ViTConfig.class)
      .seedAndTiny(ViTConfig::seed, ViTConfig::tiny)
      .preset("vit-fmnist", "Fashion-MNIST training (docs/training.md)", ViTConfig::fashionMnist)
      .preset("vit-fmnist-96", "Fashion-MNIST acceptance run: 90.02% (docs/training.md)", ViTConfig::fashionMnist96)
      .preset("vit-ti16", "DeiT-Ti (Touvron et al. 2021, Table 1: 5.7M)", ViTConfig::vitTiny16)
      .preset("vit-s16", "DeiT-S (Touvron et al. 2021, Table 1: 22M)", ViTConfig::vitSmall16)
      .preset("vit-b16", "ViT-B/16 (Dosovitskiy et al. 2021, Table 1: 86M)", ViTConfig::vitBase16)
      .preset("vit-l16", "ViT-L/16 (Dosovitskiy et al. 2021, Table 1: 307M in the paper's rounding; timm 304.3M)",
          ViTConfig::vitLarge16)
      .checkpoints(CheckpointSource.VIT_PYTORCH, ViTMappings::vitPytorch)
      .checkpoints(CheckpointSource.TIMM, ViTMappings::timm)
      .checkpoints(CheckpointSource.HUGGING_FACE, ViTMappings::huggingFace)
      .checkpoints(CheckpointSource.TORCHVISION, ViTMappings::torchvision)
      .reference("vit", CheckpointSource.VIT_PYTORCH, (kwargs, description) -> ViTReferences.vitPytorch(kwargs))
      .reference("timm_vit", CheckpointSource.TIMM,
          (kwargs, description) -> ViTReferences.timm(kwargs, description.path("distilled").asBoolean(false)))
      .reference("hf_vit", CheckpointSource.HUGGING_FACE, (kwargs, description) -> ViTReferences.huggingFace(kwargs))
      .reference("torchvision_vit", CheckpointSource.TORCHVISION, (kwargs, description) -> ViTReferences.torchvision(kwargs))
      .build();

  private ViTArchitecture() {}
}
