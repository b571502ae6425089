package dev.vittf.cli;

import dev.vittf.cli.support.Conflicts;
import dev.vittf.cli.support.Names;
import dev.vittf.cli.support.PathCheck;
import dev.vittf.cli.support.Ranges;
import dev.vittf.cli.support.Timing;
import dev.vittf.core.Precision;
import dev.vittf.data.Batch;
import dev.vittf.io.ReferenceModels;
import dev.vittf.models.ModelConfig;
import dev.vittf.models.Presets;
import dev.vittf.train.TrainConfig;
import dev.vittf.train.Trainer;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code train-bench} command: times full training steps (forward, backward, clipping, AdamW) of a
 * preset on random data and reports the median milliseconds per step and the achieved GFLOP/s,
 * counting a training step as 3× the analytic forward FLOPs ({@code Network.flopsPerImage()}).
 */
@Command(name = "train-bench", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Benchmark training steps (ms per step, GFLOP/s at 3x the forward FLOPs).")
public final class TrainBenchCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = "--preset", defaultValue = "vit-b16", converter = Names.PresetName.class, description = "Preset (default ${DEFAULT-VALUE}).")
  String preset;

  @Option(names = "--config", converter = PathCheck.InputFile.class, description = "Reference-model JSON instead of a preset.")
  Path config;

  @Option(names = "--batch-size", defaultValue = "8", converter = Ranges.PositiveInt.class, description = "Batch size (default ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--warmup", defaultValue = "2", converter = Ranges.NonNegativeInt.class, description = "Untimed steps first (default ${DEFAULT-VALUE}).")
  int warmup;

  @Option(names = "--steps", defaultValue = "5", converter = Ranges.PositiveInt.class, description = "Timed steps (default ${DEFAULT-VALUE}).")
  int steps;

  @Option(names = "--precision", split = ",", defaultValue = "fp32", converter = Names.PrecisionName.class,
      description = "compute precisions, timed one after the other in this run, e.g. fp32,bf16 (default: ${DEFAULT-VALUE})")
  List<Precision> precisions;

  @Option(names = "--threads", defaultValue = "0", converter = Ranges.NonNegativeInt.class, description = "TensorFlow intra-op threads, 0 = default (default ${DEFAULT-VALUE}).")
  int threads;

  private final PrintStream out;

  /** A command printing to standard output. */
  public TrainBenchCommand() {
    this(System.out);
  }

  TrainBenchCommand(PrintStream out) {
    this.out = out;
  }

  /** Runs the command line and exits with its status. */
  public static void main(String[] args) {
    System.exit(Main.configure(new CommandLine(new TrainBenchCommand())).execute(args));
  }

  /**
   * Result of a benchmark.
   *
   * @param msPerStep median wall-clock milliseconds per step
   * @param gflopsPerSecond achieved GFLOP/s counting 3x the forward FLOPs
   * @param buildSeconds time to build the training graph and session
   * @param stepMillis every timed step
   */
  public record Result(double msPerStep, double gflopsPerSecond, double buildSeconds, double[] stepMillis) {}

  @Override
  public Integer call() {
    Conflicts.atMostOne(spec, "--preset", "--config");
    ModelConfig model;
    try {
      model = config != null ? ReferenceModels.fromJsonFile(config).config() : Presets.get(preset);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    long flops = model.network().flopsPerImage();
    Result first = null;
    for (Precision p : precisions.stream().distinct().toList()) {
      Result r = bench(model, batchSize, warmup, steps, threads, p);
      out.printf(Locale.ROOT,
          "train-bench %s batch %d %s: %.1f ms/step (median of %d, after %d warm-up), %.2f images/s, %.1f GFLOP/s "
              + "(3 x %.2f GFLOP forward per image), build %.1f s, steps %s ms%n",
          config != null ? config.getFileName() : preset, batchSize, Precision.resolve(p).label(), r.msPerStep(), steps, warmup,
          batchSize / (r.msPerStep() / 1e3), r.gflopsPerSecond(), flops / 1e9, r.buildSeconds(),
          Arrays.toString(Arrays.stream(r.stepMillis()).map(Math::round).toArray()));
      if (first == null) {
        first = r;
      } else {
        out.printf(Locale.ROOT, "  %s / %s images/s: %.2fx%n", Precision.resolve(p).label(), precisions.get(0).label(),
            first.msPerStep() / r.msPerStep());
      }
    }
    return 0;
  }

  /** Times float32 training steps ({@link #bench(ModelConfig, int, int, int, int, Precision)}). */
  public static Result bench(ModelConfig model, int batchSize, int warmup, int steps, int threads) {
    return bench(model, batchSize, warmup, steps, threads, Precision.FP32);
  }

  /** Times {@code steps} training steps in {@code precision} after {@code warmup} untimed ones on random normal images. */
  public static Result bench(ModelConfig model, int batchSize, int warmup, int steps, int threads, Precision precision) {
    int per = model.imageHeight() * model.imageWidth() * model.channels();
    float[] x = new float[batchSize * per];
    SplittableRandom r = new SplittableRandom(1);
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) (r.nextDouble() * 2 - 1);
    }
    int[] y = new int[batchSize];
    for (int i = 0; i < batchSize; i++) {
      y[i] = i % model.numClasses();
    }
    Batch batch = new Batch(x, y, model.imageHeight(), model.imageWidth(), model.channels());
    TrainConfig tc = TrainConfig.builder().batchSize(batchSize).learningRate(1e-4).warmupSteps(0).threads(threads)
        .precision(precision).build();
    long t0 = System.nanoTime();
    try (Trainer t = Trainer.create(model, tc, warmup + steps)) {
      double build = (System.nanoTime() - t0) / 1e9;
      double[] ms = Timing.millis(warmup, steps, () -> t.step(batch));
      double median = Timing.median(ms);
      double gflops = 3.0 * model.network().flopsPerImage() * batchSize / (median / 1e3) / 1e9;
      return new Result(median, gflops, build, ms);
    }
  }
}
