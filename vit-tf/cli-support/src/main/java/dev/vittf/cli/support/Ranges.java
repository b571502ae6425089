package dev.vittf.cli.support;

import java.util.List;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * The ranges of numeric options, declared once on the option: {@code @Option(names = "--batch", converter =
 * Ranges.PositiveInt.class)}. A value outside the range (or not a number) fails while the arguments are parsed,
 * before any work, and {@link CliErrors} reports it as a usage error naming the option, the value and the rule:
 * {@code --batch=-1: must be >= 1}. On a list option ({@code split = ","}) picocli applies the converter to every
 * element.
 */
public final class Ranges {
  private Ranges() {}

  /** A converter that checks a rule; tests use {@link #outside()} to try a value that breaks it. */
  public interface Range {
    /** The rule, e.g. {@code must be >= 1}. */
    String rule();

    /** Arguments the converter must reject (just outside the range, and one that is not a number). */
    List<String> outside();
  }

  /** An integer in {@code [min, max]}. */
  abstract static class IntIn implements ITypeConverter<Integer>, Range {
    private final long min;

    IntIn(long min) {
      this.min = min;
    }

    @Override
    public Integer convert(String value) {
      long v = parseLong(value, "an integer " + bound());
      if (v < min || v > Integer.MAX_VALUE) {
        throw new TypeConversionException(v < min ? rule() : "must be <= " + Integer.MAX_VALUE);
      }
      return (int) v;
    }

    private String bound() {
      return ">= " + min;
    }

    @Override
    public String rule() {
      return "must be " + bound();
    }

    @Override
    public List<String> outside() {
      return List.of(String.valueOf(min - 1), "x");
    }
  }

  /** A long in {@code [min, Long.MAX_VALUE]}. */
  abstract static class LongIn implements ITypeConverter<Long>, Range {
    private final long min;

    LongIn(long min) {
      this.min = min;
    }

    @Override
    public Long convert(String value) {
      long v = parseLong(value, min == Long.MIN_VALUE ? "an integer" : "an integer >= " + min);
      if (v < min) {
        throw new TypeConversionException(rule());
      }
      return v;
    }

    @Override
    public String rule() {
      return min == Long.MIN_VALUE ? "must be an integer" : "must be >= " + min;
    }

    @Override
    public List<String> outside() {
      return min == Long.MIN_VALUE ? List.of("x", "1.5") : List.of(String.valueOf(min - 1), "x");
    }
  }

  /** A finite double in a range; each bound open or closed (infinite = none). */
  abstract static class DoubleIn implements ITypeConverter<Double>, Range {
    private final double min;
    private final boolean minOpen;
    private final double max;
    private final boolean maxOpen;
    private final String bounds;

    DoubleIn(double min, boolean minOpen, double max, boolean maxOpen, String bounds) {
      this.min = min;
      this.minOpen = minOpen;
      this.max = max;
      this.maxOpen = maxOpen;
      this.bounds = bounds;
    }

    @Override
    public Double convert(String value) {
      double v;
      try {
        v = Double.parseDouble(value.strip());
      } catch (NumberFormatException e) {
        throw new TypeConversionException(bounds.isEmpty() ? rule() : "must be a number " + bounds);
      }
      if (!Double.isFinite(v)) {
        throw new TypeConversionException(bounds.isEmpty() ? rule() : "must be finite and " + bounds);
      }
      boolean low = minOpen ? v <= min : v < min;
      boolean high = maxOpen ? v >= max : v > max;
      if (low || high) {
        throw new TypeConversionException(rule());
      }
      return v;
    }

    @Override
    public String rule() {
      return bounds.isEmpty() ? "must be a finite number" : "must be " + bounds;
    }

    @Override
    public List<String> outside() {
      List<String> out = new java.util.ArrayList<>();
      if (Double.isFinite(min)) {
        out.add(minOpen ? fmt(min) : fmt(min - 0.5));
      }
      if (Double.isFinite(max)) {
        out.add(maxOpen ? fmt(max) : fmt(max + 0.5));
      }
      out.add("x");
      out.add("NaN");
      return out;
    }

    private static String fmt(double d) {
      return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }
  }

  static long parseLong(String value, String what) {
    try {
      return Long.parseLong(value.strip());
    } catch (NumberFormatException e) {
      throw new TypeConversionException("must be " + what);
    }
  }

  /** An integer {@code >= 1} (batch sizes, iterations, epochs, top-k). */
  public static final class PositiveInt extends IntIn {
    /** Picocli instantiates converters. */
    public PositiveInt() {
      super(1);
    }
  }

  /** An integer {@code >= 0} (warm-up runs, thread counts with 0 = default, limits with 0 = all). */
  public static final class NonNegativeInt extends IntIn {
    /** Picocli instantiates converters. */
    public NonNegativeInt() {
      super(0);
    }
  }

  /** A long {@code >= 1}. */
  public static final class PositiveLong extends LongIn {
    /** Picocli instantiates converters. */
    public PositiveLong() {
      super(1);
    }
  }

  /** A long {@code >= 0} (step counts, SavedModel versions). */
  public static final class NonNegativeLong extends LongIn {
    /** Picocli instantiates converters. */
    public NonNegativeLong() {
      super(0);
    }
  }

  /** Any long (seeds): only the syntax is checked. */
  public static final class AnyLong extends LongIn {
    /** Picocli instantiates converters. */
    public AnyLong() {
      super(Long.MIN_VALUE);
    }
  }

  /** A finite number {@code > 0} (learning rates, standard deviations). */
  public static final class PositiveDouble extends DoubleIn {
    /** Picocli instantiates converters. */
    public PositiveDouble() {
      super(0, true, Double.POSITIVE_INFINITY, false, "> 0");
    }
  }

  /** A finite number {@code >= 0} (weight decay, clipping norm with 0 = none). */
  public static final class NonNegativeDouble extends DoubleIn {
    /** Picocli instantiates converters. */
    public NonNegativeDouble() {
      super(0, false, Double.POSITIVE_INFINITY, false, ">= 0");
    }
  }

  /** A number in {@code (0, 1]} (layer-wise learning-rate decay, the smallest crop scale). */
  public static final class UnitFraction extends DoubleIn {
    /** Picocli instantiates converters. */
    public UnitFraction() {
      super(0, true, 1, false, "in (0, 1]");
    }
  }

  /** A finite number in {@code [0, 1)} (label smoothing, dropout rates). */
  public static final class Fraction extends DoubleIn {
    /** Picocli instantiates converters. */
    public Fraction() {
      super(0, false, 1, true, "in [0, 1)");
    }
  }

  /** Any finite number (per-channel means). */
  public static final class FiniteDouble extends DoubleIn {
    /** Picocli instantiates converters. */
    public FiniteDouble() {
      super(Double.NEGATIVE_INFINITY, false, Double.POSITIVE_INFINITY, false, "");
    }
  }
}
