package dev.vittf.cli.support;

import dev.vittf.core.Precision;
import dev.vittf.io.CheckpointSource;
import dev.vittf.models.ConfigJson;
import dev.vittf.models.Presets;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Converters for options that name something registered in the library: a preset, an architecture. */
public final class Names {
  private Names() {}

  /** A name that must be one of a registry's. */
  abstract static class Known implements ITypeConverter<String>, Ranges.Range {
    private final String what;
    private final Supplier<Collection<String>> known;
    private final String example;

    Known(String what, Supplier<Collection<String>> known, String example) {
      this.what = what;
      this.known = known;
      this.example = example;
    }

    @Override
    public String convert(String value) {
      if (!known.get().contains(value)) {
        throw new TypeConversionException(rule());
      }
      return value;
    }

    @Override
    public String rule() {
      return "unknown " + what + "; known: " + String.join(", ", known.get());
    }

    @Override
    public List<String> outside() {
      return List.of(example);
    }
  }

  /** One of a fixed list of names ({@code --augment=mixup: unknown augmentation; known: crop-flip, flip, none}). */
  public abstract static class Choice extends Known {
    /** A choice among {@code values}; {@code example} is a value outside them, for the tests. */
    protected Choice(String what, List<String> values, String example) {
      super(what, () -> values, example);
    }
  }

  /** A registered preset name ({@code --preset=vit-huge: unknown preset; known: ...}). */
  public static final class PresetName extends Known {
    /** Picocli instantiates converters. */
    public PresetName() {
      super("preset", () -> Presets.all().keySet(), "vit-huge");
    }
  }

  /**
   * A checkpoint naming, in any case, {@code -} or {@code _}: native, vit_pytorch, timm, ... ({@code
   * --source=keras: unknown checkpoint source; known: native, vit_pytorch, timm, hugging_face, torchvision}).
   */
  public static final class SourceName implements ITypeConverter<CheckpointSource>, Ranges.Range {
    /** Picocli instantiates converters. */
    public SourceName() {}

    @Override
    public CheckpointSource convert(String value) {
      try {
        return CheckpointSource.valueOf(value.toUpperCase(Locale.ROOT).replace('-', '_'));
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(rule());
      }
    }

    @Override
    public String rule() {
      return "unknown checkpoint source; known: " + String.join(", ",
          java.util.Arrays.stream(CheckpointSource.values()).map(s -> s.name().toLowerCase(Locale.ROOT)).toList());
    }

    @Override
    public List<String> outside() {
      return List.of("keras");
    }
  }

  /** A registered architecture id ({@code --architecture=resnet: unknown architecture; known: ...}). */
  public static final class ArchitectureName extends Known {
    /** Picocli instantiates converters. */
    public ArchitectureName() {
      super("architecture", ConfigJson::architectures, "resnet");
    }
  }

  /** A compute precision, {@code fp32} or {@code bf16} ({@code --precision=fp16: must be one of fp32, bf16}). */
  public static final class PrecisionName implements ITypeConverter<Precision>, Ranges.Range {
    /** Picocli instantiates converters. */
    public PrecisionName() {}

    @Override
    public Precision convert(String value) {
      try {
        return Precision.parse(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(rule());
      }
    }

    @Override
    public String rule() {
      return "must be one of fp32, bf16";
    }

    @Override
    public List<String> outside() {
      return List.of("fp16");
    }
  }
}
