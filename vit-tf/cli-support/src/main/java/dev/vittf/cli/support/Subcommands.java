package dev.vittf.cli.support;

import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * A tool's command line with its subcommands registered in code rather than in {@code @Command(subcommands =
 * ...)}, so that a run registers only the subcommand it runs. Picocli reflects over every option of every
 * registered command when the command line is built; for the twelve commands of {@code vit-tf} that was ~0.15 s of
 * each start (measured: 0.43–0.52 s to the command with all of them, 0.31–0.35 s with one).
 */
public final class Subcommands {
  private Subcommands() {}

  /** {@code root} with every one of {@code commands} registered, in that order (usage, help, tests). */
  public static CommandLine all(Object root, List<Class<?>> commands) {
    CommandLine cl = new CommandLine(root);
    commands.forEach(c -> cl.addSubcommand(name(c), instance(c)));
    return cl;
  }

  /**
   * The command line that runs {@code args}: when {@code args[0]} names one of {@code commands}, {@code root} with
   * only that one; otherwise (no arguments, an option, an unknown name, a help command) with all of them, so that
   * usage, help and the error about the name are those of the whole tool.
   */
  public static CommandLine forArguments(Object root, List<Class<?>> commands, String... args) {
    if (args.length > 0) {
      for (Class<?> c : commands) {
        // A help command prints the help of the others, so it needs them all.
        if (name(c).equals(args[0]) && !CommandLine.IHelpCommandInitializable2.class.isAssignableFrom(c)) {
          return new CommandLine(root).addSubcommand(instance(c));
        }
      }
    }
    return all(root, commands);
  }

  private static String name(Class<?> command) {
    Command c = command.getAnnotation(Command.class);
    if (c == null) {
      throw new IllegalArgumentException(command.getName() + " is not a picocli @Command");
    }
    return c.name();
  }

  private static Object instance(Class<?> command) {
    try {
      return CommandLine.defaultFactory().create(command);
    } catch (Exception e) {
      throw new IllegalStateException("cannot create the command " + command.getName(), e);
    }
  }
}
