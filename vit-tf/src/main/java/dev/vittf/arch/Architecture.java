package dev.vittf.arch;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vittf.io.CheckpointMapping;
import dev.vittf.io.CheckpointSource;
import dev.vittf.models.ModelConfig;
import dev.vittf.models.Preprocessing;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Everything the library knows about one architecture, in one place: its config record type and the
 * name it has in config JSON, its named presets (each citing where its sizes come from), one checkpoint
 * table per foreign source, and the converters from reference-model descriptions (vit-pytorch or timm
 * constructor kwargs). Each architecture package declares one descriptor; {@link Architectures} lists
 * them, and {@code ConfigJson}, {@code Presets}, {@code Checkpoints}, {@code ReferenceModels} and the
 * command-line tools look everything up there.
 *
 * @param <C> the config record type
 */
public final class Architecture<C extends ModelConfig> {
  private final String name;
  private final Class<C> configType;
  private final List<Preset> presets;
  private final Map<CheckpointSource, Function<C, CheckpointMapping>> mappings;
  private final List<ReferenceFamily> references;

  private Architecture(Builder<C> b) {
    name = b.name;
    configType = b.configType;
    presets = List.copyOf(b.presets);
    mappings = Collections.unmodifiableMap(new EnumMap<>(b.mappings));
    references = List.copyOf(b.references.values());
  }

  /** Starts the descriptor of the architecture called {@code name} in config JSON, configured by {@code configType}. */
  public static <C extends ModelConfig> Builder<C> builder(String name, Class<C> configType) {
    return new Builder<>(name, configType);
  }

  /** The architecture's name in config JSON and in {@link ModelConfig#architecture()}, e.g. {@code parallel_vit}. */
  public String name() {
    return name;
  }

  /** The config record type. */
  public Class<C> configType() {
    return configType;
  }

  /** The named presets, in registration order. */
  public List<Preset> presets() {
    return presets;
  }

  /** The foreign checkpoint sources that have a mapping table. */
  public Set<CheckpointSource> checkpointSources() {
    return mappings.keySet();
  }

  /** The reference-model families (vit-pytorch or timm constructors) that convert to this architecture. */
  public List<ReferenceFamily> referenceFamilies() {
    return references;
  }

  /**
   * The checkpoint table of {@code source} for {@code config}.
   *
   * @throws UnsupportedOperationException if this architecture has no table for the source
   * @throws IllegalArgumentException if the config is not of this architecture, or its options do not
   *     fit the source's layout
   */
  public CheckpointMapping mapping(ModelConfig config, CheckpointSource source) {
    Function<C, CheckpointMapping> table = mappings.get(source);
    if (table == null) {
      throw new UnsupportedOperationException("no " + source + " checkpoint mapping for architecture '" + name
          + "'" + (mappings.isEmpty() ? "" : "; it has " + mappings.keySet()));
    }
    return table.apply(cast(config));
  }

  /** The config as this architecture's type. */
  C cast(ModelConfig config) {
    if (!configType.isInstance(config)) {
      throw new IllegalArgumentException("architecture '" + name + "' is configured by " + configType.getSimpleName()
          + ", not " + config.getClass().getSimpleName());
    }
    return configType.cast(config);
  }

  @Override
  public String toString() {
    return name + " (" + configType.getSimpleName() + ")";
  }

  /**
   * A named preset.
   *
   * @param name the preset name, lower case with dashes ({@code vit-b16})
   * @param architecture the architecture's name
   * @param citation where the sizes come from (paper table, upstream model name, or the preset's purpose)
   * @param factory builds the config
   */
  public record Preset(String name, String architecture, String citation, Supplier<? extends ModelConfig> factory) {
    /** A fresh (validated) config. */
    public ModelConfig config() {
      return factory.get();
    }

    /** The pixel normalisation the preset expects by default: its config's {@link ModelConfig#preprocessing()}. */
    public Preprocessing preprocessing() {
      return config().preprocessing();
    }
  }

  /**
   * A reference-model family: a vit-pytorch or timm constructor whose keyword arguments convert to one of
   * our configs, and the checkpoint source its state dicts use.
   *
   * @param name the family name in reference descriptions ({@code vit}, {@code timm_vit}, ...)
   * @param architecture our architecture's name
   * @param source naming and layout of the family's checkpoints
   * @param converter builds our config from the description
   */
  public record ReferenceFamily(String name, String architecture, CheckpointSource source, ReferenceConverter converter) {}

  /** Converts a reference-model description to our config. */
  @FunctionalInterface
  public interface ReferenceConverter {
    /**
     * Our config for the described model.
     *
     * @param kwargs the constructor's keyword arguments ({@code constructor_kwargs})
     * @param description the whole description (for facts that are not constructor arguments, e.g. a
     *     ScalableViT's image size)
     * @throws IllegalArgumentException for unknown, missing or ill-typed arguments
     */
    ModelConfig convert(JsonNode kwargs, JsonNode description);
  }

  /**
   * Collects a descriptor; names must be unique within it.
   *
   * @param <C> the config record type
   */
  public static final class Builder<C extends ModelConfig> {
    private final String name;
    private final Class<C> configType;
    private final List<Preset> presets = new ArrayList<>();
    private final Map<CheckpointSource, Function<C, CheckpointMapping>> mappings = new EnumMap<>(CheckpointSource.class);
    private final Map<String, ReferenceFamily> references = new LinkedHashMap<>();

    private Builder(String name, Class<C> configType) {
      this.name = Objects.requireNonNull(name);
      this.configType = Objects.requireNonNull(configType);
      if (!configType.isRecord()) {
        throw new IllegalArgumentException(configType.getName() + " must be a record (config JSON reads its components)");
      }
    }

    /**
     * Adds the two presets every architecture has: {@code <name>-seed}, the seed usage (the configuration
     * of the seed documents this project grew from), and {@code <name>-tiny}, a small model for tests and
     * notebooks ({@code <name>} is the architecture name with dashes, e.g. {@code parallel-vit}).
     */
    public Builder<C> seedAndTiny(Supplier<C> seed, Supplier<C> tiny) {
      String prefix = name.replace('_', '-');
      return preset(prefix + "-seed", "seed usage", seed).preset(prefix + "-tiny", "tests, notebooks", tiny);
    }

    /** Adds a preset. */
    public Builder<C> preset(String presetName, String citation, Supplier<C> factory) {
      presets.add(new Preset(presetName, name, citation, factory));
      return this;
    }

    /** Declares the checkpoint table of a foreign source. */
    public Builder<C> checkpoints(CheckpointSource source, Function<C, CheckpointMapping> table) {
      if (source == CheckpointSource.NATIVE) {
        throw new IllegalArgumentException("native checkpoints use our names and need no table");
      }
      if (mappings.put(source, table) != null) {
        throw new IllegalArgumentException(name + ": two " + source + " checkpoint tables");
      }
      return this;
    }

    /** Declares a reference-model family converting to this architecture. */
    public Builder<C> reference(String family, CheckpointSource source, ReferenceConverter converter) {
      if (references.put(family, new ReferenceFamily(family, name, source, converter)) != null) {
        throw new IllegalArgumentException(name + ": reference family '" + family + "' declared twice");
      }
      return this;
    }

    /** The descriptor. */
    public Architecture<C> build() {
      return new Architecture<>(this);
    }
  }
}
