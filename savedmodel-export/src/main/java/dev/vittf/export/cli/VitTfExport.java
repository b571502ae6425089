package dev.vittf.export.cli;

import dev.vittf.core.InvalidConfigException;
import dev.vittf.export.ExportException;
import dev.vittf.io.CheckpointMismatchException;
import dev.vittf.io.SafeTensorsException;
import dev.vittf.models.ConfigJsonException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParameterException;

/**
 * The {@code vittf-export} command line: {@code export}, {@code inspect}, {@code predict} and {@code
 * bench}. Errors are one line on stderr ({@code error: ...}) with a non-zero exit code:
 *
 * <ul>
 *   <li>{@value #EXIT_USAGE}: bad arguments, unknown architecture or preset, invalid config
 *   <li>{@value #EXIT_CHECKPOINT}: the checkpoint does not match the model (or is malformed)
 *   <li>{@value #EXIT_VERSION_EXISTS}: the version exists and {@code --overwrite} was not given
 *   <li>{@value #EXIT_OUTPUT}: the output directory cannot be written
 *   <li>{@value #EXIT_FAILED}: anything else (missing file, TensorFlow error)
 * </ul>
 *
 * <p>TensorFlow's native logging is configured from environment variables read when the native
 * library loads, so {@link #main} relaunches the JVM once with them set (see {@link Relaunch}).
 */
@Command(
    name = "vittf-export",
    mixinStandardHelpOptions = true,
    versionProvider = VitTfExport.Version.class,
    description = "Export vit-tf models as TensorFlow SavedModels for TensorFlow Serving, inspect and run them.",
    subcommands = {ExportCommand.class, InspectCommand.class, PredictCommand.class, BenchCommand.class,
        CommandLine.HelpCommand.class})
public final class VitTfExport {
  /** Exit code: failure. */
  public static final int EXIT_FAILED = 1;
  /** Exit code: bad arguments or config. */
  public static final int EXIT_USAGE = 2;
  /** Exit code: checkpoint mismatch. */
  public static final int EXIT_CHECKPOINT = 3;
  /** Exit code: version exists. */
  public static final int EXIT_VERSION_EXISTS = 4;
  /** Exit code: output not writable. */
  public static final int EXIT_OUTPUT = 5;

  private VitTfExport() {}

  /** Version string from the jar manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = VitTfExport.class.getPackage().getImplementationVersion();
      return new String[] {"vittf-export " + (v == null ? "(development build)" : v)};
    }
  }

  /** Entry point: relaunches with quiet TensorFlow logging if needed, then runs the command. */
  public static void main(String[] args) {
    int relaunched = Relaunch.ifNeeded(args);
    if (relaunched >= 0) {
      System.exit(relaunched);
    }
    System.exit(run(args, System.out, System.err));
  }

  /** Runs a command line in this JVM and returns its exit code. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    CommandLine cmd = new CommandLine(VitTfExport.class);
    cmd.setOut(new PrintWriter(new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8), true));
    cmd.setErr(new PrintWriter(new java.io.OutputStreamWriter(err, StandardCharsets.UTF_8), true));
    cmd.setParameterExceptionHandler(VitTfExport::usageError);
    cmd.setExecutionExceptionHandler((e, c, parsed) -> failure(e, c, Relaunch.verbose(args)));
    return cmd.execute(args);
  }

  private static int usageError(ParameterException e, String[] args) {
    CommandLine c = e.getCommandLine();
    c.getErr().println("error: " + oneLine(e.getMessage()) + " (see '" + c.getCommandSpec().qualifiedName() + " --help')");
    c.getErr().flush();
    return EXIT_USAGE;
  }

  private static int failure(Exception e, CommandLine c, boolean verbose) {
    int code;
    String message;
    if (e instanceof UsageException || e instanceof ConfigJsonException || e instanceof InvalidConfigException) {
      code = EXIT_USAGE;
      message = e.getMessage();
    } else if (e instanceof CheckpointMismatchException || e instanceof SafeTensorsException) {
      code = EXIT_CHECKPOINT;
      message = e.getMessage();
    } else if (e instanceof ExportException x) {
      code = switch (x.reason()) {
        case VERSION_EXISTS -> EXIT_VERSION_EXISTS;
        case OUTPUT_NOT_WRITABLE -> EXIT_OUTPUT;
        case FAILED -> EXIT_FAILED;
      };
      message = e.getMessage();
    } else if (e instanceof NoSuchFileException f) {
      code = EXIT_FAILED;
      message = (f.getReason() != null ? f.getReason() : "file not found") + ": " + f.getFile();
    } else if (e instanceof AccessDeniedException f) {
      code = EXIT_FAILED;
      message = "permission denied: " + f.getFile();
    } else if (e instanceof IllegalArgumentException || e instanceof IllegalStateException) {
      code = EXIT_FAILED;
      message = e.getMessage();
    } else {
      code = EXIT_FAILED;
      message = e.getClass().getSimpleName() + ": " + e.getMessage();
    }
    PrintWriter err = c.getErr();
    err.println("error: " + oneLine(message));
    if (verbose) {
      e.printStackTrace(err);
    }
    err.flush();
    return code;
  }

  static String oneLine(String s) {
    return s == null ? "(no message)" : s.replaceAll("\\s*\\R\\s*", " ").strip();
  }

  /** A user error detected by a command (exit code {@value #EXIT_USAGE}). */
  static final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }
}
