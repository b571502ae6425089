package dev.vittf.io;

/** IEEE 754 binary16 ("half", PyTorch {@code float16}) values, as stored in checkpoints. */
final class Float16 {
  private Float16() {}

  /** The float of a binary16 bit pattern (Java 17 has no {@code Float.float16ToFloat}). */
  static float toFloat(short h) {
    int bits = h & 0xffff;
    int sign = (bits & 0x8000) << 16;
    int exp = (bits >>> 10) & 0x1f;
    int mant = bits & 0x3ff;
    if (exp == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13)); // infinity, NaN
    }
    if (exp == 0) {
      float v = mant / 1024f / 16384f; // zero or subnormal: mant * 2^-24
      return sign != 0 ? -v : v;
    }
    return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
  }
}
