package dev.vittf.cli;

import dev.vittf.models.ModelConfig;
import dev.vittf.models.ModelParameters;
import dev.vittf.models.Presets;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;

/** Lists the presets with their parameter counts and FLOPs. */
@Command(name = "presets", mixinStandardHelpOptions = true, description = "List the named presets.")
final class PresetsCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    System.out.printf("%-24s %-14s %10s %14s %12s%n", "preset", "architecture", "input", "parameters", "GFLOPs/img");
    for (Map.Entry<String, Supplier<ModelConfig>> e : Presets.all().entrySet()) {
      ModelConfig c = e.getValue().get();
      System.out.printf("%-24s %-14s %10s %,14d %12.3f%n", e.getKey(), c.architecture(),
          c.imageHeight() + "x" + c.imageWidth(), ModelParameters.count(c), c.network().flopsPerImage() / 1e9);
    }
    return 0;
  }
}
