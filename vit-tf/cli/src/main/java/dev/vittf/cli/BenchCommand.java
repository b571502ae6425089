package dev.vittf.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vittf.core.HostTensor;
import dev.vittf.core.Mode;
import dev.vittf.core.Precision;
import dev.vittf.io.CheckpointSource;
import dev.vittf.io.Checkpoints;
import dev.vittf.models.ModelConfig;
import dev.vittf.models.Network;
import dev.vittf.models.Presets;
import dev.vittf.models.VitModel;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.TensorFlow;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.DeviceStepStats;
import org.tensorflow.proto.NodeExecStats;
import org.tensorflow.proto.RunMetadata;
import org.tensorflow.proto.RunOptions;
import org.tensorflow.types.TFloat32;
import dev.vittf.cli.support.Conflicts;
import dev.vittf.cli.support.Names;
import dev.vittf.cli.support.PathCheck;
import dev.vittf.cli.support.Ranges;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Inference benchmark of one preset in graph mode, per batch size: graph construction time, session
 * creation + variable initialisation time, first-run latency, steady-state median latency, images/s,
 * achieved GFLOP/s (analytic FLOPs) and its fraction of the machine's matmul peak, peak resident memory,
 * and the number of XLA clusters that actually ran.
 *
 * <p>The peak is the best of square float32 MatMuls in TensorFlow ({@code --peak-size}, default 1024
 * and 2048), each measured in this JVM <em>interleaved</em> with the model's timed runs (one model run,
 * one run of each peak matmul, ...), so that both see the same machine load; the fraction compares the
 * medians. XLA auto-clustering is switched on only by the environment at JVM
 * start ({@code TF_XLA_FLAGS="--tf_xla_auto_jit=2 --tf_xla_cpu_global_jit"}); {@code bench-all} starts
 * one child JVM per configuration for that reason. The peak MatMul is marked {@code _XlaCompile=false}
 * so that it measures the same kernel with and without XLA.
 *
 * <p>{@code --precision fp32,bf16} measures each batch size in each precision; every precision has its own peak
 * matmuls (bf16 operands for bf16), all interleaved with every model's runs, so each row's fraction is of the peak
 * of its own number format, measured in the same run, and the bf16 / fp32 ratio of images/s is printed per batch.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Benchmark a preset in graph mode: build time, first run, steady-state images/s, GFLOP/s vs the measured matmul peak.")
public final class BenchCommand implements Callable<Integer> {
  /** Prefix of the machine-readable result lines ({@code --json}). */
  public static final String RESULT_PREFIX = "BENCH_RESULT ";
  /** The environment value that turns on XLA auto-clustering on CPU. */
  public static final String XLA_FLAGS = "--tf_xla_auto_jit=2 --tf_xla_cpu_global_jit";

  @Spec CommandSpec spec;

  @Option(names = "--preset", defaultValue = "vit-b16", converter = Names.PresetName.class, description = "preset name (default: ${DEFAULT-VALUE})")
  String preset;

  @Mixin MeasurementOptions run;

  @Option(names = "--iterations", defaultValue = "20", converter = Ranges.PositiveInt.class, description = "timed runs per batch size (default: ${DEFAULT-VALUE})")
  int iterations;

  // fallbackValue: without it picocli sets a default-true negatable option to false on "--peak" and true on "--no-peak".
  @Option(names = "--peak", negatable = true, defaultValue = "true", fallbackValue = "true", description = "measure the matmul peak (default: ${DEFAULT-VALUE})")
  boolean peak;

  @Option(names = "--peak-size", split = ",", defaultValue = "1024,2048", converter = Ranges.PositiveInt.class,
      description = "sizes n of the n x n x n peak matmuls; the best is the peak (default: ${DEFAULT-VALUE})")
  List<Integer> peakSizes;

  @Option(names = "--precision", split = ",", defaultValue = "fp32", converter = Names.PrecisionName.class,
      description = "compute precisions to measure, fp32 and/or bf16 (default: ${DEFAULT-VALUE})")
  List<Precision> precisions;

  @Option(names = "--profile", description = "print the slowest op types and nodes of one traced run")
  boolean profile;

  @Option(names = "--checkpoint", paramLabel = "FILE", converter = PathCheck.InputFile.class,
      description = "first time building the preset from this safetensors checkpoint, from JVM start to ready to predict")
  Path checkpoint;

  @Option(names = "--source", defaultValue = "NATIVE", converter = Names.SourceName.class,
      description = "naming of --checkpoint: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})")
  CheckpointSource source;

  @Option(names = "--json", description = "also print one machine-readable '" + "BENCH_RESULT {json}' line per batch size")
  boolean json;

  /**
   * One measured configuration.
   *
   * @param preset preset name
   * @param architecture architecture id
   * @param parameters scalar parameter count
   * @param flopsPerImage analytic FLOPs per image
   * @param batch batch size
   * @param xla whether XLA auto-clustering was enabled (TF_XLA_FLAGS)
   * @param precision the precision the model computed in ({@code fp32}, {@code bf16}), and of its peak matmul
   * @param xlaClusters XLA clusters executed in a traced run (0 without XLA)
   * @param intraOp intra-op threads (0 = default)
   * @param interOp inter-op threads (0 = default)
   * @param graphMs graph construction and session creation
   * @param initMs variable initialisation (the seeded random initialisers)
   * @param firstMs first run (grappler, oneDNN primitive creation, XLA compilation)
   * @param medianMs steady-state median latency per batch
   * @param imagesPerSecond steady-state throughput
   * @param gflops achieved GFLOP/s
   * @param peakGflops median over the timed iterations of the best interleaved peak matmul (NaN without {@code --peak})
   * @param peakSize the peak matmul size {@code n} that was best most often
   * @param fractionOfPeak median over the timed iterations of (model GFLOP/s / that iteration's peak)
   * @param peakRssMb peak resident set size of the process so far
   * @param tensorflow TensorFlow runtime version
   */
  public record Row(String preset, String architecture, long parameters, long flopsPerImage, int batch, boolean xla,
      String precision, int xlaClusters, int intraOp, int interOp, double graphMs, double initMs, double firstMs, double medianMs,
      double imagesPerSecond, double gflops, double peakGflops, int peakSize, double fractionOfPeak, double peakRssMb,
      String tensorflow) {}

  @Override
  public Integer call() throws Exception {
    Conflicts.requires(spec, "--source", "--checkpoint", "it names the checkpoint's tensor naming");
    Conflicts.ignoredWhen(spec, "--peak-size", !peak, "with --no-peak");
    ModelConfig config = Presets.get(preset);
    ConfigProto proto = sessionConfig(run.threads.intraOp, run.threads.interOp);
    if (checkpoint != null) {
      checkpointLoad(config, proto); // first, so that "after JVM start" includes the native library load
    }
    boolean xla = xlaEnabled();
    System.out.printf("machine: %d cores, %s; TensorFlow %s; XLA auto-jit %s; threads intra=%d inter=%d (0 = default)%n",
        Runtime.getRuntime().availableProcessors(), cpuModel(), TensorFlow.version(), xla ? "ON" : "off", run.threads.intraOp, run.threads.interOp);
    System.out.printf("%-18s %5s %5s %9s %9s %9s %10s %9s %8s %8s %7s %6s%n", "preset", "batch", "prec", "graph ms",
        "init ms", "first ms", "median ms", "images/s", "GFLOP/s", "peak", "of peak", "xla");
    List<Precision> wanted = precisions.stream().distinct().toList();
    Map<Precision, List<PeakMatmul>> pms = new java.util.EnumMap<>(Precision.class);
    try {
      for (Precision p : wanted) {
        List<PeakMatmul> list = new java.util.ArrayList<>();
        pms.put(p, list);
        if (peak) {
          for (int n : peakSizes) {
            list.add(new PeakMatmul(n, Precision.resolve(p), null)); // TensorFlow defaults (all cores), whatever the model uses
          }
        }
      }
      List<PeakMatmul> all = pms.values().stream().flatMap(List::stream).toList();
      for (int b : run.batches) {
        Map<Precision, Row> rows = new java.util.EnumMap<>(Precision.class);
        for (Precision p : wanted) {
          Row r = measure(config, b, p, proto, pms.get(p), all);
          rows.put(p, r);
          System.out.printf("%-18s %5d %5s %9.0f %9.0f %9.1f %10.2f %9.2f %8.1f %8.1f %6.1f%% %6d%n", preset, b, r.precision(),
              r.graphMs(), r.initMs(), r.firstMs(), r.medianMs(), r.imagesPerSecond(), r.gflops(), r.peakGflops(),
              100 * r.fractionOfPeak(), r.xlaClusters());
          if (json) {
            System.out.println(RESULT_PREFIX + new ObjectMapper().writeValueAsString(r));
          }
        }
        if (rows.containsKey(Precision.FP32) && rows.containsKey(Precision.BF16)) {
          Row f = rows.get(Precision.FP32);
          Row h = rows.get(Precision.BF16);
          System.out.printf("  batch %d: %s %.2f images/s = %.2fx fp32 (peak matmul %s/fp32: %.2fx)%n", b, h.precision(),
              h.imagesPerSecond(), h.imagesPerSecond() / f.imagesPerSecond(), h.precision(), h.peakGflops() / f.peakGflops());
        }
      }
    } finally {
      pms.values().forEach(list -> list.forEach(PeakMatmul::close));
    }
    System.out.printf("peak resident memory: %.0f MB%n", peakRssMb());
    return 0;
  }

  /**
   * Times {@link Checkpoints#model} (native library load and graph build, while another thread reads the file
   * into TensorFlow tensors; then one assign run; no random initialiser), then the first run.
   */
  private void checkpointLoad(ModelConfig config, ConfigProto proto) throws Exception {
    long sinceJvmStart = System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
    long t0 = System.nanoTime();
    try (VitModel model = Checkpoints.model(checkpoint, config, source, new VitModel.Options(Mode.INFERENCE, 0, proto))) {
      long t1 = System.nanoTime();
      long ready = System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
      model.predict(HostTensor.zeros(1, config.imageHeight(), config.imageWidth(), config.channels()));
      long t2 = System.nanoTime();
      System.out.printf("load from checkpoint: ready to predict %d ms after JVM start (JVM start to command %d ms, "
              + "then %.0f ms in Checkpoints.model: TensorFlow %s native library and graph build || read, then assign; "
              + "no random initialiser); first run %.0f ms%n",
          ready, sinceJvmStart, (t1 - t0) / 1e6, TensorFlow.version(), (t2 - t1) / 1e6);
    }
  }

  /** A session config with the given thread counts (0 = TensorFlow's default). */
  public static ConfigProto sessionConfig(int intraOp, int interOp) {
    return ConfigProto.newBuilder().setIntraOpParallelismThreads(intraOp).setInterOpParallelismThreads(interOp).build();
  }

  /** Whether this JVM was started with XLA auto-clustering flags. */
  public static boolean xlaEnabled() {
    String flags = System.getenv("TF_XLA_FLAGS");
    return flags != null && flags.contains("tf_xla_auto_jit");
  }

  /**
   * One row: the model in {@code precision}, its fraction of the peak matmuls {@code pms} (its own number format),
   * and every matmul of {@code interleaved} (all precisions) run between its timed runs, so that every row sees the
   * same mix of work.
   */
  Row measure(ModelConfig config, int batch, Precision precision, ConfigProto proto, List<PeakMatmul> pms,
      List<PeakMatmul> interleaved) {
    long t0 = System.nanoTime();
    try (VitModel model = VitModel.create(config, new VitModel.Options(Mode.INFERENCE, 0, proto, precision))) {
      double graphMs = (System.nanoTime() - t0) / 1e6;
      long t1 = System.nanoTime();
      model.initialize();
      double initMs = (System.nanoTime() - t1) / 1e6;
      Session session = model.session();
      Operand<TFloat32> images = model.input();
      Operand<TFloat32> logits = model.output(Network.LOGITS);
      float[] data = new float[batch * config.imageHeight() * config.imageWidth() * config.channels()];
      Random rnd = new Random(0);
      for (int i = 0; i < data.length; i++) {
        data[i] = (float) rnd.nextGaussian();
      }
      Shape shape = Shape.of(batch, config.imageHeight(), config.imageWidth(), config.channels());
      try (TFloat32 input = TFloat32.tensorOf(shape, t -> t.asRawTensor().data().asFloats().write(data))) {
        long f0 = System.nanoTime();
        runOnce(session, images, input, logits);
        double firstMs = (System.nanoTime() - f0) / 1e6;
        for (int i = 0; i < run.warmup; i++) {
          runOnce(session, images, input, logits);
        }
        interleaved.forEach(PeakMatmul::runMs);
        double[] ms = new double[iterations];
        double[][] peakMs = new double[pms.size()][iterations];
        for (int i = 0; i < iterations; i++) {
          long s = System.nanoTime();
          runOnce(session, images, input, logits);
          ms[i] = (System.nanoTime() - s) / 1e6;
          for (PeakMatmul m : interleaved) {
            double t = m.runMs();
            int p = pms.indexOf(m);
            if (p >= 0) {
              peakMs[p][i] = t;
            }
          }
        }
        double median = median(ms);
        // Per iteration: the best peak matmul of that iteration, and the model's GFLOP/s over it (paired,
        // so that load changes between iterations cancel); the fraction is the median of these ratios.
        double flops = model.flopsPerImage() * (double) batch;
        double[] peakPerIter = new double[iterations];
        double[] ratio = new double[iterations];
        int[] bestSize = new int[iterations];
        for (int i = 0; i < iterations; i++) {
          peakPerIter[i] = Double.NaN;
          for (int p = 0; p < pms.size(); p++) {
            double gf = pms.get(p).flops() / (peakMs[p][i] / 1000) / 1e9;
            if (Double.isNaN(peakPerIter[i]) || gf > peakPerIter[i]) {
              peakPerIter[i] = gf;
              bestSize[i] = pms.get(p).size();
            }
          }
          ratio[i] = flops / (ms[i] / 1000) / 1e9 / peakPerIter[i];
        }
        double peakGflops = pms.isEmpty() ? Double.NaN : median(peakPerIter);
        double fraction = pms.isEmpty() ? Double.NaN : median(ratio);
        int peakN = pms.isEmpty() ? 0 : mostFrequent(bestSize);
        Map<String, long[]> byType = new HashMap<>();
        Map<String, long[]> byNode = new HashMap<>();
        int clusters = trace(session, images, input, logits, byType, byNode);
        if (profile) {
          printProfile(byType, byNode);
        }
        double ips = batch / (median / 1000);
        double gflops = model.flopsPerImage() * (double) batch / (median / 1000) / 1e9;
        return new Row(preset, config.architecture(), model.parameterCount(), model.flopsPerImage(), batch, xlaEnabled(),
            model.precision().label(), clusters, proto.getIntraOpParallelismThreads(), proto.getInterOpParallelismThreads(), graphMs, initMs, firstMs,
            median, ips, gflops, peakGflops, peakN, fraction, peakRssMb(), TensorFlow.version());
      }
    }
  }

  private static int mostFrequent(int[] values) {
    Map<Integer, Integer> counts = new HashMap<>();
    int best = values[0];
    for (int v : values) {
      if (counts.merge(v, 1, Integer::sum) > counts.getOrDefault(best, 0)) {
        best = v;
      }
    }
    return best;
  }

  private static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  private static void runOnce(Session session, Operand<TFloat32> images, TFloat32 input, Operand<TFloat32> logits) {
    try (Result r = session.runner().feed(images, input).fetch(logits).run()) {
      if (r.size() != 1) {
        throw new IllegalStateException("expected one output");
      }
    }
  }

  /**
   * One traced run: accumulates microseconds per op type and per node (block indices collapsed to
   * {@code blocks/*}) and returns the number of XLA clusters executed.
   */
  private static int trace(Session session, Operand<TFloat32> images, TFloat32 input, Operand<TFloat32> logits,
      Map<String, long[]> byType, Map<String, long[]> byNode) {
    RunOptions opts = RunOptions.newBuilder().setTraceLevel(RunOptions.TraceLevel.FULL_TRACE).build();
    int clusters = 0;
    try (Result r = session.runner().feed(images, input).fetch(logits).setOptions(opts).runAndFetchMetadata()) {
      RunMetadata md = r.getMetadata().orElseThrow();
      for (DeviceStepStats d : md.getStepStats().getDevStatsList()) {
        for (NodeExecStats ns : d.getNodeStatsList()) {
          String label = ns.getTimelineLabel();
          int eq = label.indexOf("= ");
          String type = eq < 0 ? "?" : label.substring(eq + 2).replaceAll("\\(.*", "").trim();
          long us = ns.getOpEndRelMicros() - ns.getOpStartRelMicros();
          if (type.equals("_XlaRun")) {
            clusters++;
          }
          byType.computeIfAbsent(type, k -> new long[1])[0] += us;
          byNode.computeIfAbsent(ns.getNodeName().replaceAll("blocks/\\d+/", "blocks/*/"), k -> new long[1])[0] += us;
        }
      }
    }
    return clusters;
  }

  private static void printProfile(Map<String, long[]> byType, Map<String, long[]> byNode) {
    long total = byType.values().stream().mapToLong(v -> v[0]).sum();
    System.out.printf("  op time by type (one traced run, %.1f ms summed over ops):%n", total / 1e3);
    byType.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue()[0], a.getValue()[0])).limit(12)
        .forEach(e -> System.out.printf("    %-32s %10.2f ms %5.1f%%%n", e.getKey(), e.getValue()[0] / 1e3, 100.0 * e.getValue()[0] / total));
    System.out.println("  by node (all blocks summed):");
    byNode.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue()[0], a.getValue()[0])).limit(12)
        .forEach(e -> System.out.printf("    %-48s %10.2f ms %5.1f%%%n", e.getKey(), e.getValue()[0] / 1e3, 100.0 * e.getValue()[0] / total));
  }

  /**
   * The machine's matmul peak in TensorFlow: an {@code n x n x n} MatMul (float32, or bfloat16 operands and
   * result) of two variables (no random op per run), reduced to a scalar so that fetching costs nothing, and
   * excluded from XLA clustering so that it runs the same (oneDNN) kernel in every configuration.
   */
  public static final class PeakMatmul implements AutoCloseable {
    private final int n;
    private final Precision precision;
    private final Graph graph;
    private final Session session;
    private final Operand<?> out;

    /** A float32 peak matmul. */
    public PeakMatmul(int n, ConfigProto proto) {
      this(n, Precision.FP32, proto);
    }

    /** Builds and initialises the peak graph in {@code precision} (and runs it twice to warm up). */
    public PeakMatmul(int n, Precision precision, ConfigProto proto) {
      this.n = n;
      this.precision = precision;
      this.graph = new Graph();
      try {
        Ops tf = Ops.create(graph);
        Class<? extends org.tensorflow.types.family.TFloating> type = precision.computeType();
        Operand<?> a = tf.variable(tf.dtypes.cast(tf.random.randomUniform(tf.constant(new int[] {n, n}), TFloat32.class), type));
        Operand<?> b = tf.variable(tf.dtypes.cast(tf.random.randomUniform(tf.constant(new int[] {n, n}), TFloat32.class), type));
        Output<?> c = graph.opBuilder("MatMul", "peak_matmul", tf.scope())
            .addInput(tf.identity(a).asOutput())
            .addInput(tf.identity(b).asOutput())
            .setAttr("T", precision == Precision.BF16 ? DataType.DT_BFLOAT16 : DataType.DT_FLOAT)
            .setAttr("_XlaCompile", false)
            .build()
            .output(0);
        // a 1x1 slice: reducing the whole result would add an n^2 pass in the slower precision
        this.out = tf.slice(c, tf.constant(new int[] {0, 0}), tf.constant(new int[] {1, 1}));
        this.session = proto == null ? new Session(graph) : new Session(graph, proto);
      } catch (RuntimeException | Error e) {
        graph.close();
        throw e;
      }
      session.initialize();
      runMs();
      runMs();
    }

    /** The size {@code n}. */
    public int size() {
      return n;
    }

    /** The number format of the operands. */
    public Precision precision() {
      return precision;
    }

    /** FLOPs of one run. */
    public double flops() {
      return 2.0 * n * n * (double) n;
    }

    /** One timed run, in ms. */
    public double runMs() {
      long t = System.nanoTime();
      try (Result r = session.runner().fetch(out).run()) {
        double ms = (System.nanoTime() - t) / 1e6;
        if (r.size() != 1) {
          throw new IllegalStateException("expected one output");
        }
        return ms;
      }
    }

    /** Median GFLOP/s of {@code runs} runs. */
    public double gflops(int runs) {
      double[] ms = new double[runs];
      for (int i = 0; i < runs; i++) {
        ms[i] = runMs();
      }
      return flops() / (median(ms) / 1000) / 1e9;
    }

    @Override
    public void close() {
      session.close();
      graph.close();
    }
  }

  /** Median GFLOP/s of a 2048x2048x2048 float32 MatMul in a TensorFlow session. */
  public static double measurePeakGflops(ConfigProto proto) {
    try (PeakMatmul pm = new PeakMatmul(2048, proto)) {
      return pm.gflops(7);
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
