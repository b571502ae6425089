package dev.vittf.preprocess;

/**
 * An image that cannot be decoded: not an image, truncated, zero-size, an unsupported colour model
 * or over the pixel limit. The message names the image and the reason.
 */
public final class ImageFormatException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** An error for {@code image} (a file name or a caller's label). */
  public ImageFormatException(String image, String reason) {
    super(image + ": " + reason);
  }

  /** An error for {@code image} with its cause. */
  public ImageFormatException(String image, String reason, Throwable cause) {
    super(image + ": " + reason, cause);
  }
}
