package dev.vittf.data;

/**
 * Data that cannot be used: a malformed or truncated file, an empty dataset, an undecodable image, a
 * label outside the class range, or images whose size does not fit the model. The message names the
 * file (or sample) and the rule it breaks.
 */
public final class DataException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a complete, user-facing message. */
  public DataException(String message) {
    super(message);
  }

  /** Creates the exception with a message and its cause. */
  public DataException(String message, Throwable cause) {
    super(message, cause);
  }
}
