package dev.vittf.models;

import dev.vittf.core.ConfigCheck;
import java.util.List;

/**
 * How raw pixels become model input: pixel values are scaled to {@code [0, 1]} (8-bit value / 255)
 * and then normalised per channel, {@code (x - mean[c]) / std[c]}. Used by the image-bytes serving
 * signature and by command-line prediction on image files.
 *
 * @param mean per-channel mean (one value per input channel)
 * @param std per-channel standard deviation (one value per input channel, each finite and positive)
 */
public record Preprocessing(List<Double> mean, List<Double> std) {

  /** ImageNet statistics (torchvision / timm {@code IMAGENET_DEFAULT_MEAN/STD}). */
  public static final Preprocessing IMAGENET =
      new Preprocessing(List.of(0.485, 0.456, 0.406), List.of(0.229, 0.224, 0.225));

  /** Validates lengths and values; copies the lists. */
  public Preprocessing {
    ConfigCheck c = new ConfigCheck("Preprocessing");
    if (c.notNull("mean", mean) & c.notNull("std", std)) {
      c.require(!mean.isEmpty(), "mean", mean, "must have one value per channel");
      c.require(mean.size() == std.size(), "std", std, "must have as many values as mean (" + mean.size() + ")");
      for (Double m : mean) {
        c.require(m != null && Double.isFinite(m), "mean", mean, "values must be finite");
      }
      for (Double s : std) {
        c.require(s != null && Double.isFinite(s) && s > 0, "std", std, "values must be finite and > 0");
      }
    }
    c.throwIfInvalid();
    mean = List.copyOf(mean);
    std = List.copyOf(std);
  }

  /** The same mean and std for every one of {@code channels} channels. */
  public static Preprocessing uniform(int channels, double mean, double std) {
    return new Preprocessing(
        java.util.Collections.nCopies(channels, mean), java.util.Collections.nCopies(channels, std));
  }

  /**
   * The default for a model with {@code channels} inputs: {@link #IMAGENET} for 3 channels, otherwise
   * mean 0.5 and std 0.5 on every channel (maps {@code [0, 1]} to {@code [-1, 1]}).
   */
  public static Preprocessing defaultFor(int channels) {
    return channels == 3 ? IMAGENET : uniform(channels, 0.5, 0.5);
  }

  /** Number of channels described. */
  public int channels() {
    return mean.size();
  }

  /** The means as floats. */
  public float[] meanArray() {
    return toFloats(mean);
  }

  /** The standard deviations as floats. */
  public float[] stdArray() {
    return toFloats(std);
  }

  private static float[] toFloats(List<Double> values) {
    float[] out = new float[values.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = values.get(i).floatValue();
    }
    return out;
  }
}
