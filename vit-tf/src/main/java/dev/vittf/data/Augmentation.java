package dev.vittf.data;

/**
 * Simple training-time augmentation: a random crop of the original size out of the image zero-padded
 * by {@code padding} pixels on every side (the CIFAR recipe), and a horizontal flip with probability
 * one half.
 *
 * @param padding padding in pixels for the random crop, 0 for no crop
 * @param horizontalFlip whether to flip images left-right at random
 */
public record Augmentation(int padding, boolean horizontalFlip) {
  /** No augmentation. */
  public static final Augmentation NONE = new Augmentation(0, false);

  /** Validates the padding. */
  public Augmentation {
    if (padding < 0) {
      throw new IllegalArgumentException("augmentation padding must be >= 0, got " + padding);
    }
  }

  /** Whether this augmentation changes anything. */
  public boolean active() {
    return padding > 0 || horizontalFlip;
  }
}
