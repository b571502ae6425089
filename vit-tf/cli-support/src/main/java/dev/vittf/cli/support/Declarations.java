package dev.vittf.cli.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * Checks a tool's whole command tree against the convention, for its tests: every numeric and path option (and
 * positional parameter) of every command declares its range or role ({@link #undeclared}), and for each declaration
 * a bad argument that must be rejected as a usage error with {@code --option=value: rule} ({@link #badArguments}).
 * A command added later is covered as soon as it is registered: nothing to list by hand.
 */
public final class Declarations {
  private Declarations() {}

  private static final Set<Class<?>> CHECKED_TYPES = Set.of(int.class, Integer.class, long.class, Long.class, double.class,
      Double.class, float.class, Float.class, short.class, Short.class, Path.class);

  /**
   * One argument list that must fail.
   *
   * @param args the full argument list (subcommand names first)
   * @param expected the start of the one stderr line (exact up to the {@code (see ...)} hint when {@code exact})
   * @param exact whether {@code expected} is the whole line
   */
  public record BadArgument(List<String> args, String expected, boolean exact) {
    @Override
    public String toString() {
      return String.join(" ", args);
    }

    /**
     * What is wrong with a run of these arguments, or null when it is the expected usage error: exit code {@link
     * ExitCodes#USAGE}, exactly one stderr line matching {@link #expected}, nothing on stdout (no work started).
     */
    public String mismatch(int code, String out, String err) {
      List<String> lines = err.lines().toList();
      if (code != ExitCodes.USAGE) {
        return "exit code " + code + ", expected " + ExitCodes.USAGE + "; stderr: " + err;
      }
      if (lines.size() != 1) {
        return "expected one stderr line, got: " + err;
      }
      if (exact ? !lines.get(0).equals(expected) : !lines.get(0).startsWith(expected)) {
        return "stderr line\n  " + lines.get(0) + "\nexpected " + (exact ? "" : "to start with ") + "\n  " + expected;
      }
      return out.isEmpty() ? null : "expected nothing on stdout, got: " + out;
    }
  }

  /** Every option or positional parameter of a checked type without a range or role, as {@code cmd --option (type)}. */
  public static List<String> undeclared(CommandLine root) {
    List<String> out = new ArrayList<>();
    for (CommandLine c : commands(root)) {
      for (ArgSpec a : c.getCommandSpec().args()) {
        Class<?> t = a.isMultiValue() && a.auxiliaryTypes().length > 0 ? a.auxiliaryTypes()[0] : a.type();
        if (CHECKED_TYPES.contains(t) && declared(a) == null) {
          out.add(c.getCommandSpec().qualifiedName() + " " + name(a) + " (" + t.getSimpleName() + ")");
        }
      }
    }
    return out;
  }

  /**
   * The bad arguments of every declared option: each value of {@link Ranges.Range#outside()}, and a path that
   * breaks its role (made in {@code scratch}: a missing file, a regular file where a directory is expected, a
   * directory where a file is expected).
   */
  public static List<BadArgument> badArguments(CommandLine root, Path scratch) {
    Path file = scratch.resolve("a-regular-file");
    try {
      if (!Files.exists(file)) {
        Files.writeString(file, "x");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<BadArgument> out = new ArrayList<>();
    for (CommandLine c : commands(root)) {
      List<String> prefix = new ArrayList<>(List.of(c.getCommandSpec().qualifiedName().split(" ")));
      prefix.remove(0);
      String hint = " (see '" + c.getCommandSpec().qualifiedName() + " --help')";
      for (ArgSpec a : c.getCommandSpec().args()) {
        if (a instanceof PositionalParamSpec p && !p.index().isUnspecified() && p.index().min() > 0) {
          continue; // only the first positional can be given alone
        }
        ITypeConverter<?> conv = declared(a);
        List<String> values = new ArrayList<>();
        List<String> rules = new ArrayList<>();
        if (conv instanceof Ranges.Range r) {
          for (String v : r.outside()) {
            values.add(v);
            rules.add(v.equals(r.outside().get(0)) ? r.rule() : null);
          }
        } else if (conv instanceof PathCheck.Checked pc) {
          String why;
          String v;
          switch (pc.role()) {
            case INPUT_FILE, INPUT_PATH -> {
              v = scratch.resolve("missing.bin").toString();
              why = "it does not exist";
            }
            case INPUT_DIR -> {
              v = file.toString();
              why = "it is a file, not a directory";
            }
            case OUTPUT_DIR -> {
              v = file.toString();
              why = "it exists and is a file";
            }
            default -> {
              v = scratch.toString();
              why = "it is a directory";
            }
          }
          values.add(v);
          rules.add("must be " + pc.role().expected() + "; " + why);
        }
        for (int i = 0; i < values.size(); i++) {
          List<String> args = new ArrayList<>(prefix);
          if (a instanceof OptionSpec o) {
            args.add(o.longestName());
          }
          args.add(values.get(i));
          String start = "error: " + name(a) + "=" + values.get(i) + ": ";
          out.add(rules.get(i) == null ? new BadArgument(args, start, false)
              : new BadArgument(args, start + rules.get(i) + hint, true));
        }
      }
    }
    return out;
  }

  private static ITypeConverter<?> declared(ArgSpec a) {
    ITypeConverter<?>[] cs = a.converters();
    if (cs == null || cs.length == 0) {
      return null;
    }
    return cs[0] instanceof Ranges.Range || cs[0] instanceof PathCheck.Checked ? cs[0] : null;
  }

  private static String name(ArgSpec a) {
    return a instanceof OptionSpec o ? o.longestName() : ((PositionalParamSpec) a).paramLabel();
  }

  /** The root and every subcommand, depth first, without picocli's {@code help} command. */
  static List<CommandLine> commands(CommandLine root) {
    List<CommandLine> out = new ArrayList<>();
    out.add(root);
    for (CommandLine sub : root.getSubcommands().values()) {
      if (!(sub.getCommand() instanceof CommandLine.HelpCommand) && !out.contains(sub)) {
        for (CommandLine c : commands(sub)) {
          if (!out.contains(c)) {
            out.add(c);
          }
        }
      }
    }
    return out;
  }
}
