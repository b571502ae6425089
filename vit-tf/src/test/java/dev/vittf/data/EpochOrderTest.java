package dev.vittf.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class EpochOrderTest {
  @Test
  void batchesCoverTheEpochPermutationInOrder() {
    EpochOrder e = new EpochOrder(11, 4, 7, true, false);
    assertEquals(3, e.batchesPerEpoch());
    int[] order = e.order(2);
    int[] joined = IntStream.range(0, 3).flatMap(i -> Arrays.stream(e.batch(2, i))).toArray();
    assertArrayEquals(order, joined);
    assertEquals(3, e.batch(2, 2).length);
    assertEquals(8, e.firstPosition(2));
    int[] sorted = order.clone();
    Arrays.sort(sorted);
    assertArrayEquals(IntStream.range(0, 11).toArray(), sorted);
    assertFalse(Arrays.equals(order, e.order(3)), "each epoch is a fresh permutation");
    assertArrayEquals(order, new EpochOrder(11, 4, 7, true, false).order(2), "a pure function of (seed, epoch)");
    order[0] = -1;
    assertTrue(e.order(2)[0] >= 0, "order() hands out a copy");
  }

  @Test
  void dropLastKeepsOnlyFullBatchesAndNeedsOne() {
    assertEquals(2, new EpochOrder(11, 4, 0, true, true).batchesPerEpoch());
    assertArrayEquals(new int[] {4, 5, 6, 7}, new EpochOrder(11, 4, 0, false, true).batch(5, 1));
    String m = assertThrows(DataException.class, () -> new EpochOrder(3, 4, 0, true, true)).getMessage();
    assertTrue(m.contains("3 images, fewer than one batch of 4"), m);
    assertThrows(IllegalArgumentException.class, () -> new EpochOrder(3, 0, 0, false, false));
    EpochOrder e = new EpochOrder(11, 4, 0, true, true);
    assertThrows(IndexOutOfBoundsException.class, () -> e.batch(0, 2));
    assertThrows(IndexOutOfBoundsException.class, () -> e.batch(0, -1));
  }
}
