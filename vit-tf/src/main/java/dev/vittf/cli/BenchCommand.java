package dev.vittf.cli;

import dev.vittf.models.ModelConfig;
import dev.vittf.models.Presets;
import dev.vittf.models.VitModel;
import dev.vittf.core.Mode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Inference benchmark: graph build time, first-run latency, steady-state images/s and achieved
 * GFLOP/s (analytic FLOPs) per batch size, plus the machine's measured matmul peak in TensorFlow and
 * the process's peak resident memory.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Benchmark a preset in graph mode: build time, first run, steady-state images/s, GFLOP/s.")
public final class BenchCommand implements Callable<Integer> {
  @Option(names = "--preset", defaultValue = "vit-b16", description = "preset name (default: ${DEFAULT-VALUE})")
  String preset;

  @Option(names = "--batch", split = ",", defaultValue = "1,8", description = "batch sizes (default: ${DEFAULT-VALUE})")
  List<Integer> batches;

  @Option(names = "--iterations", defaultValue = "20", description = "timed runs per batch size (default: ${DEFAULT-VALUE})")
  int iterations;

  @Option(names = "--warmup", defaultValue = "3", description = "untimed runs after the first (default: ${DEFAULT-VALUE})")
  int warmup;

  @Option(names = "--intra-op-threads", defaultValue = "0", description = "0 = TensorFlow default")
  int intraOp;

  @Option(names = "--inter-op-threads", defaultValue = "0", description = "0 = TensorFlow default")
  int interOp;

  @Option(names = "--peak", negatable = true, defaultValue = "true", description = "measure the matmul peak (default: ${DEFAULT-VALUE})")
  boolean peak;

  /** One measured configuration. */
  public record Row(String preset, int batch, double buildMs, double firstMs, double medianMs, double imagesPerSecond, double gflops) {}

  @Override
  public Integer call() throws Exception {
    ModelConfig config = Presets.get(preset);
    ConfigProto proto = ConfigProto.newBuilder()
        .setIntraOpParallelismThreads(intraOp).setInterOpParallelismThreads(interOp).build();
    System.out.printf("machine: %d cores, %s%n", Runtime.getRuntime().availableProcessors(), cpuModel());
    double peakGflops = peak ? measurePeakGflops(proto) : Double.NaN;
    if (peak) {
      System.out.printf("measured peak (2048x2048 float32 matmul in TensorFlow): %.1f GFLOP/s%n", peakGflops);
    }
    System.out.printf("%-10s %5s %10s %10s %10s %10s %10s %8s%n",
        "preset", "batch", "build ms", "first ms", "median ms", "images/s", "GFLOP/s", "of peak");
    for (int b : batches) {
      Row r = measure(config, b, proto);
      System.out.printf("%-10s %5d %10.0f %10.1f %10.2f %10.2f %10.1f %7.1f%%%n", preset, b, r.buildMs, r.firstMs,
          r.medianMs, r.imagesPerSecond, r.gflops, 100 * r.gflops / peakGflops);
    }
    System.out.printf("peak resident memory: %.0f MB%n", peakRssMb());
    return 0;
  }

  Row measure(ModelConfig config, int batch, ConfigProto proto) {
    long t0 = System.nanoTime();
    try (VitModel model = VitModel.create(config, new VitModel.Options(Mode.INFERENCE, 0, proto))) {
      double buildMs = (System.nanoTime() - t0) / 1e6;
      float[] data = new float[batch * config.imageHeight() * config.imageWidth() * config.channels()];
      Random rnd = new Random(0);
      for (int i = 0; i < data.length; i++) {
        data[i] = (float) rnd.nextGaussian();
      }
      Shape shape = Shape.of(batch, config.imageHeight(), config.imageWidth(), config.channels());
      try (TFloat32 input = TFloat32.tensorOf(shape, t -> t.asRawTensor().data().asFloats().write(data))) {
        Operand<TFloat32> logits = model.output("logits");
        long f0 = System.nanoTime();
        runOnce(model.session(), model, input, logits);
        double firstMs = (System.nanoTime() - f0) / 1e6;
        for (int i = 0; i < warmup; i++) {
          runOnce(model.session(), model, input, logits);
        }
        double[] ms = new double[iterations];
        for (int i = 0; i < iterations; i++) {
          long s = System.nanoTime();
          runOnce(model.session(), model, input, logits);
          ms[i] = (System.nanoTime() - s) / 1e6;
        }
        Arrays.sort(ms);
        double median = ms[ms.length / 2];
        double ips = batch / (median / 1000);
        double gflops = model.flopsPerImage() * (double) batch / (median / 1000) / 1e9;
        return new Row(preset, batch, buildMs, firstMs, median, ips, gflops);
      }
    }
  }

  private static void runOnce(Session session, VitModel model, TFloat32 input, Operand<TFloat32> logits) {
    try (Result r = session.runner().feed(model.input(), input).fetch(logits).run()) {
      if (r.size() != 1) {
        throw new IllegalStateException("expected one output");
      }
    }
  }

  /** Median GFLOP/s of a 2048x2048x2048 float32 MatMul in a TensorFlow session. */
  public static double measurePeakGflops(ConfigProto proto) {
    int n = 2048;
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Operand<TFloat32> a = tf.random.randomUniform(tf.constant(new int[] {n, n}), TFloat32.class);
      Operand<TFloat32> bm = tf.variable(tf.random.randomUniform(tf.constant(new int[] {n, n}), TFloat32.class));
      Operand<TFloat32> c = tf.linalg.matMul(tf.identity(a), tf.identity(bm));
      Operand<TFloat32> s = tf.math.mean(c, tf.constant(new int[] {0, 1}));
      try (Session session = proto == null ? new Session(g) : new Session(g, proto)) {
        session.initialize();
        double[] ms = new double[7];
        for (int i = -2; i < ms.length; i++) {
          long t = System.nanoTime();
          session.runner().fetch(s).run().close();
          if (i >= 0) {
            ms[i] = (System.nanoTime() - t) / 1e6;
          }
        }
        Arrays.sort(ms);
        return 2.0 * n * n * n / (ms[ms.length / 2] / 1000) / 1e9;
      }
    }
  }

  /** Peak resident set size of this process (VmHWM), in MB; NaN where /proc is unavailable. */
  public static double peakRssMb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
        }
      }
    } catch (IOException | NumberFormatException e) {
      return Double.NaN;
    }
    return Double.NaN;
  }

  static String cpuModel() {
    try {
      return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
          .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown CPU");
    } catch (IOException e) {
      return "unknown CPU";
    }
  }
}
