package dev.vittf.export.cli;

import dev.vittf.cli.support.Names;
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
        + "--warmup runs) for each --preset. The launcher starts the JVM with "
        + "TF_XLA_FLAGS=--tf_xla_cpu_global_jit, which XLA JIT needs on CPU; the 'ran' column shows what "
        + "TensorFlow actually executed (from a traced run).")
final class BenchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = {"-p", "--preset"}, paramLabel = "NAME", converter = Names.PresetName.class, description = "presets to measure (default: vit-tiny, vit-s16)")
  List<String> presets = new ArrayList<>();

  @Option(names = {"-b", "--batch"}, defaultValue = "8", paramLabel = "N", converter = Ranges.PositiveInt.class, description = "batch size (default: ${DEFAULT-VALUE})")
  int batch;

  @Option(names = {"-n", "--iterations"}, defaultValue = "20", paramLabel = "N", converter = Ranges.PositiveInt.class, description = "timed runs (default: ${DEFAULT-VALUE})")
  int iterations;

  @Option(names = {"-w", "--warmup"}, defaultValue = "3", paramLabel = "N", converter = Ranges.NonNegativeInt.class, description = "untimed runs first (default: ${DEFAULT-VALUE})")
  int warmup;

  @Mixin ThreadOptions threads;

  @Mixin VerboseOption verbose;

  @Override
  public Integer call() throws IOException {
    List<String> names = presets.isEmpty() ? List.of("vit-tiny", "vit-s16") : presets;
    PrintWriter out = spec.commandLine().getOut();
    if (!ServingModel.cpuJitFlagSet()) {
      out.println("note: TF_XLA_FLAGS lacks --tf_xla_cpu_global_jit, so the xla-jit rows run plain on CPU");
    }
    out.printf(Locale.ROOT, "batch %d, %d timed runs after %d warm-up runs, threads intra=%d inter=%d, %d CPUs%n",
        batch, iterations, warmup, threads.intraOp, threads.interOp, Runtime.getRuntime().availableProcessors());
    out.printf(Locale.ROOT, "%-10s %-11s %10s %12s %10s %12s  %s%n", "preset", "mode", "params", "GFLOP/img", "ms/batch",
        "images/s", "ran");
    out.flush();
    Path tmp = Files.createTempDirectory("vittf-bench");
    try {
      for (String name : names) {
        ModelConfig c = Presets.get(name);
        Path plain = SavedModelExporter.export(c, Weights.seed(0), tmp.resolve(name + "-plain"), ExportOptions.defaults()).directory();
        Path xla = SavedModelExporter.export(c, Weights.seed(0), tmp.resolve(name + "-xla"),
            ExportOptions.defaults().withXla(true)).directory();
        HostTensor images = random(c, batch);
        double gflop = c.network().flopsPerImage() / 1e9;
        long params = ModelParameters.count(c);
        row(out, name, "plain", plain, false, images, params, gflop);
        row(out, name, "xla-export", xla, false, images, params, gflop);
        row(out, name, "xla-jit", plain, true, images, params, gflop);
      }
    } finally {
      try (Stream<Path> s = Files.walk(tmp)) {
        s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    return 0;
  }

  private void row(PrintWriter out, String name, String mode, Path dir, boolean jit, HostTensor images, long params, double gflop) {
    try (ServingModel m = ServingModel.load(dir, new ServingModel.Options(jit, threads.intraOp, threads.interOp))) {
      double median = Timing.median(Timing.millis(warmup, iterations, () -> m.predict(images)));
      Set<String> kernels = m.executedKernels(images);
      String ran = kernels.contains("_XlaRun") ? "XLA (JIT clusters)"
          : kernels.contains("PartitionedCall") && kernels.stream().noneMatch(k -> k.contains("MatMul") || k.contains("Einsum"))
              ? "XLA (compiled call)" : "plain kernels";
      out.printf(Locale.ROOT, "%-10s %-11s %10d %12.3f %10.2f %12.1f  %s%n", name, mode, params, gflop, median,
          images.dim(0) * 1000.0 / median, ran);
      out.flush();
    }
  }

  private static HostTensor random(ModelConfig c, int batch) {
    Random r = new Random(0);
    float[] x = new float[batch * c.imageHeight() * c.imageWidth() * c.channels()];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextGaussian();
    }
    return new HostTensor(new long[] {batch, c.imageHeight(), c.imageWidth(), c.channels()}, x);
  }
}
