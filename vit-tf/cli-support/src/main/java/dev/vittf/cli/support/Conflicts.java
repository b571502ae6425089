package dev.vittf.cli.support;

import java.util.Arrays;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Conflict rules between options, stated in a command's {@code call()} prologue. "Given" means given on the
 * command line (a default value does not count), so an option that only matters with another one cannot be given
 * alone and silently ignored.
 */
public final class Conflicts {
  private Conflicts() {}

  /** Whether the option (any of its names) was given on the command line. */
  public static boolean given(CommandSpec spec, String option) {
    return spec.commandLine().getParseResult().hasMatchedOption(option);
  }

  /** {@code option} only has an effect together with {@code needed}: giving it alone is a usage error. */
  public static void requires(CommandSpec spec, String option, String needed, String why) {
    if (given(spec, option) && !given(spec, needed)) {
      throw new UsageException(option + " needs " + needed + " (" + why + ")");
    }
  }

  /** {@code option} has no effect when {@code condition} holds: giving it is a usage error. */
  public static void ignoredWhen(CommandSpec spec, String option, boolean condition, String why) {
    if (condition && given(spec, option)) {
      throw new UsageException(option + " has no effect " + why);
    }
  }

  /** At most one of the options may be given. */
  public static void atMostOne(CommandSpec spec, String... options) {
    List<String> found = Arrays.stream(options).filter(o -> given(spec, o)).toList();
    if (found.size() > 1) {
      throw new UsageException("give only one of " + String.join(", ", options) + " (got " + String.join(" and ", found) + ")");
    }
  }
}
