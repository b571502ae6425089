package dev.vittf.cli.support;

/**
 * A usage error found by a command after parsing (conflicting options, an input that holds nothing to process):
 * exit code {@link ExitCodes#USAGE}, the message printed as one line.
 */
public class UsageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** A usage error with its one-line message. */
  public UsageException(String message) {
    super(message);
  }
}
