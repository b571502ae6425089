package dev.vittf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vittf.models.Presets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchAllCommandTest {

  @Test
  void defaultPresetsAreEverySeedPresetThenViTB16() {
    List<String> presets = BenchAllCommand.defaultPresets();
    List<String> seeds = Presets.all().keySet().stream().filter(n -> n.endsWith("-seed")).toList();
    assertTrue(seeds.contains("vit-seed"), seeds.toString());
    assertEquals(seeds.size() + 1, presets.size());
    assertEquals(seeds, presets.subList(0, seeds.size()));
    assertEquals("vit-b16", presets.get(presets.size() - 1));
  }

  @Test
  void writeSectionReplacesOnlyTheMarkedSection(@TempDir Path dir) throws Exception {
    Path md = dir.resolve("docs/benchmarks.md");
    BenchAllCommand.writeSection(md, "first table\n");
    String created = Files.readString(md);
    assertTrue(created.startsWith("# Benchmarks\n"), created);
    assertTrue(created.contains(BenchAllCommand.BEGIN + "\nfirst table\n" + BenchAllCommand.END), created);

    Files.writeString(md, "# Benchmarks\n\nintro\n\n" + BenchAllCommand.BEGIN + "\nold\n" + BenchAllCommand.END + "\n\n## Tuning\nnotes\n");
    BenchAllCommand.writeSection(md, "new table\n");
    assertEquals("# Benchmarks\n\nintro\n\n" + BenchAllCommand.BEGIN + "\nnew table\n" + BenchAllCommand.END + "\n\n## Tuning\nnotes\n",
        Files.readString(md));
  }

  @Test
  void speedupsPairTheTwoPrecisionsOfEachConfiguration() {
    List<Map<String, Object>> rows = List.of(
        Map.of("preset", "vit-b16", "batch", 8, "xla", false, "precision", "fp32", "imagesPerSecond", 5.0),
        Map.of("preset", "vit-b16", "batch", 8, "xla", false, "precision", "bf16", "imagesPerSecond", 11.5),
        Map.of("preset", "vit-b16", "batch", 8, "xla", true, "precision", "fp32", "imagesPerSecond", 4.0),
        Map.of("preset", "vit-b16", "batch", 1, "xla", false, "precision", "fp32", "imagesPerSecond", 4.8));
    assertEquals("\nbf16 / fp32 images/s (the two rows of one child run):\n\n"
        + "| preset | batch | XLA | fp32 images/s | bf16 images/s | bf16 / fp32 |\n|---|---:|---|---:|---:|---:|\n"
        + "| vit-b16 | 8 | off | 5.00 | 11.50 | 2.30× |\n", BenchAllCommand.speedups(rows));
    assertEquals("", BenchAllCommand.speedups(rows.subList(2, 4)), "no pair, no table");
  }
}
