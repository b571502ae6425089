package dev.vittf.export.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vittf.cli.support.Conflicts;
import dev.vittf.cli.support.Names;
import dev.vittf.cli.support.PathCheck;
import dev.vittf.cli.support.UsageException;
import dev.vittf.export.SavedModelInfo;
import dev.vittf.models.ConfigJson;
import dev.vittf.cli.support.Ranges;
import dev.vittf.cli.support.ThreadOptions;
import dev.vittf.cli.support.Timing;
import dev.vittf.core.HostTensor;
import dev.vittf.export.ExportOptions;
import dev.vittf.export.SavedModelExporter;
import dev.vittf.export.ServingModel;
import dev.vittf.export.Weights;
import dev.vittf.models.ModelConfig;
import dev.vittf.models.ModelParameters;
import dev.vittf.models.Presets;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vittf-export bench}: images per second of the three ways to run an export: the plain graph,
 * the XLA export ({@code --xla}) and the plain export under XLA JIT. Exports to a temporary directory,
 * discards warm-up runs (graph optimisation, oneDNN primitives, XLA compilation), reports the median.
 */
@Command(
    name = "bench",
    header = "Benchmark plain vs XLA-export vs XLA-JIT inference (images/s).",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description =
        "Benchmark plain vs XLA-export vs XLA-JIT inference (images/s, median of --iterations after "
        + "--warmup runs) for each --preset, or for an existing export (--savedmodel), at each --batch size. The launcher starts the JVM with "
        + "TF_XLA_FLAGS=--tf_xla_cpu_global_jit, which XLA JIT needs on CPU; the 'ran' column shows what "
        + "TensorFlow actually executed (from a traced run).")
final class BenchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = {"-p", "--preset"}, paramLabel = "NAME", converter = Names.PresetName.class, description = "presets to measure (default: vit-tiny, vit-s16)")
  List<String> presets = new ArrayList<>();

  @Option(names = {"-b", "--batch"}, defaultValue = "8", split = ",", paramLabel = "N", converter = Ranges.PositiveInt.class,
      description = "batch sizes, comma-separated, e.g. 1,2,4,8 (default: ${DEFAULT-VALUE})")
  List<Integer> batches;

  @Option(names = "--mode", split = ",", paramLabel = "MODE", converter = ModeName.class,
      description = "modes to measure, comma-separated: plain, xla-export, xla-jit (default: all three)")
  List<Mode> modes;

  @Option(names = "--savedmodel", paramLabel = "DIR", converter = PathCheck.InputDir.class,
      description = "measure this export (version directory, or base directory: latest version) instead of presets: "
          + "plain runs it as exported, xla-jit under XLA JIT (xla-export needs a preset)")
  Path savedModel;

  /** What a row runs. */
  enum Mode {
    PLAIN("plain"), XLA_EXPORT("xla-export"), XLA_JIT("xla-jit");

    final String label;

    Mode(String label) {
      this.label = label;
    }
  }

  /** {@code --mode} names. */
  static final class ModeName implements picocli.CommandLine.ITypeConverter<Mode> {
    @Override
    public Mode convert(String value) {
      for (Mode m : Mode.values()) {
        if (m.label.equals(value)) {
          return m;
        }
      }
      throw new picocli.CommandLine.TypeConversionException("'" + value + "': unknown mode; known: plain, xla-export, xla-jit");
    }
  }

  @Option(names = {"-n", "--iterations"}, defaultValue = "20", paramLabel = "N", converter = Ranges.PositiveInt.class, description = "timed runs (default: ${DEFAULT-VALUE})")
  int iterations;

  @Option(names = {"-w", "--warmup"}, defaultValue = "3", paramLabel = "N", converter = Ranges.NonNegativeInt.class, description = "untimed runs first (default: ${DEFAULT-VALUE})")
  int warmup;

  @Mixin ThreadOptions threads;

  @Mixin VerboseOption verbose;

  @Override
  public Integer call() throws IOException {
    Conflicts.atMostOne(spec, "--savedmodel", "--preset");
    List<String> names = presets.isEmpty() ? List.of("vit-tiny", "vit-s16") : presets;
    List<Mode> measured = modes == null ? List.of(Mode.values()) : modes;
    if (savedModel != null && measured.contains(Mode.XLA_EXPORT)) {
      if (modes != null) {
        throw new UsageException("--mode xla-export needs a preset (it exports the model with --xla); "
            + "with --savedmodel use plain or xla-jit");
      }
      measured = List.of(Mode.PLAIN, Mode.XLA_JIT);
    }
    PrintWriter out = spec.commandLine().getOut();
    if (!ServingModel.cpuJitFlagSet() && measured.contains(Mode.XLA_JIT)) {
      out.println("note: TF_XLA_FLAGS lacks --tf_xla_cpu_global_jit, so the xla-jit rows run plain on CPU");
    }
    out.printf(Locale.ROOT, "%d timed runs after %d warm-up runs, threads intra=%d inter=%d, %d CPUs%n",
        iterations, warmup, threads.intraOp, threads.interOp, Runtime.getRuntime().availableProcessors());
    out.printf(Locale.ROOT, "%-10s %-11s %5s %10s %12s %10s %12s  %s%n", "model", "mode", "batch", "params", "GFLOP/img",
        "ms/batch", "images/s", "ran");
    out.flush();
    if (savedModel != null) {
      Path dir = SavedModelInfo.resolveVersion(savedModel);
      SavedModelInfo info = SavedModelInfo.read(dir);
      JsonNode meta = info.metadata();
      ModelConfig c = meta == null || !meta.has("config") ? null : ConfigJson.fromTree(meta.get("config"));
      long params = meta == null ? -1 : meta.path("parameters").asLong(-1);
      double gflop = c == null ? Double.NaN : c.network().flopsPerImage() / 1e9;
      String name = dir.getParent() == null ? dir.toString() : dir.getParent().getFileName() + "/" + dir.getFileName();
      for (int batch : batches) {
        for (Mode m : measured) {
          row(out, name, m, dir, m == Mode.XLA_JIT, batch, params, gflop);
        }
      }
      return 0;
    }
    Path tmp = Files.createTempDirectory("vittf-bench");
    try {
      for (String name : names) {
        ModelConfig c = Presets.get(name);
        Path plain = SavedModelExporter.export(c, Weights.seed(0), tmp.resolve(name + "-plain"), ExportOptions.defaults()).directory();
        Path xla = measured.contains(Mode.XLA_EXPORT) ? SavedModelExporter.export(c, Weights.seed(0), tmp.resolve(name + "-xla"),
            ExportOptions.defaults().withXla(true)).directory() : null;
        double gflop = c.network().flopsPerImage() / 1e9;
        long params = ModelParameters.count(c);
        for (int batch : batches) {
          for (Mode m : measured) {
            row(out, name, m, m == Mode.XLA_EXPORT ? xla : plain, m == Mode.XLA_JIT, batch, params, gflop);
          }
        }
      }
    } finally {
      try (Stream<Path> s = Files.walk(tmp)) {
        s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    return 0;
  }

  private void row(PrintWriter out, String name, Mode mode, Path dir, boolean jit, int batch, long params, double gflop) {
    try (ServingModel m = ServingModel.load(dir, new ServingModel.Options(jit, threads.intraOp, threads.interOp))) {
      long[] hwc = m.imageShape();
      HostTensor images = random(hwc, batch);
      double median = Timing.median(Timing.millis(warmup, iterations, () -> m.predict(images)));
      Set<String> kernels = m.executedKernels(images);
      String ran = kernels.contains("_XlaRun") ? "XLA (JIT clusters)"
          : kernels.contains("PartitionedCall") && kernels.stream().noneMatch(k -> k.contains("MatMul") || k.contains("Einsum"))
              ? "XLA (compiled call)" : "plain kernels";
      out.printf(Locale.ROOT, "%-10s %-11s %5d %10d %12.3f %10.2f %12.1f  %s%n", name, mode.label, batch, params, gflop, median,
          images.dim(0) * 1000.0 / median, ran);
      out.flush();
    }
  }

  private static HostTensor random(long[] hwc, int batch) {
    Random r = new Random(0);
    float[] x = new float[(int) (batch * hwc[0] * hwc[1] * hwc[2])];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextGaussian();
    }
    return new HostTensor(new long[] {batch, hwc[0], hwc[1], hwc[2]}, x);
  }
}
