package dev.vittf.models;

import dev.vittf.arch.Architecture.Preset;
import dev.vittf.arch.Architectures;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Named model presets, across all architectures: the seed configurations of the Flax packages this
 * project grew from, the standard sizes from the papers, and a tiny preset per family for tests and
 * notebooks. Names are lower-case with dashes ({@code vit-b16}, {@code cait-xxs24}, {@code vit-tiny}).
 * Each architecture declares its presets, with their citations, in its descriptor ({@link
 * dev.vittf.arch.Architecture}); this class looks them up.
 */
public final class Presets {
  private Presets() {}

  /** Every preset's factory, by name, in registration order. */
  public static Map<String, Supplier<ModelConfig>> all() {
    Map<String, Supplier<ModelConfig>> out = new LinkedHashMap<>();
    Architectures.presets().forEach((name, p) -> out.put(name, p::config));
    return Collections.unmodifiableMap(out);
  }

  /** Every preset with its architecture and citation, in registration order. */
  public static List<Preset> list() {
    return List.copyOf(Architectures.presets().values());
  }

  /**
   * The preset of that name.
   *
   * @throws IllegalArgumentException naming the known presets if there is none
   */
  public static ModelConfig get(String name) {
    Preset p = Architectures.presets().get(name);
    if (p == null) {
      throw new IllegalArgumentException(
          "unknown preset '" + name + "'; known: " + String.join(", ", Architectures.presets().keySet()));
    }
    return p.config();
  }
}
