package dev.vittf.data;

/**
 * One batch: normalised NHWC float images and integer labels.
 *
 * @param images {@code size * height * width * channels} values, row-major NHWC
 * @param labels {@code size} class indices
 * @param height image height
 * @param width image width
 * @param channels image channels
 */
public record Batch(float[] images, int[] labels, int height, int width, int channels) {

  /** Checks that the sizes agree. */
  public Batch {
    if ((long) labels.length * height * width * channels != images.length) {
      throw new IllegalArgumentException(
          labels.length + " labels and images of " + height + "x" + width + "x" + channels + " need "
              + (long) labels.length * height * width * channels + " values, got " + images.length);
    }
  }

  /** Number of images. */
  public int size() {
    return labels.length;
  }

  /** The NHWC shape {@code [size, height, width, channels]}. */
  public long[] shape() {
    return new long[] {labels.length, height, width, channels};
  }
}
