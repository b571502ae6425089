package dev.vittf.cli.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The benchmark helper runs the work as often as asked and takes a true median. */
class TimingTest {
  @Test
  void runsWarmupPlusTimedAndReturnsOneTimePerTimedRun() {
    AtomicInteger calls = new AtomicInteger();
    double[] ms = Timing.millis(3, 5, calls::incrementAndGet);
    assertEquals(8, calls.get());
    assertEquals(5, ms.length);
    for (double m : ms) {
      assertEquals(true, m >= 0);
    }
  }

  @Test
  void medianOfOddAndEvenCountsWithoutReorderingTheInput() {
    double[] odd = {5, 1, 3};
    assertEquals(3, Timing.median(odd));
    assertEquals(5, odd[0]);
    assertEquals(2.5, Timing.median(new double[] {4, 1, 2, 3}));
    assertThrows(IllegalArgumentException.class, () -> Timing.median(new double[0]));
  }
}
