package dev.vittf.cli.support;

import dev.vittf.core.InvalidConfigException;
import dev.vittf.io.CheckpointMismatchException;
import dev.vittf.io.SafeTensorsException;
import dev.vittf.models.ConfigJsonException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.TypeConversionException;

/**
 * The one exception-to-exit-code mapping of a tool (see {@link ExitCodes}). {@link #install} sets picocli's
 * parameter and execution exception handlers on a command line and puts the exit-code list in every command's
 * {@code --help}. Every error is one line on stderr, {@code error: ...}; a stack trace only with verbose output.
 */
public final class CliErrors {
  private CliErrors() {}

  /**
   * How a failure ends: exit code and one-line message.
   *
   * @param code exit code (see {@link ExitCodes})
   * @param message what went wrong, without the {@code error: } prefix
   */
  public record Failure(int code, String message) {}

  /** A tool's own exception types (tried before the shared ones); returns null for an exception it does not know. */
  @FunctionalInterface
  public interface Mapper {
    /** The failure for {@code e}, or null. */
    Failure map(Exception e);
  }

  /**
   * Installs the handlers on {@code cl} and the exit-code list on it and every subcommand.
   *
   * @param cl the tool's top-level command line
   * @param own the tool's own exception mapping (may return null for everything)
   * @param verbose whether to print stack traces
   * @return {@code cl}
   */
  public static CommandLine install(CommandLine cl, Mapper own, boolean verbose) {
    cl.setCaseInsensitiveEnumValuesAllowed(true); // --source timm as well as TIMM
    cl.setParameterExceptionHandler((ex, args) -> {
      CommandLine c = ex.getCommandLine();
      PrintWriter err = c.getErr();
      err.println("error: " + describe(ex) + " (see '" + c.getCommandSpec().qualifiedName() + " --help')");
      err.flush();
      return ExitCodes.USAGE;
    });
    cl.setExecutionExceptionHandler((ex, c, parsed) -> {
      Failure f = own.map(ex);
      if (f == null) {
        f = failure(ex);
      }
      PrintWriter err = c.getErr();
      err.println("error: " + oneLine(f.message()));
      if (verbose) {
        ex.printStackTrace(err);
      }
      err.flush();
      return f.code();
    });
    exitCodeHelp(cl);
    return cl;
  }

  private static void exitCodeHelp(CommandLine cl) {
    cl.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(ExitCodes.helpList());
    cl.getSubcommands().values().forEach(CliErrors::exitCodeHelp);
  }

  /**
   * No command given: the usage on stderr and {@link ExitCodes#USAGE}. For the top-level command's {@code call()}.
   */
  public static int noArguments(CommandLine cl) {
    cl.usage(cl.getErr());
    cl.getErr().println("error: no command given");
    cl.getErr().flush();
    return ExitCodes.USAGE;
  }

  /**
   * A parse error in the project's form: a value a converter rejected reads {@code --batch=-1: must be >= 1} (the
   * option's longest name, the value, the rule); other picocli errors keep picocli's wording.
   */
  public static String describe(ParameterException ex) {
    ArgSpec arg = ex.getArgSpec();
    if (ex.getCause() instanceof TypeConversionException t && arg != null && ex.getValue() != null) {
      String name = arg instanceof OptionSpec o ? o.longestName()
          : arg instanceof PositionalParamSpec p ? p.paramLabel() : "value";
      return name + "=" + ex.getValue() + ": " + t.getMessage();
    }
    return oneLine(ex.getMessage());
  }

  /** The shared mapping: usage and config errors 2, checkpoint errors 3, everything else 1, with a clear reason. */
  public static Failure failure(Exception e) {
    if (e instanceof UncheckedIOException u) {
      return failure(u.getCause());
    }
    if (e instanceof UsageException || e instanceof InvalidConfigException || e instanceof ConfigJsonException) {
      return new Failure(ExitCodes.USAGE, e.getMessage());
    }
    if (e instanceof CheckpointMismatchException || e instanceof SafeTensorsException) {
      return new Failure(ExitCodes.CHECKPOINT, e.getMessage());
    }
    if (e instanceof FileSystemException f && f.getFile() != null) {
      return new Failure(ExitCodes.FAILED, f.getFile() + ": " + PathCheck.reason(f));
    }
    if (e instanceof IOException || e instanceof IllegalArgumentException || e instanceof IllegalStateException) {
      return new Failure(ExitCodes.FAILED, e.getMessage() == null ? e.toString() : e.getMessage());
    }
    return new Failure(ExitCodes.FAILED, e.getClass().getSimpleName() + ": " + e.getMessage());
  }

  /** Newlines and the indentation around them become one space. */
  public static String oneLine(String s) {
    return s == null ? "(no message)" : s.replaceAll("\\s*\\R\\s*", " ").strip();
  }
}
