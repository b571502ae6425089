package dev.vittf.models;

import dev.vittf.arch.cait.CaiTConfig;
import dev.vittf.arch.deepvit.DeepViTConfig;
import dev.vittf.arch.parallelvit.ParallelViTConfig;
import dev.vittf.arch.scalablevit.ScalableViTConfig;
import dev.vittf.arch.vit.ViTConfig;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Named model presets, across all architectures: the seed configurations of the Flax packages this
 * project grew from, the standard sizes from the papers, and a tiny preset per family for tests and
 * notebooks. Names are lower-case with dashes ({@code vit-b16}, {@code cait-xxs24}, {@code vit-tiny}).
 */
public final class Presets {
  private static final Map<String, Supplier<ModelConfig>> PRESETS = new LinkedHashMap<>();

  static {
    // ViT (Dosovitskiy et al. 2021, Table 1; DeiT Table 1 for Ti and S).
    PRESETS.put("vit-seed", ViTConfig::seed);
    PRESETS.put("vit-tiny", ViTConfig::tiny);
    PRESETS.put("vit-fmnist", ViTConfig::fashionMnist);
    PRESETS.put("vit-fmnist-96", ViTConfig::fashionMnist96);
    PRESETS.put("vit-ti16", ViTConfig::vitTiny16);
    PRESETS.put("vit-s16", ViTConfig::vitSmall16);
    PRESETS.put("vit-b16", ViTConfig::vitBase16);
    PRESETS.put("vit-l16", ViTConfig::vitLarge16);
    // DeepViT (Zhou et al. 2021; S and L widths from the authors' deepvit_S / deepvit_L).
    PRESETS.put("deepvit-seed", DeepViTConfig::seed);
    PRESETS.put("deepvit-tiny", DeepViTConfig::tiny);
    PRESETS.put("deepvit-s", DeepViTConfig::deepvitS);
    PRESETS.put("deepvit-l", DeepViTConfig::deepvitL);
    // CaiT (Touvron et al. 2021, Table 1; timm formulation for the paper sizes).
    PRESETS.put("cait-seed", CaiTConfig::seed);
    PRESETS.put("cait-tiny", CaiTConfig::tiny);
    PRESETS.put("cait-xxs24", CaiTConfig::xxs24);
    PRESETS.put("cait-xs24", CaiTConfig::xs24);
    PRESETS.put("cait-s24", CaiTConfig::s24);
    // Parallel ViT (Touvron et al. 2022; timm vit_small_patch16_18x2_224) and ScalableViT (Yang et al. 2022, Table 1).
    PRESETS.put("parallel-vit-seed", ParallelViTConfig::seed);
    PRESETS.put("parallel-vit-tiny", ParallelViTConfig::tiny);
    PRESETS.put("parallel-vit-s16-18x2", ParallelViTConfig::small16x18x2);
    PRESETS.put("scalable-vit-seed", ScalableViTConfig::seed);
    PRESETS.put("scalable-vit-tiny", ScalableViTConfig::tiny);
    PRESETS.put("scalable-vit-s", ScalableViTConfig::small);
  }

  private Presets() {}

  /** Every preset name, in registration order. */
  public static Map<String, Supplier<ModelConfig>> all() {
    return Collections.unmodifiableMap(PRESETS);
  }

  /**
   * The preset of that name.
   *
   * @throws IllegalArgumentException naming the known presets if there is none
   */
  public static ModelConfig get(String name) {
    Supplier<ModelConfig> s = PRESETS.get(name);
    if (s == null) {
      throw new IllegalArgumentException("unknown preset '" + name + "'; known: " + String.join(", ", PRESETS.keySet()));
    }
    return s.get();
  }
}
