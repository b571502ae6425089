package dev.vittf.export.cli;

import picocli.CommandLine.Option;

/**
 * {@code -v/--verbose} of the commands that load TensorFlow. {@link Relaunch} and {@link VitTfExport} read it
 * from the raw arguments (it decides the native log level before TensorFlow starts); this declaration makes it a
 * documented option that picocli accepts.
 */
final class VerboseOption {
  @Option(names = {"-v", "--verbose"}, description = "TensorFlow logging and stack traces")
  boolean verbose;
}
