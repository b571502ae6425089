package dev.vittf.arch;

import dev.vittf.arch.Architecture.Preset;
import dev.vittf.arch.Architecture.ReferenceFamily;
import dev.vittf.arch.cait.CaiTArchitecture;
import dev.vittf.arch.deepvit.DeepViTArchitecture;
import dev.vittf.arch.parallelvit.ParallelViTArchitecture;
import dev.vittf.arch.scalablevit.ScalableViTArchitecture;
import dev.vittf.arch.vit.ViTArchitecture;
import dev.vittf.models.ModelConfig;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The registry of architectures: the only list of them in the library. Adding an architecture means
 * one package with its descriptor and one line in {@link #ALL}. Names, config types, preset names and
 * reference families must be unique across the registry (checked when the class loads).
 */
public final class Architectures {
  /** Every architecture, in presentation order. */
  public static final List<Architecture<?>> ALL = List.of(
      ViTArchitecture.DESCRIPTOR,
      DeepViTArchitecture.DESCRIPTOR,
      CaiTArchitecture.DESCRIPTOR,
      ParallelViTArchitecture.DESCRIPTOR,
      ScalableViTArchitecture.DESCRIPTOR);

  private static final Map<String, Architecture<?>> BY_NAME = new LinkedHashMap<>();
  private static final Map<Class<?>, Architecture<?>> BY_TYPE = new HashMap<>();
  private static final Map<String, Preset> PRESETS = new LinkedHashMap<>();
  private static final Map<String, ReferenceFamily> FAMILIES = new LinkedHashMap<>();

  static {
    for (Architecture<?> a : ALL) {
      unique(BY_NAME.put(a.name(), a), "architecture name", a.name());
      unique(BY_TYPE.put(a.configType(), a), "config type", a.configType().getName());
      a.presets().forEach(p -> unique(PRESETS.put(p.name(), p), "preset", p.name()));
      a.referenceFamilies().forEach(f -> unique(FAMILIES.put(f.name(), f), "reference family", f.name()));
    }
  }

  private Architectures() {}

  private static void unique(Object previous, String what, String value) {
    if (previous != null) {
      throw new IllegalStateException("two architectures declare the " + what + " '" + value + "'");
    }
  }

  /** The architecture called {@code name} in config JSON, if any. */
  public static Optional<Architecture<?>> find(String name) {
    return Optional.ofNullable(BY_NAME.get(name));
  }

  /** Every architecture name, in registration order. */
  public static List<String> names() {
    return List.copyOf(BY_NAME.keySet());
  }

  /**
   * The architecture of a config.
   *
   * @throws IllegalArgumentException if the config's type is not registered
   */
  public static Architecture<?> of(ModelConfig config) {
    return of(config.getClass());
  }

  /**
   * The architecture configured by {@code configType}.
   *
   * @throws IllegalArgumentException if the type is not registered
   */
  public static Architecture<?> of(Class<?> configType) {
    Architecture<?> a = BY_TYPE.get(configType);
    if (a == null) {
      throw new IllegalArgumentException(configType.getName() + " is not the config type of a registered architecture ("
          + String.join(", ", names()) + "); register its descriptor in " + Architectures.class.getName() + ".ALL");
    }
    return a;
  }

  /** Every preset of every architecture, by name, in registration order. */
  public static Map<String, Preset> presets() {
    return Collections.unmodifiableMap(PRESETS);
  }

  /** The reference-model family called {@code name}, if any. */
  public static Optional<ReferenceFamily> referenceFamily(String name) {
    return Optional.ofNullable(FAMILIES.get(name));
  }

  /** Every reference-model family name, in registration order. */
  public static List<String> referenceFamilies() {
    return List.copyOf(FAMILIES.keySet());
  }
}
