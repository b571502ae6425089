package dev.vittf.io;

import java.io.IOException;

/** A safetensors file is malformed (truncated, bad header, bad offsets, unsupported dtype...). */
public final class SafeTensorsException extends IOException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message naming the file and the problem. */
  public SafeTensorsException(String message) {
    super(message);
  }
}
