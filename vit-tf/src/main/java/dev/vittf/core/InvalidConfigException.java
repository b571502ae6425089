package dev.vittf.core;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A configuration broke one or more rules. Thrown before any op is emitted; the message lists every
 * violation as {@code field=value: rule}.
 */
public final class InvalidConfigException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /**
   * One broken rule.
   *
   * @param field the config field
   * @param value its offending value
   * @param rule the rule it breaks
   */
  public record Violation(String field, Object value, String rule) {
    @Override
    public String toString() {
      return field + "=" + value + ": " + rule;
    }
  }

  private final transient List<Violation> violations;

  /** Creates the exception for a config type and its violations. */
  public InvalidConfigException(String configName, List<Violation> violations) {
    super(
        "invalid "
            + configName
            + " ("
            + violations.size()
            + (violations.size() == 1 ? " problem" : " problems")
            + "): "
            + violations.stream().map(Violation::toString).collect(Collectors.joining("; ")));
    this.violations = List.copyOf(violations);
  }

  /** Every violation found, in field order. */
  public List<Violation> violations() {
    return violations;
  }
}
