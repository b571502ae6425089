package dev.vittf.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vittf.analysis.Plots;
import dev.vittf.core.NativeLogging;
import dev.vittf.core.Precision;
import dev.vittf.models.Presets;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import dev.vittf.cli.support.Names;
import dev.vittf.cli.support.PathCheck;
import dev.vittf.cli.support.Ranges;
import dev.vittf.cli.support.UsageException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Runs {@code bench} for every architecture's seed preset and ViT-B/16, at each batch size, with and
 * without XLA auto-clustering, each configuration in its own child JVM (XLA is switched on by {@code
 * TF_XLA_FLAGS} at JVM start, and a fresh process gives each configuration its own peak resident
 * memory). Writes a Markdown table with the command, the machine and its load to {@code --output}
 * (between {@code bench-all} markers, so that hand-written notes around it survive a re-run) and a bar
 * chart of parameter count and throughput to {@code --png}.
 */
@Command(name = "bench-all", mixinStandardHelpOptions = true,
    description = "Benchmark every architecture's seed preset and ViT-B/16 (child JVM per configuration, XLA off/on) into a Markdown table.")
public final class BenchAllCommand implements Callable<Integer> {
  static final String BEGIN = "<!-- bench-all:begin -->";
  static final String END = "<!-- bench-all:end -->";

  @Option(names = "--presets", split = ",", converter = Names.PresetName.class,
      description = "presets (default: every registered '*-seed' preset, then vit-b16)")
  List<String> presets;

  @Mixin MeasurementOptions run;

  @Option(names = "--xla", split = ",", defaultValue = "off,on", description = "XLA modes to run (default: ${DEFAULT-VALUE})")
  List<String> xlaModes;

  @Option(names = "--precision", split = ",", defaultValue = "fp32,bf16", converter = Names.PrecisionName.class,
      description = "precisions, each measured in the same child run with its own matmul peak (default: ${DEFAULT-VALUE})")
  List<Precision> precisions;

  @Option(names = "--iterations", defaultValue = "10", converter = Ranges.PositiveInt.class, description = "timed runs per configuration (default: ${DEFAULT-VALUE})")
  int iterations;

  @Option(names = "--child-heap", defaultValue = "4g", description = "-Xmx of each child JVM (default: ${DEFAULT-VALUE})")
  String childHeap;

  @Option(names = "--output", converter = PathCheck.OutputFile.class, description = "Markdown file to write (e.g. docs/benchmarks.md); printed only if absent")
  Path output;

  @Option(names = "--png", converter = PathCheck.OutputFile.class, description = "bar chart PNG (parameters and batch-8 images/s per preset)")
  Path png;

  @Override
  public Integer call() throws Exception {
    for (String x : xlaModes) {
      if (!x.equals("on") && !x.equals("off")) {
        throw new UsageException("--xla=" + x + ": must be 'on' or 'off'");
      }
    }
    if (!childHeap.matches("[1-9][0-9]*[kKmMgG]?")) {
      throw new UsageException("--child-heap=" + childHeap + ": must be a JVM heap size such as 4g, 512m or 2048k");
    }
    List<String> names = presets != null ? presets : defaultPresets();
    double loadBefore = loadAverage();
    long t0 = System.nanoTime();
    List<Map<String, Object>> rows = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    for (String preset : names) {
      for (int batch : run.batches) {
        for (String xla : xlaModes) {
          boolean on = xla.equals("on");
          System.out.printf("--- %s batch %d XLA %s%n", preset, batch, xla);
          List<Map<String, Object>> measured = runChild(preset, batch, on);
          if (measured.isEmpty()) {
            failures.add(preset + " batch " + batch + " XLA " + xla);
          } else {
            rows.addAll(measured);
          }
        }
      }
    }
    double minutes = (System.nanoTime() - t0) / 6e10;
    double loadAfter = loadAverage();
    String markdown = markdown(rows, failures, loadBefore, loadAfter, minutes);
    if (output != null) {
      writeSection(output, markdown);
      System.out.println("wrote " + output);
    } else {
      System.out.println(markdown);
    }
    if (png != null && !rows.isEmpty()) {
      Plots.writePng(chart(rows), png);
      System.out.println("wrote " + png);
    }
    if (!failures.isEmpty()) {
      System.err.println("failed configurations: " + failures);
      return 1;
    }
    return 0;
  }

  /** Every registered {@code *-seed} preset (one per architecture), then {@code vit-b16}. */
  static List<String> defaultPresets() {
    List<String> out = new ArrayList<>(Presets.all().keySet().stream().filter(n -> n.endsWith("-seed")).toList());
    out.add("vit-b16");
    return out;
  }

  /** One child {@code bench} run: a row per precision, or none if it failed. */
  private List<Map<String, Object>> runChild(String preset, int batch, boolean xla) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx" + childHeap);
    cmd.add("-Dorg.bytedeco.javacpp.maxPhysicalBytes=0");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(Main.class.getName());
    cmd.addAll(List.of("bench", "--preset", preset, "--batch", String.valueOf(batch), "--iterations", String.valueOf(iterations),
        "--warmup", String.valueOf(run.warmup)));
    cmd.addAll(run.threads.args());
    cmd.addAll(List.of("--precision", precisionList()));
    cmd.add("--json");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().putIfAbsent(NativeLogging.LOG_LEVEL, "2");
    if (xla) {
      pb.environment().put("TF_XLA_FLAGS", BenchCommand.XLA_FLAGS);
    } else {
      pb.environment().remove("TF_XLA_FLAGS");
    }
    Process p = pb.start();
    List<Map<String, Object>> result = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        if (line.startsWith(BenchCommand.RESULT_PREFIX)) {
          @SuppressWarnings("unchecked")
          Map<String, Object> parsed = new ObjectMapper().readValue(line.substring(BenchCommand.RESULT_PREFIX.length()), Map.class);
          result.add(parsed);
        } else if (!line.startsWith("I0000") && !line.startsWith("WARNING: All log messages")) {
          System.out.println("  " + line);
        }
      }
    }
    int rc = p.waitFor();
    if (rc != 0 || result.isEmpty()) {
      System.out.println("  child exited with " + rc + (result.isEmpty() ? " and no result" : ""));
      return List.of();
    }
    if (xla && result.stream().anyMatch(r -> ((Number) r.get("xlaClusters")).intValue() == 0)) {
      System.out.println("  WARNING: XLA requested but no XLA cluster ran");
    }
    return result;
  }

  private String markdown(List<Map<String, Object>> rows, List<String> failures, double loadBefore, double loadAfter, double minutes) {
    StringBuilder md = new StringBuilder();
    String tf = rows.isEmpty() ? "?" : String.valueOf(rows.get(0).get("tensorflow"));
    md.append("Command (from the project root, after `mvn -B -ntp -DskipTests package`):\n\n```bash\n")
        .append(commandLine()).append("\n```\n\n");
    md.append("- Date: ").append(ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")))
        .append(String.format(Locale.ROOT, "; the run took %.1f min.%n", minutes));
    md.append("- Machine: ").append(BenchCommand.cpuModel()).append(", ").append(Runtime.getRuntime().availableProcessors())
        .append(" vCPUs").append(cpuDetails()).append(", ").append(memory()).append("; ").append(System.getProperty("os.name"))
        .append(' ').append(System.getProperty("os.version")).append("; Java ").append(System.getProperty("java.version"))
        .append("; TensorFlow ").append(tf).append(" (TF Java 1.1.0, oneDNN on).\n");
    md.append(String.format(Locale.ROOT,
        "- Load: 1-minute load average %.2f before and %.2f after the run (on %d vCPUs; anything above ~1 means other "
            + "processes competed for the cores, which lowers images/s and the peak alike).%n",
        loadBefore, loadAfter, Runtime.getRuntime().availableProcessors()));
    md.append(String.format(Locale.ROOT,
        "- Settings: graph mode, inference, random weights (seed 0), N(0,1) input; intra-op threads %s, inter-op threads %s; "
            + "%d warm-up runs after the first, then the median of %d timed runs; one child JVM per row.%n",
        threadCount(run.threads.intraOp), threadCount(run.threads.interOp), run.warmup, iterations));
    md.append("- XLA on: the child JVM starts with `TF_XLA_FLAGS=\"").append(BenchCommand.XLA_FLAGS)
        .append("\"` (auto-clustering; the column `clusters` counts the XLA clusters that ran in a traced step).\n");
    md.append("- Columns: `graph` = building the graph (ops and variables); `init` = creating the session and running the "
        + "random initialisers; `first` = first run (grappler, oneDNN primitives, XLA compilation); `median` = steady-state "
        + "latency per batch; `GFLOP/s` = analytic FLOPs (2 per multiply-add) / median; `prec` = what the model computes in "
        + "(docs/precision.md); `peak` = median over the timed runs of the better of "
        + "a 1024³ and a 2048³ MatMul in TensorFlow (oneDNN) of the row's precision (float32, or bf16 operands), measured in the "
        + "same JVM interleaved run by run with the model's timed runs (every precision's matmuls after every model run, so "
        + "both see the same load); `% of peak` = median over the timed runs of the model's GFLOP/s over the peak of the "
        + "matmul runs right after it (paired, so load changes cancel; close to GFLOP/s ÷ peak); `RSS` = peak resident memory of the child process.\n\n");
    md.append("| preset | arch | params | GFLOPs/img | batch | XLA | prec | clusters | graph ms | init ms | first ms | median ms | images/s | GFLOP/s | peak GFLOP/s | % of peak | RSS MB |\n");
    md.append("|---|---|---:|---:|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Map<String, Object> r : rows) {
      double gflops = num(r, "gflops");
      double peak = num(r, "peakGflops");
      md.append(String.format(Locale.ROOT,
          "| %s | %s | %,d | %.3f | %d | %s | %s | %d | %.0f | %.0f | %.0f | %.2f | %.2f | %.1f | %.1f | %.0f%% | %.0f |%n",
          r.get("preset"), r.get("architecture"), (long) num(r, "parameters"), num(r, "flopsPerImage") / 1e9,
          (int) num(r, "batch"), Boolean.TRUE.equals(r.get("xla")) ? "on" : "off", r.get("precision"), (int) num(r, "xlaClusters"),
          num(r, "graphMs"), num(r, "initMs"), num(r, "firstMs"), num(r, "medianMs"), num(r, "imagesPerSecond"), gflops, peak,
          100 * num(r, "fractionOfPeak"), num(r, "peakRssMb")));
    }
    md.append(speedups(rows));
    if (!failures.isEmpty()) {
      md.append("\nFailed configurations: ").append(String.join(", ", failures)).append('\n');
    }
    if (png != null) {
      md.append("\n![parameters and throughput per preset](").append(png.getFileName()).append(")\n");
    }
    return md.toString();
  }

  /**
   * The bf16 / fp32 ratio of images/s per preset, batch and XLA mode, from the two rows of the same child run (same
   * JVM, one after the other), or "" unless both precisions were measured.
   */
  static String speedups(List<Map<String, Object>> rows) {
    Map<String, Map<String, Double>> ips = new LinkedHashMap<>();
    for (Map<String, Object> r : rows) {
      String key = r.get("preset") + "|" + (int) num(r, "batch") + "|" + (Boolean.TRUE.equals(r.get("xla")) ? "on" : "off");
      ips.computeIfAbsent(key, k -> new LinkedHashMap<>()).put(String.valueOf(r.get("precision")), num(r, "imagesPerSecond"));
    }
    StringBuilder md = new StringBuilder();
    for (Map.Entry<String, Map<String, Double>> e : ips.entrySet()) {
      Double f = e.getValue().get(Precision.FP32.label());
      Double h = e.getValue().get(Precision.BF16.label());
      if (f != null && h != null) {
        if (md.length() == 0) {
          md.append("\nbf16 / fp32 images/s (the two rows of one child run):\n\n| preset | batch | XLA | fp32 images/s | bf16 images/s | bf16 / fp32 |\n")
              .append("|---|---:|---|---:|---:|---:|\n");
        }
        String[] k = e.getKey().split("\\|");
        md.append(String.format(Locale.ROOT, "| %s | %s | %s | %.2f | %.2f | %.2f× |%n", k[0], k[1], k[2], f, h, h / f));
      }
    }
    return md.toString();
  }

  private java.awt.image.BufferedImage chart(List<Map<String, Object>> rows) {
    Map<String, double[]> perPreset = new LinkedHashMap<>();
    int batch = run.batches.stream().mapToInt(Integer::intValue).max().orElse(1);
    for (Map<String, Object> r : rows) {
      double[] v = perPreset.computeIfAbsent((String) r.get("preset"), k -> new double[] {Double.NaN, Double.NaN, Double.NaN});
      v[0] = num(r, "parameters") / 1e6;
      if ((int) num(r, "batch") == batch && !Boolean.TRUE.equals(r.get("xla"))) {
        v[Precision.BF16.label().equals(r.get("precision")) ? 2 : 1] = num(r, "imagesPerSecond");
      }
    }
    List<String> labels = new ArrayList<>(perPreset.keySet());
    List<Plots.Series> series = new ArrayList<>();
    series.add(new Plots.Series("parameters (millions)", perPreset.values().stream().mapToDouble(v -> v[0]).toArray()));
    series.add(new Plots.Series("images / s, fp32", perPreset.values().stream().mapToDouble(v -> v[1]).toArray()));
    if (precisions.contains(Precision.BF16)) {
      series.add(new Plots.Series("images / s, bf16", perPreset.values().stream().mapToDouble(v -> v[2]).toArray()));
    }
    return Plots.barChart("parameters and throughput per preset (graph mode, batch " + batch + ", no XLA)", labels,
        series, 900, 520);
  }

  private String precisionList() {
    return String.join(",", precisions.stream().distinct().map(Precision::label).toList());
  }

  private static Object threadCount(int n) {
    return n == 0 ? "default" : n;
  }

  private static double num(Map<String, Object> r, String key) {
    Object v = r.get(key);
    return v instanceof Number n ? n.doubleValue() : Double.NaN;
  }

  private String commandLine() {
    StringBuilder sb = new StringBuilder("java -jar vit-tf/cli/target/vit-tf.jar bench-all");
    if (presets != null) {
      sb.append(" --presets ").append(String.join(",", presets));
    }
    sb.append(" --batch ").append(run.batches.stream().map(String::valueOf).reduce((a, b) -> a + "," + b).orElse(""));
    sb.append(" --xla ").append(String.join(",", xlaModes));
    sb.append(" --precision ").append(precisionList());
    sb.append(" --iterations ").append(iterations).append(" --warmup ").append(run.warmup);
    if (run.threads.intraOp != 0 || run.threads.interOp != 0) {
      sb.append(' ').append(String.join(" ", run.threads.args()));
    }
    if (output != null) {
      sb.append(" --output ").append(output);
    }
    if (png != null) {
      sb.append(" --png ").append(png);
    }
    return sb.toString();
  }

  /** Replaces the marked section of {@code file} (or writes a new file with a title and the section). */
  static void writeSection(Path file, String section) throws IOException {
    String block = BEGIN + "\n" + section + END + "\n";
    String text;
    if (Files.exists(file)) {
      String old = Files.readString(file);
      int b = old.indexOf(BEGIN);
      int e = old.indexOf(END);
      text = b >= 0 && e > b ? old.substring(0, b) + block + old.substring(e + END.length()).replaceFirst("^\n", "") : old + "\n" + block;
    } else {
      text = "# Benchmarks\n\n" + block;
    }
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.writeString(file, text);
  }

  private static double loadAverage() {
    try {
      return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }

  private static String memory() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal:")) {
          return String.format(Locale.ROOT, "%.0f GB RAM", Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0 / 1024.0);
        }
      }
    } catch (IOException | RuntimeException e) {
      return "? GB RAM";
    }
    return "? GB RAM";
  }

  private static String cpuDetails() {
    try {
      List<String> lines = Files.readAllLines(Path.of("/proc/cpuinfo"));
      String family = lines.stream().filter(l -> l.startsWith("cpu family")).findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("?");
      String mhz = lines.stream().filter(l -> l.startsWith("cpu MHz")).findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("?");
      String flags = lines.stream().filter(l -> l.startsWith("flags")).findFirst().orElse("") + " ";
      String isa = (flags.contains(" avx512f ") ? ", AVX-512" : "") + (flags.contains(" avx512_bf16 ") ? ", AVX512-BF16" : "")
          + (flags.contains(" amx_bf16 ") ? ", AMX-BF16" : "");
      return " (family " + family + ", " + mhz + " MHz" + isa + ")";
    } catch (IOException e) {
      return "";
    }
  }
}
