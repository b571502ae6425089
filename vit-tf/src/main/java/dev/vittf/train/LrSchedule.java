package dev.vittf.train;

/**
 * Learning rate per step: linear warm-up from {@code peak / warmupSteps} to {@code peak} over the
 * first {@code warmupSteps} steps, then half-cosine decay from {@code peak} to {@code min} at step
 * {@code totalSteps} (and {@code min} afterwards).
 *
 * <pre>
 * lr(s) = peak * (s + 1) / warmup                                   for s &lt; warmup
 * lr(s) = min + (peak - min) * (1 + cos(pi * (s - warmup) / (total - warmup))) / 2   otherwise
 * </pre>
 *
 * @param peak learning rate at the end of warm-up
 * @param min final learning rate
 * @param warmupSteps warm-up length in steps ({@code 0} for none)
 * @param totalSteps steps of the whole run
 */
public record LrSchedule(double peak, double min, long warmupSteps, long totalSteps) {

  /** Validates the values. */
  public LrSchedule {
    if (!(peak > 0) || !Double.isFinite(peak)) {
      throw new IllegalArgumentException("peak learning rate must be finite and > 0, got " + peak);
    }
    if (!(min >= 0) || min > peak) {
      throw new IllegalArgumentException("minimum learning rate must be in [0, peak=" + peak + "], got " + min);
    }
    if (warmupSteps < 0 || totalSteps < 1 || warmupSteps > totalSteps) {
      throw new IllegalArgumentException(
          "need 0 <= warmupSteps <= totalSteps and totalSteps >= 1, got warmupSteps=" + warmupSteps + ", totalSteps=" + totalSteps);
    }
  }

  /** The learning rate of (0-based) step {@code step}. */
  public double at(long step) {
    if (step < warmupSteps) {
      return peak * (step + 1) / warmupSteps;
    }
    long decay = totalSteps - warmupSteps;
    if (decay <= 0 || step >= totalSteps) {
      return min;
    }
    double progress = (double) (step - warmupSteps) / decay;
    return min + (peak - min) * 0.5 * (1 + Math.cos(Math.PI * progress));
  }
}
