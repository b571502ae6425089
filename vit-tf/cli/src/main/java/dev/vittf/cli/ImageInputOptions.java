package dev.vittf.cli;

import dev.vittf.cli.support.PathCheck;

import dev.vittf.preprocess.ImageDecoder;
import picocli.CommandLine.Option;

/** Options shared by the photo commands ({@code classify}, {@code preprocess}). */
final class ImageInputOptions {
  @Option(names = "--overwrite", description = "replace existing output files")
  boolean overwrite;

  @Option(names = "--max-pixels", defaultValue = "" + ImageDecoder.DEFAULT_MAX_PIXELS, paramLabel = "N",
      converter = dev.vittf.cli.support.Ranges.PositiveLong.class,
      description = "refuse images with more pixels, checked from the header before decoding (default: PIL's ${DEFAULT-VALUE})")
  long maxPixels;

  /** The limit, validated. */
  long maxPixels() {
    if (maxPixels < 1) {
      throw new IllegalArgumentException("--max-pixels must be >= 1, got " + maxPixels);
    }
    return maxPixels;
  }
}
