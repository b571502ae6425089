package dev.vittf.arch.scalablevit;

import dev.vittf.arch.Architecture;
import dev.vittf.io.CheckpointSource;

/** The ScalableViT (Yang et al., ECCV 2022) descriptor: config type, presets, checkpoint tables and reference families. */
public final class ScalableViTArchitecture {
  /** Registered in {@link dev.vittf.arch.Architectures#ALL}. */
  public static final Architecture<ScalableViTConfig> DESCRIPTOR = Architecture.builder("scalable_vit", ScalableViTConfig.class)
      .seedAndTiny(ScalableViTConfig::seed, ScalableViTConfig::tiny)
      .preset("scalable-vit-s", "ScalableViT-S sizes (Yang et al. 2022, Table 1) with vit-pytorch blocks (paper: 32.4M)",
          ScalableViTConfig::small)
      .checkpoints(CheckpointSource.VIT_PYTORCH, ScalableViTMappings::vitPytorch)
      .reference("scalable_vit", CheckpointSource.VIT_PYTORCH,
          (kwargs, description) -> ScalableViTReferences.vitPytorch(description))
      .build();

  private ScalableViTArchitecture() {}
}
