package dev.vittf.export.cli;

import dev.vittf.export.SavedModelInfo;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vittf-export inspect}: prints the signatures of a SavedModel, like {@code saved_model_cli show --all}. */
@Command(
    name = "inspect",
    header = "Print the signatures of a SavedModel (like saved_model_cli show --all).",
    mixinStandardHelpOptions = true,
    description =
        "Print the tag-sets and signatures (inputs/outputs with dtype, shape, tensor name) of a "
        + "SavedModel, in the layout of 'saved_model_cli show --all', plus XLA and vit-tf metadata. Reads "
        + "saved_model.pb only (TensorFlow is not loaded). DIR is a version directory or a model base "
        + "directory (latest version).")
final class InspectCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin SavedModelDirectory savedModel;

  @Option(names = {"-v", "--verbose"}, description = "stack traces on errors")
  boolean verbose;

  @Override
  public Integer call() {
    Path version = savedModel.version();
    PrintWriter out = spec.commandLine().getOut();
    if (!version.equals(savedModel.dir)) {
      out.println("(latest version: " + version + ")");
    }
    out.print(SavedModelInfo.read(version).format());
    out.flush();
    return 0;
  }
}
