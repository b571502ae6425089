package dev.vittf.data;

/**
 * Training augmentation of an image folder ({@link ImageTransforms}).
 *
 * @param crops whether a random resized crop is taken (else the whole photo is resized)
 * @param minScale smallest crop area as a fraction of the photo's (timm's and torchvision's default 0.08)
 * @param flips whether photos are flipped left-right with probability 1/2
 */
public record FolderAugmentation(boolean crops, double minScale, boolean flips) {
  /** No augmentation: training images are preprocessed like evaluation images. */
  public static final FolderAugmentation NONE = new FolderAugmentation(false, 1, false);

  /** Checks the scale. */
  public FolderAugmentation {
    if (!(minScale > 0 && minScale <= 1)) {
      throw new IllegalArgumentException("minimum crop scale must be in (0, 1], got " + minScale);
    }
  }

  /** Random resized crop with areas in {@code [minScale, 1]} and a horizontal flip (timm's and torchvision's recipe). */
  public static FolderAugmentation cropAndFlip(double minScale) {
    return new FolderAugmentation(true, minScale, true);
  }
}
