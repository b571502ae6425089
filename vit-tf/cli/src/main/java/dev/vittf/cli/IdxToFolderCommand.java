package dev.vittf.cli;

import dev.vittf.cli.support.PathCheck;
import dev.vittf.cli.support.Ranges;
import dev.vittf.data.Idx;
import dev.vittf.data.ImageDataset;
import dev.vittf.data.ImageFolder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Writes some classes of an IDX dataset (MNIST / Fashion-MNIST layout) as an image folder of PNGs, {@code
 * OUT/train/<class>/<n>.png} and {@code OUT/val/<class>/<n>.png}: the data of a transfer experiment (pretrain on
 * some classes, fine-tune on a few images of the others). An existing output is never touched.
 */
@Command(name = "idx-to-folder", mixinStandardHelpOptions = true,
    description = "Write classes of an IDX dataset as a PNG image folder (train/ and val/, one sub-folder per class).")
final class IdxToFolderCommand implements Callable<Integer> {
  @Option(names = "--data", required = true, converter = PathCheck.InputDir.class, description = "IDX directory (train-*, t10k-*).")
  Path data;

  @Option(names = "--output", required = true, converter = PathCheck.OutputDir.class, description = "Folder to create (must not exist).")
  Path output;

  @Option(names = "--classes", required = true, description = "Classes to write, e.g. 5-9 or 5,7 (folders named by class index).")
  String classes;

  @Option(names = "--train-per-class", defaultValue = "0", converter = Ranges.NonNegativeInt.class,
      description = "Training images per class, the first ones of the train split (0 = all; default ${DEFAULT-VALUE}).")
  int trainPerClass;

  @Option(names = "--val-per-class", defaultValue = "0", converter = Ranges.NonNegativeInt.class,
      description = "Validation images per class, the first ones of the t10k split (0 = all; default ${DEFAULT-VALUE}).")
  int valPerClass;

  @Override
  public Integer call() throws IOException {
    List<Integer> selected = TrainCommand.parseClasses(classes);
    if (Files.exists(output)) {
      System.err.println("error: " + output + " exists; choose a new folder");
      return dev.vittf.cli.support.ExitCodes.EXISTS;
    }
    ImageDataset train = Idx.loadSplit(data, "train", null).onlyClasses(selected);
    ImageDataset val = Idx.loadSplit(data, "t10k", null).onlyClasses(selected);
    if (trainPerClass > 0) {
      train = train.firstPerClass(trainPerClass);
    }
    if (valPerClass > 0) {
      val = val.firstPerClass(valPerClass);
    }
    Path tmp = output.resolveSibling("." + output.getFileName() + ".partial");
    if (Files.exists(tmp)) {
      throw new IOException(tmp + ": left by an interrupted run; remove it first");
    }
    try {
      ImageFolder.write(train, tmp.resolve("train"));
      ImageFolder.write(val, tmp.resolve("val"));
      Files.move(tmp, output, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } finally {
      if (Files.exists(tmp)) {
        try (var s = Files.walk(tmp)) {
          for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
            Files.deleteIfExists(p);
          }
        }
      }
    }
    System.out.printf("wrote %s: train %s, val %s, classes %s%n", output, train, val, train.classNames());
    return 0;
  }
}
