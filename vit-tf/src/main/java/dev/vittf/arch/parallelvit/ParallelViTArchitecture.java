package dev.vittf.arch.parallelvit;

import dev.vittf.arch.Architecture;
import dev.vittf.io.CheckpointSource;

/** The Parallel ViT (Touvron et al., ECCV 2022) descriptor: config type, presets, checkpoint tables and reference families. */
public final class ParallelViTArchitecture {
  /** Registered in {@link dev.vittf.arch.Architectures#ALL}. */
  public static final Architecture<ParallelViTConfig> DESCRIPTOR = Architecture.builder("parallel_vit", ParallelViTConfig.class)
      .seedAndTiny(ParallelViTConfig::seed, ParallelViTConfig::tiny)
      .preset("parallel-vit-s16-18x2", "timm vit_small_patch16_18x2_224 (Touvron et al. 2022, ViT-S 18x2)",
          ParallelViTConfig::small16x18x2)
      .checkpoints(CheckpointSource.VIT_PYTORCH, ParallelViTMappings::vitPytorch)
      .checkpoints(CheckpointSource.TIMM, ParallelViTMappings::timm)
      .reference("parallel_vit", CheckpointSource.VIT_PYTORCH,
          (kwargs, description) -> ParallelViTReferences.vitPytorch(kwargs))
      .reference("timm_parallel_vit", CheckpointSource.TIMM, (kwargs, description) -> ParallelViTReferences.timm(kwargs))
      .build();

  private ParallelViTArchitecture() {}
}
