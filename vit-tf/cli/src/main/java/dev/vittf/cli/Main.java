package dev.vittf.cli;

import dev.vittf.cli.support.CliErrors;
import dev.vittf.cli.support.Subcommands;
import dev.vittf.core.NativeLogging;
import java.io.OutputStreamWriter;
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
 * The {@code vit-tf} command line: {@code demo} (build the seed ViT, run it, check fixture parity), {@code
 * parity}, {@code presets}, {@code bench}, {@code bench-all}, {@code train}, {@code train-bench}, {@code classify},
 * {@code preprocess}, {@code inspect}, {@code convert}. Exit codes follow {@link dev.vittf.cli.support.ExitCodes} (listed in every command's {@code
 * --help}); without arguments it prints the usage and exits 2.
 */
@Command(
    name = "vit-tf",
    mixinStandardHelpOptions = true,
    version = "vit-tf 0.1.0",
    description = "Vision transformers as TensorFlow graphs.")
public final class Main implements Callable<Integer> {
  /** JavaCPP's physical-memory limit property (see {@link #main}). */
  static final String JAVACPP_MAX_PHYSICAL_BYTES = "org.bytedeco.javacpp.maxPhysicalBytes";

  /** The subcommands, in the order of the usage. */
  static final List<Class<?>> SUBCOMMANDS = List.of(DemoCommand.class, ParityCommand.class, PresetsCommand.class,
      BenchCommand.class, BenchAllCommand.class, TrainCommand.class, TrainBenchCommand.class, ClassifyCommand.class,
      PreprocessCommand.class, InspectCommand.class, ConvertCommand.class, IdxToFolderCommand.class);

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    return CliErrors.noArguments(spec.commandLine());
  }

  /**
   * Entry point; exits with the command's status. Native logging is quiet unless {@code --verbose} is
   * given or {@code TF_CPP_MIN_LOG_LEVEL} is set (see {@link NativeLogging}).
   */
  public static void main(String[] args) {
    // JavaCPP checks the process's physical memory (reading /proc) on every native allocation while
    // maxPhysicalBytes > 0; that made graph construction ~3x slower (ViT-B/16: ~1 s -> ~0.3 s). The CLI
    // closes every native object, so it does not need that GC trigger. Must run before JavaCPP loads.
    if (System.getProperty(JAVACPP_MAX_PHYSICAL_BYTES) == null) {
      System.setProperty(JAVACPP_MAX_PHYSICAL_BYTES, "0");
    }
    int child = NativeLogging.relaunchIfNeeded(Main.class, args, NativeLogging.quietEnv(args, System.getenv()));
    if (child >= 0) {
      System.exit(child);
    }
    String[] rest = NativeLogging.withoutVerbose(args);
    System.exit(execute(System.out, System.err, rest.length != args.length, rest));
  }

  /** Runs a command line on the standard streams and returns its exit code (errors are printed as one line). */
  public static int execute(String... args) {
    return execute(System.out, System.err, false, args);
  }

  /** Runs a command line with picocli's output and error streams set (for in-process tests). */
  public static int execute(PrintStream out, PrintStream err, boolean verbose, String... args) {
    CommandLine cl = configure(commandLine(args), verbose);
    cl.setOut(new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true));
    cl.setErr(new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true));
    return cl.execute(args);
  }

  /**
   * The command line that runs {@code args}: only the subcommand they name, if any; every subcommand for no
   * arguments (usage, tests) or any other first argument ({@link Subcommands#forArguments}).
   */
  static CommandLine commandLine(String... args) {
    return Subcommands.forArguments(new Main(), SUBCOMMANDS, args);
  }

  /** The tool's error handling and exit codes on {@code cl} (also used by commands run on their own). */
  static CommandLine configure(CommandLine cl) {
    return configure(cl, false);
  }

  private static CommandLine configure(CommandLine cl, boolean verbose) {
    // No tool-specific exception types: the shared mapping covers the library's (config, checkpoint, I/O).
    return CliErrors.install(cl, e -> null, verbose);
  }
}
