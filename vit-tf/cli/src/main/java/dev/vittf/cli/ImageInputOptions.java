package dev.vittf.cli;

import dev.vittf.cli.support.PathCheck;

import dev.vittf.preprocess.ImageDecoder;
import java.io.PrintWriter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** What the photo commands ({@code classify}, {@code preprocess}) share: their options and their output stream. */
final class ImageInputOptions {
  @Spec(Spec.Target.MIXEE) CommandSpec command;

  @Option(names = "--overwrite", description = "replace existing output files")
  boolean overwrite;

  @Option(names = "--max-pixels", defaultValue = "" + ImageDecoder.DEFAULT_MAX_PIXELS, paramLabel = "N",
      converter = dev.vittf.cli.support.Ranges.PositiveLong.class,
      description = "refuse images with more pixels, checked from the header before decoding (default: PIL's ${DEFAULT-VALUE})")
  long maxPixels;

  /** The command's output (standard output, or what a caller set with {@code CommandLine.setOut}). */
  PrintWriter out() {
    return command.commandLine().getOut();
  }

  /** The limit, validated. */
  long maxPixels() {
    if (maxPixels < 1) {
      throw new IllegalArgumentException("--max-pixels must be >= 1, got " + maxPixels);
    }
    return maxPixels;
  }
}
