package dev.vittf.classify;

/**
 * An encoded image (PNG, JPEG, GIF, BMP) with the name its errors and answer carry, for callers whose
 * images are not files: a database row, an object-store key, a Spark row's {@code path}.
 *
 * @param name what the image is called in messages and in {@link Classification#image()}
 * @param bytes the encoded file, not copied (the caller must not change it while it is classified)
 */
public record EncodedImage(String name, byte[] bytes) {
  /** Checks that both are present. */
  public EncodedImage {
    if (name == null || bytes == null) {
      throw new IllegalArgumentException("an encoded image needs a name and its bytes, got name=" + name
          + (bytes == null ? ", bytes=null" : ""));
    }
  }
}
