package dev.vittf.preprocess;

/**
 * An 8-bit RGB image, row-major, interleaved ({@code height × width × 3} bytes): what PIL's {@code
 * Image.open(f).convert('RGB')} holds, and what every pipeline starts from.
 *
 * @param height rows
 * @param width columns
 * @param pixels {@code height · width · 3} bytes, R, G, B per pixel
 */
public record RgbImage(int height, int width, byte[] pixels) {
  /** Checks the size against the buffer. */
  public RgbImage {
    if (height <= 0 || width <= 0) {
      throw new IllegalArgumentException("image must be at least 1x1, got " + height + "x" + width);
    }
    if ((long) height * width * 3 != pixels.length) {
      throw new IllegalArgumentException("an RGB image of " + height + "x" + width + " needs " + (long) height * width * 3
          + " bytes, got " + pixels.length);
    }
  }

  /** The channel {@code b} (0 R, 1 G, 2 B) of pixel ({@code y}, {@code x}), 0–255. */
  public int get(int y, int x, int b) {
    return pixels[(y * width + x) * 3 + b] & 0xff;
  }
}
