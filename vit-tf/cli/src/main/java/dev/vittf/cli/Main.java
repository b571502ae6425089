package dev.vittf.cli;

import dev.vittf.core.NativeLogging;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code vit-tf} command line: {@code demo} (default: build the seed ViT, run it, check fixture
 * parity), {@code parity}, {@code presets}, {@code bench}, {@code bench-all}, {@code train},
 * {@code train-bench}, {@code classify}, {@code preprocess}, {@code inspect}, {@code convert}.
 */
@Command(
    name = "vit-tf",
    mixinStandardHelpOptions = true,
    version = "vit-tf 0.1.0",
    description = "Vision transformers as TensorFlow graphs.",
    subcommands = {DemoCommand.class, ParityCommand.class, PresetsCommand.class, BenchCommand.class,
        BenchAllCommand.class, TrainCommand.class, TrainBenchCommand.class, ClassifyCommand.class,
        PreprocessCommand.class, InspectCommand.class, ConvertCommand.class})
public final class Main implements Runnable {
  /** JavaCPP's physical-memory limit property (see {@link #main}). */
  static final String JAVACPP_MAX_PHYSICAL_BYTES = "org.bytedeco.javacpp.maxPhysicalBytes";

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
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
    System.exit(execute(NativeLogging.withoutVerbose(args)));
  }

  /** Runs a command line and returns its exit code (errors are printed as one line). */
  public static int execute(String... args) {
    CommandLine cl = new CommandLine(new Main());
    cl.setExecutionExceptionHandler((ex, line, parsed) -> {
      line.getErr().println("error: " + (ex.getMessage() == null ? ex.toString() : ex.getMessage()));
      return 1;
    });
    return cl.execute(args);
  }
}
