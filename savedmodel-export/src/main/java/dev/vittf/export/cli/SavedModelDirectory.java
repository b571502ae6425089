package dev.vittf.export.cli;

import dev.vittf.cli.support.PathCheck;
import dev.vittf.export.SavedModelInfo;
import java.nio.file.Path;
import picocli.CommandLine.Parameters;

/** The SavedModel argument of {@code inspect} and {@code predict}: a version directory or a model base directory. */
final class SavedModelDirectory {
  @Parameters(index = "0", paramLabel = "DIR", converter = PathCheck.InputDir.class,
      description = "SavedModel version directory or model base directory (latest version)")
  Path dir;

  /** The version directory: {@code DIR} itself, or the latest version under it. */
  Path version() {
    return SavedModelInfo.resolveVersion(dir);
  }
}
