package dev.vittf.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class EpochBatchSourceTest {
  /** A source whose batch labels are the sample indices it holds. */
  private static EpochBatchSource source(int samples, int batchSize, long seed, boolean shuffle, boolean dropLast) {
    return new EpochBatchSource(samples, batchSize, seed, shuffle, dropLast) {
      @Override
      public Batch batch(int epoch, int index) {
        int[] members = members(epoch, index);
        return new Batch(new float[members.length], members, 1, 1, 1);
      }
    };
  }

  @Test
  void batchesCoverTheEpochPermutationInOrder() {
    EpochBatchSource e = source(11, 4, 7, true, false);
    assertEquals(3, e.batchesPerEpoch());
    int[] order = e.order(2);
    int[] joined = IntStream.range(0, 3).flatMap(i -> Arrays.stream(e.members(2, i))).toArray();
    assertArrayEquals(order, joined);
    assertEquals(3, e.members(2, 2).length);
    assertEquals(8, e.firstPosition(2));
    int[] sorted = order.clone();
    Arrays.sort(sorted);
    assertArrayEquals(IntStream.range(0, 11).toArray(), sorted);
    assertFalse(Arrays.equals(order, e.order(3)), "each epoch is a fresh permutation");
    assertArrayEquals(order, source(11, 4, 7, true, false).order(2), "a pure function of (seed, epoch)");
    order[0] = -1;
    assertTrue(e.order(2)[0] >= 0, "order() hands out a copy");
  }

  @Test
  void dropLastKeepsOnlyFullBatchesAndNeedsOne() {
    assertEquals(2, source(11, 4, 0, true, true).batchesPerEpoch());
    assertArrayEquals(new int[] {4, 5, 6, 7}, source(11, 4, 0, false, true).batch(5, 1).labels());
    String m = assertThrows(DataException.class, () -> source(3, 4, 0, true, true)).getMessage();
    assertTrue(m.contains("3 images, fewer than one batch of 4"), m);
    assertThrows(IllegalArgumentException.class, () -> source(3, 0, 0, false, false));
    EpochBatchSource e = source(11, 4, 0, true, true);
    assertThrows(IndexOutOfBoundsException.class, () -> e.members(0, 2));
    assertThrows(IndexOutOfBoundsException.class, () -> e.members(0, -1));
  }
}
