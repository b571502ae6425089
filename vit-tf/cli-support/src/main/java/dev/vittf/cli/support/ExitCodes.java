package dev.vittf.cli.support;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The exit-code convention of both command-line tools ({@code vit-tf} and {@code savedmodel-export}). Every
 * command's {@code --help} lists it (see {@link CliErrors#install}) and the README repeats it.
 */
public final class ExitCodes {
  /** The command did what was asked. */
  public static final int OK = 0;
  /** The work started and failed (TensorFlow error, unreadable data, a parity case that fails, an I/O error). */
  public static final int FAILED = 1;
  /**
   * Usage error, detected before any work: unknown option, a value out of its range, conflicting options, a path
   * that cannot serve its role, an unknown preset, an invalid config, an input that holds nothing to process,
   * no arguments at all.
   */
  public static final int USAGE = 2;
  /** The checkpoint does not match the model, or is not a valid safetensors file. */
  public static final int CHECKPOINT = 3;
  /** The output exists and overwriting it was not asked for ({@code export --version N} without --overwrite). */
  public static final int EXISTS = 4;
  /** The output could not be written while writing it (disk full, permissions changed, rename refused). */
  public static final int OUTPUT = 5;

  private ExitCodes() {}

  /** The codes with their meaning, in order, as picocli's {@code --help} exit-code list shows them. */
  public static Map<String, String> helpList() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(" " + OK, "success");
    m.put(" " + FAILED, "runtime failure (the work started and failed)");
    m.put(" " + USAGE, "usage error: bad option or value, conflicting options, a path that cannot serve, empty input,"
        + " no arguments");
    m.put(" " + CHECKPOINT, "the checkpoint does not match the model or is malformed");
    m.put(" " + EXISTS, "the output exists and --overwrite was not given");
    m.put(" " + OUTPUT, "the output could not be written (disk full, permission denied, ...)");
    return m;
  }
}
