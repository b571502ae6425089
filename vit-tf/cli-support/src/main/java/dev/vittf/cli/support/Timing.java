package dev.vittf.cli.support;

import java.util.Arrays;

/** How the benchmark commands time a piece of work: untimed warm-up runs, then timed runs and their median. */
public final class Timing {
  private Timing() {}

  /** Runs {@code work} {@code warmup} times untimed, then {@code runs} times, and returns each timed run in ms. */
  public static double[] millis(int warmup, int runs, Runnable work) {
    for (int i = 0; i < warmup; i++) {
      work.run();
    }
    double[] ms = new double[runs];
    for (int i = 0; i < runs; i++) {
      long t0 = System.nanoTime();
      work.run();
      ms[i] = (System.nanoTime() - t0) / 1e6;
    }
    return ms;
  }

  /** The median (the mean of the two middle values for an even count). */
  public static double median(double[] values) {
    if (values.length == 0) {
      throw new IllegalArgumentException("median of no values");
    }
    double[] s = values.clone();
    Arrays.sort(s);
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  }
}
