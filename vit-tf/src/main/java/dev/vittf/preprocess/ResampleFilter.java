package dev.vittf.preprocess;

import java.util.Locale;

/**
 * PIL's resampling filters, by their {@code Image.Resampling} codes (what {@code resample} holds in a
 * transformers {@code preprocessor_config.json}), with each filter's support radius and kernel as
 * PIL documents them. Every filter except {@link #NEAREST} is applied by {@link PilResize}'s
 * separable convolution, widened by the scale factor when downscaling (antialiasing).
 */
public enum ResampleFilter {
  /** Code 0: nearest neighbour (no convolution; PIL samples the pixel under each output centre). */
  NEAREST(0, 0.0),
  /** Code 1: Lanczos, a sinc windowed by a sinc of three lobes. */
  LANCZOS(1, 3.0),
  /** Code 2: bilinear (triangle). */
  BILINEAR(2, 1.0),
  /** Code 3: bicubic (Keys cubic convolution with a = -0.5). */
  BICUBIC(3, 2.0),
  /** Code 4: box (area average). */
  BOX(4, 0.5),
  /** Code 5: Hamming-windowed sinc of one lobe. */
  HAMMING(5, 1.0);

  private static final double BICUBIC_A = -0.5;
  // PIL writes the Hamming window's constants as C float literals: keep their float values.
  private static final double HAMMING_ALPHA = 0.54f;
  private static final double HAMMING_BETA = 0.46f;

  private final int pilCode;
  private final double support;

  ResampleFilter(int pilCode, double support) {
    this.pilCode = pilCode;
    this.support = support;
  }

  /** Half-width of the kernel at scale 1, in input pixels. */
  public double support() {
    return support;
  }

  /** The filter with PIL code {@code code} (0–5). */
  public static ResampleFilter ofPilCode(int code) {
    for (ResampleFilter f : values()) {
      if (f.pilCode == code) {
        return f;
      }
    }
    throw new IllegalArgumentException("resample must be a PIL filter code 0-5 (0 nearest, 1 lanczos, 2 bilinear, "
        + "3 bicubic, 4 box, 5 hamming), got " + code);
  }

  /** The filter named {@code name} as timm and torchvision spell it ({@code bilinear}, {@code bicubic}, ...). */
  public static ResampleFilter ofName(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    for (ResampleFilter f : values()) {
      if (f.name().toLowerCase(Locale.ROOT).equals(n)) {
        return f;
      }
    }
    throw new IllegalArgumentException("interpolation must be one of nearest, bilinear, bicubic, box, hamming, lanczos; got '"
        + name + "'");
  }

  /** The kernel weight at distance {@code x} (input pixels, already divided by the scale). */
  double weight(double x) {
    switch (this) {
      case BOX:
        return x > -0.5 && x <= 0.5 ? 1.0 : 0.0;
      case BILINEAR: {
        double a = Math.abs(x);
        return a < 1.0 ? 1.0 - a : 0.0;
      }
      case BICUBIC: {
        double a = Math.abs(x);
        if (a < 1.0) {
          return ((BICUBIC_A + 2.0) * a - (BICUBIC_A + 3.0)) * a * a + 1;
        }
        if (a < 2.0) {
          return (((a - 5) * a + 8) * a - 4) * BICUBIC_A;
        }
        return 0.0;
      }
      case HAMMING: {
        double a = Math.abs(x);
        if (a == 0.0) {
          return 1.0;
        }
        if (a >= 1.0) {
          return 0.0;
        }
        a = a * Math.PI;
        return Math.sin(a) / a * (HAMMING_ALPHA + HAMMING_BETA * Math.cos(a));
      }
      case LANCZOS:
        return -3.0 <= x && x < 3.0 ? sinc(x) * sinc(x / 3) : 0.0;
      default:
        throw new IllegalStateException("nearest has no convolution kernel");
    }
  }

  private static double sinc(double x) {
    if (x == 0.0) {
      return 1.0;
    }
    double px = x * Math.PI;
    return Math.sin(px) / px;
  }
}
