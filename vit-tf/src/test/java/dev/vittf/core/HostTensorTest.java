package dev.vittf.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** {@link HostTensor#argmaxRows()}: the per-row best class evaluation and the precision contract count with. */
class HostTensorTest {

  @Test
  void argmaxRowsPicksEachRowsLargestAndTheFirstOnATie() {
    HostTensor logits = new HostTensor(new long[] {4, 3},
        new float[] {0.1f, 0.7f, 0.2f, -1f, -3f, -2f, 5f, 5f, 1f, -0.5f, 0f, 2.5f});
    assertArrayEquals(new int[] {1, 0, 0, 2}, logits.argmaxRows());
  }

  @Test
  void argmaxRowsRefusesOtherRanks() {
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> HostTensor.zeros(2, 3, 4).argmaxRows());
    assertEquals("argmaxRows() needs a 2-D tensor, shape is [2, 3, 4]", e.getMessage());
  }
}
