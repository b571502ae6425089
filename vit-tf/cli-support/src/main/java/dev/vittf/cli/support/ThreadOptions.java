package dev.vittf.cli.support;

import java.util.List;
import picocli.CommandLine.Option;

/**
 * TensorFlow's two thread-pool sizes, declared once for every command that creates sessions: add
 * {@code @Mixin ThreadOptions threads;} to the command.
 */
public final class ThreadOptions {
  /** Threads of one op (0 = TensorFlow default). */
  @Option(names = "--intra-op-threads", defaultValue = "0", paramLabel = "N", converter = Ranges.NonNegativeInt.class,
      description = "TensorFlow intra-op threads (0 = TensorFlow default)")
  public int intraOp;

  /** Ops run concurrently (0 = TensorFlow default). */
  @Option(names = "--inter-op-threads", defaultValue = "0", paramLabel = "N", converter = Ranges.NonNegativeInt.class,
      description = "TensorFlow inter-op threads (0 = TensorFlow default)")
  public int interOp;

  /** The same choice as arguments, for a child process. */
  public List<String> args() {
    return List.of("--intra-op-threads", String.valueOf(intraOp), "--inter-op-threads", String.valueOf(interOp));
  }
}
