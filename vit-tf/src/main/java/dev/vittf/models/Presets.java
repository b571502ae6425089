package dev.vittf.models;

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
    PRESETS.put("vit-ti16", ViTConfig::vitTiny16);
    PRESETS.put("vit-s16", ViTConfig::vitSmall16);
    PRESETS.put("vit-b16", ViTConfig::vitBase16);
    PRESETS.put("vit-l16", ViTConfig::vitLarge16);
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
