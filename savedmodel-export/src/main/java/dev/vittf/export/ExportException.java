package dev.vittf.export;

/** An export could not be written; nothing was left behind. */
public final class ExportException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Why. */
  public enum Reason {
    /** The requested version exists and overwriting was not asked for. */
    VERSION_EXISTS,
    /** The output base directory cannot be created or written. */
    OUTPUT_NOT_WRITABLE,
    /** The export or its inputs failed otherwise. */
    FAILED
  }

  private final Reason reason;

  /** Creates the exception. */
  public ExportException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  /** Why the export failed. */
  public Reason reason() {
    return reason;
  }
}
