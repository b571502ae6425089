package dev.vittf.core;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects config violations so that a config's compact constructor can report all of them at once
 * (field, value, rule) instead of failing on the first.
 */
public final class ConfigCheck {
  private final String configName;
  private final List<InvalidConfigException.Violation> violations = new ArrayList<>();

  /** Starts a check of the named config type. */
  public ConfigCheck(String configName) {
    this.configName = configName;
  }

  /** Records a violation when {@code ok} is false. Returns {@code ok}. */
  public boolean require(boolean ok, String field, Object value, String rule) {
    if (!ok) {
      violations.add(new InvalidConfigException.Violation(field, value, rule));
    }
    return ok;
  }

  /** {@code value > 0}. */
  public boolean positive(String field, long value) {
    return require(value > 0, field, value, "must be > 0");
  }

  /** Non-null. */
  public boolean notNull(String field, Object value) {
    return require(value != null, field, value, "must not be null");
  }

  /** A probability usable as a drop rate: {@code 0 <= value < 1}. */
  public boolean rate(String field, double value) {
    return require(value >= 0 && value < 1, field, value, "must be in [0, 1)");
  }

  /** Finite and strictly positive. */
  public boolean positiveFinite(String field, double value) {
    return require(Double.isFinite(value) && value > 0, field, value, "must be finite and > 0");
  }

  /** {@code a * b} fits in a Java int (tensor dimensions and array sizes). */
  public boolean productFitsInt(String field, Object shownValue, long... factors) {
    long p = 1;
    for (long f : factors) {
      if (f <= 0) {
        return true; // reported by the positivity checks
      }
      if (p > Integer.MAX_VALUE / f) {
        return require(false, field, shownValue, "product overflows (must be < 2^31)");
      }
      p *= f;
    }
    return true;
  }

  /** Whether nothing was recorded so far. */
  public boolean ok() {
    return violations.isEmpty();
  }

  /** Throws {@link InvalidConfigException} listing every violation, if any. */
  public void throwIfInvalid() {
    if (!violations.isEmpty()) {
      throw new InvalidConfigException(configName, violations);
    }
  }
}
