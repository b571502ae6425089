package dev.vittf.cli;

import dev.vittf.cli.support.Ranges;
import dev.vittf.cli.support.ThreadOptions;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * What one inference measurement runs: batch sizes, untimed runs and TensorFlow's threads. Shared by
 * {@code bench} and {@code bench-all}, which hands them on to its child {@code bench} runs unchanged.
 */
final class MeasurementOptions {
  @Option(names = "--batch", split = ",", defaultValue = "1,8", converter = Ranges.PositiveInt.class, description = "batch sizes (default: ${DEFAULT-VALUE})")
  List<Integer> batches;

  @Option(names = "--warmup", defaultValue = "3", converter = Ranges.NonNegativeInt.class, description = "untimed runs after the first (default: ${DEFAULT-VALUE})")
  int warmup;

  @Mixin ThreadOptions threads;
}
