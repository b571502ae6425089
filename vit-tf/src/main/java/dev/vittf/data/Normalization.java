package dev.vittf.data;

import java.util.Arrays;

/**
 * Per-channel normalisation of 8-bit pixels: {@code x = (p / 255 - mean[c]) / std[c]}.
 *
 * @param mean per-channel mean of {@code p / 255}
 * @param std per-channel standard deviation of {@code p / 255} (each {@code > 0})
 */
public record Normalization(float[] mean, float[] std) {

  /** Validates lengths and positivity; copies the arrays. */
  public Normalization {
    if (mean.length == 0 || mean.length != std.length) {
      throw new IllegalArgumentException("mean and std need one value per channel, got " + mean.length + " and " + std.length);
    }
    for (float s : std) {
      if (!(s > 0) || !Float.isFinite(s)) {
        throw new IllegalArgumentException("std must be finite and > 0, got " + Arrays.toString(std));
      }
    }
    mean = mean.clone();
    std = std.clone();
  }

  @Override
  public float[] mean() {
    return mean.clone();
  }

  @Override
  public float[] std() {
    return std.clone();
  }

  /** {@code p / 255} only (mean 0, std 1) for {@code channels} channels. */
  public static Normalization unit(int channels) {
    float[] m = new float[channels];
    float[] s = new float[channels];
    Arrays.fill(s, 1f);
    return new Normalization(m, s);
  }

  /** The mean and standard deviation of every channel over a whole dataset (typically the training set). */
  public static Normalization of(ImageDataset data) {
    int c = data.channels();
    double[] sum = new double[c];
    double[] sq = new double[c];
    int per = data.imageSize();
    byte[] img = new byte[per];
    for (int i = 0; i < data.size(); i++) {
      data.copyImage(i, img, 0);
      for (int o = 0; o < per; o++) {
        double v = (img[o] & 0xff) / 255.0;
        sum[o % c] += v;
        sq[o % c] += v * v;
      }
    }
    double n = (double) data.size() * per / c;
    float[] mean = new float[c];
    float[] std = new float[c];
    for (int k = 0; k < c; k++) {
      double m = sum[k] / n;
      mean[k] = (float) m;
      std[k] = (float) Math.max(Math.sqrt(Math.max(sq[k] / n - m * m, 0)), 1e-3);
    }
    return new Normalization(mean, std);
  }

  /** Number of channels. */
  public int channels() {
    return mean.length;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Normalization n && Arrays.equals(n.mean, mean) && Arrays.equals(n.std, std);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(mean) * 31 + Arrays.hashCode(std);
  }

  @Override
  public String toString() {
    return "Normalization[mean=" + Arrays.toString(mean) + ", std=" + Arrays.toString(std) + "]";
  }
}
