package dev.vittf.export;

import dev.vittf.core.HostTensor;
import dev.vittf.io.CheckpointSource;
import java.nio.file.Path;
import java.util.Map;

/** Where the exported model's weights come from. */
public sealed interface Weights {

  /**
   * Freshly initialised weights, the same as {@code VitModel.create(config, seed)}.
   *
   * @param seed initialisation seed
   */
  record Seed(long seed) implements Weights {}

  /**
   * A safetensors checkpoint, loaded strictly.
   *
   * @param file the {@code .safetensors} file
   * @param source its naming convention (our names, vit-pytorch or timm)
   */
  record Checkpoint(Path file, CheckpointSource source) implements Weights {}

  /**
   * Weights by parameter name (our names), loaded strictly.
   *
   * @param values every parameter's value
   */
  record Values(Map<String, HostTensor> values) implements Weights {
    /** Copies the map. */
    public Values {
      values = Map.copyOf(values);
    }
  }

  /** Freshly initialised weights. */
  static Weights seed(long seed) {
    return new Seed(seed);
  }

  /** Weights from a checkpoint. */
  static Weights checkpoint(Path file, CheckpointSource source) {
    return new Checkpoint(file, source);
  }

  /** Short human-readable description (for metadata and progress output). */
  default String describe() {
    if (this instanceof Seed s) {
      return "initialised from seed " + s.seed();
    } else if (this instanceof Checkpoint c) {
      return c.source().name().toLowerCase(java.util.Locale.ROOT) + " checkpoint " + c.file().getFileName();
    }
    return "in-memory weights";
  }
}
