package dev.vittf.cli;

import dev.vittf.cli.support.PathCheck;

import dev.vittf.io.Checkpoints;
import dev.vittf.io.Pretrained;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Converts a hub snapshot folder to one safetensors file in our parameter names and layouts, with the
 * config and the labels as metadata (what {@code Checkpoints.model(file, config, NATIVE)} and {@code
 * Checkpoints.labels(file)} read back). An existing output is not overwritten unless {@code --overwrite}.
 */
@Command(name = "convert", mixinStandardHelpOptions = true,
    description = "Convert a hub folder (transformers, timm, torchvision) to a vit-tf safetensors file with config and labels.")
final class ConvertCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "PATH", converter = PathCheck.InputDir.class, description = "hub snapshot folder")
  Path folder;

  @Option(names = "--output", required = true, paramLabel = "FILE.safetensors", converter = PathCheck.OutputFile.class, description = "file to write")
  Path output;

  @Option(names = "--overwrite", description = "replace an existing output file")
  boolean overwrite;

  @Override
  public Integer call() throws IOException {
    // PathCheck.InputDir has checked that the folder exists and is readable.
    if (Files.exists(output) && !overwrite) {
      System.err.println("error: " + output + " exists (use --overwrite to replace it)");
      return 4;
    }
    Pretrained p = Pretrained.load(folder);
    Checkpoints.save(p.weights(), p.config(), p.labels(), output);
    System.out.printf("wrote %s: %s %s, %d tensors, %,d parameters, %d labels%n", output, p.format(), p.modelClass(),
        p.weights().size(), p.parameterCount(), p.labels().size());
    return 0;
  }
}
