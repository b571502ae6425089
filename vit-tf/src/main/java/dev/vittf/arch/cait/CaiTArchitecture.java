package dev.vittf.arch.cait;

import dev.vittf.arch.Architecture;
import dev.vittf.io.CheckpointSource;

/** The CaiT (Touvron et al., ICCV 2021) descriptor: config type, presets, checkpoint tables and reference families. */
public final class CaiTArchitecture {
  /** Registered in {@link dev.vittf.arch.Architectures#ALL}. */
  public static final Architecture<CaiTConfig> DESCRIPTOR = Architecture.builder("cait", CaiTConfig.class)
      .seedAndTiny(CaiTConfig::seed, CaiTConfig::tiny)
      .preset("cait-xxs24", "CaiT-XXS24 (Touvron et al. 2021, Table 1: 12.0M, 2.5 G mult-adds)", CaiTConfig::xxs24)
      .preset("cait-xs24", "CaiT-XS24 (Table 1: 26.6M, 5.4 G mult-adds)", CaiTConfig::xs24)
      .preset("cait-s24", "CaiT-S24 (Table 1: 46.9M, 9.4 G mult-adds)", CaiTConfig::s24)
      .checkpoints(CheckpointSource.VIT_PYTORCH, CaiTMappings::vitPytorch)
      .checkpoints(CheckpointSource.TIMM, CaiTMappings::timm)
      .reference("cait", CheckpointSource.VIT_PYTORCH, (kwargs, description) -> CaiTReferences.vitPytorch(kwargs))
      .reference("timm_cait", CheckpointSource.TIMM, (kwargs, description) -> CaiTReferences.timm(kwargs))
      .build();

  private CaiTArchitecture() {}
}
