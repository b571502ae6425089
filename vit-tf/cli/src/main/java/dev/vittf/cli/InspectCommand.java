package dev.vittf.cli;

import dev.vittf.cli.support.PathCheck;

import dev.vittf.core.HostTensor;
import dev.vittf.io.Checkpoints;
import dev.vittf.io.Pretrained;
import dev.vittf.io.TorchCheckpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * Prints what a checkpoint is: for a hub snapshot folder, the detected format, upstream class,
 * architecture, config, parameter count, labels and preprocessing description ({@link
 * Pretrained#describe()}); for a single weights file (safetensors or torch.save), its format and tensors.
 */
@Command(name = "inspect", mixinStandardHelpOptions = true,
    description = "Describe a hub folder (transformers, timm, torchvision) or a weights file (.safetensors, .bin, .pth, .pt).")
final class InspectCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "PATH", converter = PathCheck.InputPath.class, description = "hub snapshot folder or weights file")
  Path path;

  @Override
  public Integer call() throws IOException {
    // PathCheck.InputPath has checked that the path exists and is readable.
    if (Files.isDirectory(path)) {
      System.out.print(Pretrained.load(path).describe());
      return 0;
    }
    Map<String, HostTensor> tensors = Checkpoints.tensors(path);
    long values = tensors.values().stream().mapToLong(HostTensor::size).sum();
    System.out.println("file:     " + path);
    System.out.println("format:   " + (TorchCheckpoint.isTorchFile(path) ? "torch.save zip (pickle read safely)" : "safetensors"));
    System.out.printf("tensors:  %d (%,d values)%n", tensors.size(), values);
    if (!TorchCheckpoint.isTorchFile(path) && !Checkpoints.labels(path).isEmpty()) {
      System.out.println("labels:   " + Checkpoints.labels(path).size());
    }
    tensors.forEach((k, v) -> System.out.println("  " + k + " " + Arrays.toString(v.shape())));
    return 0;
  }
}
