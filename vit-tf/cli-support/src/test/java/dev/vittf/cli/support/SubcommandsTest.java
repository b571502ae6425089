package dev.vittf.cli.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

class SubcommandsTest {
  @Command(name = "tool")
  static final class Tool implements Runnable {
    @Override
    public void run() {}
  }

  @Command(name = "first", description = "the first")
  static final class First implements Runnable {
    @Override
    public void run() {}
  }

  @Command(name = "second", description = "the second")
  static final class Second implements Runnable {
    @Override
    public void run() {}
  }

  static final class NotACommand {}

  private static final List<Class<?>> COMMANDS = List.of(First.class, Second.class, CommandLine.HelpCommand.class);

  private static List<String> names(CommandLine cl) {
    return List.copyOf(cl.getSubcommands().keySet());
  }

  @Test
  void aRunNamingASubcommandRegistersOnlyThatOne() {
    assertEquals(List.of("first", "second", "help"), names(Subcommands.all(new Tool(), COMMANDS)));
    assertEquals(List.of("second"), names(Subcommands.forArguments(new Tool(), COMMANDS, "second", "--x")));
    assertEquals(0, Subcommands.forArguments(new Tool(), COMMANDS, "first").execute("first"));
  }

  @Test
  void usageHelpAndUnknownNamesSeeEverySubcommand() {
    assertEquals(3, names(Subcommands.forArguments(new Tool(), COMMANDS)).size());
    assertEquals(3, names(Subcommands.forArguments(new Tool(), COMMANDS, "--help")).size());
    assertEquals(3, names(Subcommands.forArguments(new Tool(), COMMANDS, "frist")).size());
    CommandLine help = Subcommands.forArguments(new Tool(), COMMANDS, "help", "second");
    assertEquals(3, names(help).size(), "the help command prints the others' help, so it gets them all");
    StringWriter out = new StringWriter();
    help.setOut(new PrintWriter(out));
    assertEquals(0, help.execute("help", "second"));
    assertEquals(true, out.toString().contains("the second"), out.toString());
    String m = assertThrows(IllegalArgumentException.class,
        () -> Subcommands.all(new Tool(), List.of(NotACommand.class))).getMessage();
    assertEquals(NotACommand.class.getName() + " is not a picocli @Command", m);
  }
}
