package dev.vittf.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LrScheduleTest {
  @Test
  void warmupThenCosine() {
    LrSchedule s = new LrSchedule(1e-3, 1e-5, 10, 110);
    assertEquals(1e-4, s.at(0), 1e-15);
    assertEquals(5e-4, s.at(4), 1e-15);
    assertEquals(1e-3, s.at(9), 1e-15);
    assertEquals(1e-3, s.at(10), 1e-15);
    // halfway through the decay: (peak + min) / 2
    assertEquals(5.05e-4, s.at(60), 1e-15);
    // a quarter: min + (peak - min) * (1 + cos(pi/4)) / 2
    assertEquals(1e-5 + 0.99e-3 * (1 + Math.sqrt(0.5)) / 2, s.at(35), 1e-15);
    assertEquals(1e-5, s.at(110), 1e-15);
    assertEquals(1e-5, s.at(500), 1e-15);
    for (long t = 10; t < 110; t++) {
      assertTrue(s.at(t + 1) <= s.at(t));
    }
  }

  @Test
  void noWarmupStartsAtPeak() {
    LrSchedule s = new LrSchedule(0.1, 0, 0, 4);
    assertEquals(0.1, s.at(0), 1e-15);
    assertEquals(0.05, s.at(2), 1e-15);
    assertEquals(0.0, s.at(4), 1e-15);
  }

  @Test
  void invalidSchedules() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new LrSchedule(0, 0, 0, 1)).getMessage()
        .contains("peak learning rate must be finite and > 0"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new LrSchedule(1, 2, 0, 1)).getMessage()
        .contains("minimum learning rate must be in [0, peak"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new LrSchedule(1, 0, 5, 4)).getMessage()
        .contains("warmupSteps <= totalSteps"));
  }
}
