package dev.vittf.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Every binary16 bit pattern decodes to the value the IEEE 754 formula gives. */
class Float16Test {
  @Test
  void everyBitPatternMatchesTheFormula() {
    for (int bits = 0; bits < 0x10000; bits++) {
      int sign = bits >>> 15;
      int exp = (bits >>> 10) & 0x1f;
      int mant = bits & 0x3ff;
      float got = Float16.toFloat((short) bits);
      if (exp == 0x1f) {
        assertTrue(mant == 0 ? Float.isInfinite(got) : Float.isNaN(got), "bits " + Integer.toHexString(bits));
        continue;
      }
      double magnitude = exp == 0 ? mant * Math.pow(2, -24) : (1 + mant / 1024.0) * Math.pow(2, exp - 15);
      double want = sign == 1 ? -magnitude : magnitude;
      assertEquals(want, got, 0.0, "bits " + Integer.toHexString(bits));
      assertEquals(sign == 1, Math.copySign(1f, got) < 0, "sign of bits " + Integer.toHexString(bits));
    }
  }

  @Test
  void knownValues() {
    assertEquals(1f, Float16.toFloat((short) 0x3c00));
    assertEquals(-2f, Float16.toFloat((short) 0xc000));
    assertEquals(65504f, Float16.toFloat((short) 0x7bff));
    assertEquals(Float.NEGATIVE_INFINITY, Float16.toFloat((short) 0xfc00));
  }
}
