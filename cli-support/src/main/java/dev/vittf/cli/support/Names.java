package dev.vittf.cli.support;

import dev.vittf.models.ConfigJson;
import dev.vittf.models.Presets;
import java.util.List;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Converters for options that name something registered in the library: a preset, an architecture. */
public final class Names {
  private Names() {}

  /** A registered preset name ({@code --preset=vit-huge: unknown preset; known: ...}). */
  public static final class PresetName implements ITypeConverter<String>, Ranges.Range {
    /** Picocli instantiates converters. */
    public PresetName() {}

    @Override
    public String convert(String value) {
      if (!Presets.all().containsKey(value)) {
        throw new TypeConversionException(rule());
      }
      return value;
    }

    @Override
    public String rule() {
      return "unknown preset; known: " + String.join(", ", Presets.all().keySet());
    }

    @Override
    public List<String> outside() {
      return List.of("vit-huge");
    }
  }

  /** A registered architecture id ({@code --architecture=resnet: unknown architecture; known: ...}). */
  public static final class ArchitectureName implements ITypeConverter<String>, Ranges.Range {
    /** Picocli instantiates converters. */
    public ArchitectureName() {}

    @Override
    public String convert(String value) {
      if (!ConfigJson.architectures().contains(value)) {
        throw new TypeConversionException(rule());
      }
      return value;
    }

    @Override
    public String rule() {
      return "unknown architecture; known: " + String.join(", ", ConfigJson.architectures());
    }

    @Override
    public List<String> outside() {
      return List.of("resnet");
    }
  }
}
