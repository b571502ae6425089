package dev.vittf.models;

/**
 * A JSON document does not describe a config: malformed JSON, unknown architecture, unknown or missing
 * field, or a value of the wrong type. (A well-formed config that breaks a rule raises {@link
 * dev.vittf.core.InvalidConfigException} instead.)
 */
public final class ConfigJsonException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a one-line message. */
  public ConfigJsonException(String message) {
    super(message);
  }
}
