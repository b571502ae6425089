package dev.vittf.cli;

import dev.vittf.arch.Architecture.Preset;
import dev.vittf.models.ModelConfig;
import dev.vittf.models.ModelParameters;
import dev.vittf.models.Presets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Lists the presets with their parameter counts, FLOPs and the citation their descriptor gives. */
@Command(name = "presets", mixinStandardHelpOptions = true, description = "List the named presets.")
final class PresetsCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    System.out.printf("%-24s %-14s %10s %14s %12s  %s%n", "preset", "architecture", "input", "parameters", "GFLOPs/img",
        "reference");
    for (Preset p : Presets.list()) {
      ModelConfig c = p.config();
      System.out.printf("%-24s %-14s %10s %,14d %12.3f  %s%n", p.name(), p.architecture(),
          c.imageHeight() + "x" + c.imageWidth(), ModelParameters.count(c), c.network().flopsPerImage() / 1e9,
          p.citation());
    }
    return 0;
  }
}
