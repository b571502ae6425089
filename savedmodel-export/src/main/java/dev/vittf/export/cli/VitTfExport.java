package dev.vittf.export.cli;

import dev.vittf.cli.support.CliErrors;
import dev.vittf.cli.support.ExitCodes;
import dev.vittf.cli.support.Subcommands;
import dev.vittf.export.ExportException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code vittf-export} command line: {@code export}, {@code inspect}, {@code predict} and {@code
 * bench}. Errors are one line on stderr ({@code error: ...}); the exit codes are the convention both tools share
 * ({@link ExitCodes}, listed in every command's {@code --help}):
 *
 * <ul>
 *   <li>{@value #EXIT_USAGE}: bad arguments (a value out of range, conflicting options, a path that cannot
 *       serve), unknown architecture or preset, invalid config, an empty input, no arguments
 *   <li>{@value #EXIT_CHECKPOINT}: the checkpoint does not match the model (or is malformed)
 *   <li>{@value #EXIT_VERSION_EXISTS}: the version exists and {@code --overwrite} was not given
 *   <li>{@value #EXIT_OUTPUT}: the output directory could not be written during the export
 *   <li>{@value #EXIT_FAILED}: anything else (TensorFlow error, unreadable SavedModel)
 * </ul>
 *
 * <p>TensorFlow's native logging is configured from environment variables read when the native
 * library loads, so {@link #main} relaunches the JVM once with them set (see {@link Relaunch}).
 */
@Command(
    name = "vittf-export",
    mixinStandardHelpOptions = true,
    versionProvider = VitTfExport.Version.class,
    description = "Export vit-tf models as TensorFlow SavedModels for TensorFlow Serving, inspect and run them.")
public final class VitTfExport implements Callable<Integer> {
  /** The subcommands, in the order of the usage (registered by {@link Subcommands}). */
  static final List<Class<?>> SUBCOMMANDS = List.of(ExportCommand.class, InspectCommand.class, PredictCommand.class,
      BenchCommand.class, CommandLine.HelpCommand.class);

  /** Exit code: failure. */
  public static final int EXIT_FAILED = ExitCodes.FAILED;
  /** Exit code: bad arguments or config. */
  public static final int EXIT_USAGE = ExitCodes.USAGE;
  /** Exit code: checkpoint mismatch. */
  public static final int EXIT_CHECKPOINT = ExitCodes.CHECKPOINT;
  /** Exit code: version exists. */
  public static final int EXIT_VERSION_EXISTS = ExitCodes.EXISTS;
  /** Exit code: output not writable. */
  public static final int EXIT_OUTPUT = ExitCodes.OUTPUT;

  @Spec CommandSpec spec;

  /** Picocli instantiates the top-level command. */
  VitTfExport() {}

  @Override
  public Integer call() {
    return CliErrors.noArguments(spec.commandLine());
  }

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
    CommandLine cmd = Subcommands.forArguments(new VitTfExport(), SUBCOMMANDS, args);
    cmd.setOut(new PrintWriter(new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8), true));
    cmd.setErr(new PrintWriter(new java.io.OutputStreamWriter(err, StandardCharsets.UTF_8), true));
    CliErrors.install(cmd, VitTfExport::exportFailure, Relaunch.verbose(args));
    return cmd.execute(args);
  }

  /** The whole command line, every subcommand registered (tests). */
  static CommandLine commandLine() {
    return Subcommands.all(new VitTfExport(), SUBCOMMANDS);
  }

  /** The export API's own failures; everything else goes through the shared mapping. */
  private static CliErrors.Failure exportFailure(Exception e) {
    if (e instanceof ExportException x) {
      int code = switch (x.reason()) {
        case VERSION_EXISTS -> EXIT_VERSION_EXISTS;
        case OUTPUT_NOT_WRITABLE -> EXIT_OUTPUT;
        case FAILED -> EXIT_FAILED;
      };
      return new CliErrors.Failure(code, e.getMessage());
    }
    return null;
  }
}
