package dev.vittf.arch.deepvit;

import dev.vittf.arch.Architecture;
import dev.vittf.io.CheckpointSource;

/** The DeepViT (Zhou et al. 2021) descriptor: config type, presets, checkpoint tables and reference families. */
public final class DeepViTArchitecture {
  /** Registered in {@link dev.vittf.arch.Architectures#ALL}. */
  public static final Architecture<DeepViTConfig> DESCRIPTOR = Architecture.builder("deepvit", DeepViTConfig.class)
      .seedAndTiny(DeepViTConfig::seed, DeepViTConfig::tiny)
      .preset("deepvit-s", "deepvit_S widths of the authors' repository, vit-pytorch blocks (docs/deepvit.md)",
          DeepViTConfig::deepvitS)
      .preset("deepvit-l", "deepvit_L widths of the authors' repository (paper lists 55M)", DeepViTConfig::deepvitL)
      .checkpoints(CheckpointSource.VIT_PYTORCH, DeepViTMappings::vitPytorch)
      .reference("deepvit", CheckpointSource.VIT_PYTORCH, (kwargs, description) -> DeepViTReferences.vitPytorch(kwargs))
      .build();

  private DeepViTArchitecture() {}
}
