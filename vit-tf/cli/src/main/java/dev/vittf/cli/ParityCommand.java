package dev.vittf.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vittf.cli.support.PathCheck;
import dev.vittf.cli.support.UsageException;
import dev.vittf.core.HostTensor;
import dev.vittf.io.Pretrained;
import dev.vittf.io.ReferenceModels;
import dev.vittf.io.ReferenceModels.ReferenceModel;
import dev.vittf.io.SafeTensors;
import dev.vittf.models.EagerRunner;
import dev.vittf.models.VitModel;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Runs every reference case of a fixture folder in graph and eager mode and prints one line per case:
 * {@code PASS} (both modes within {@value #TOLERANCE} of PyTorch's logits), {@code FAIL} (a larger
 * difference, or a file that cannot be read or does not match the model, with the reason) or {@code
 * UNSUPPORTED} (the case's model description is one this library cannot build yet, with the reason). It goes
 * on past failures and exits 0 only when every case passes, 1 otherwise, 2 when the folder is missing or
 * holds no case.
 */
@Command(name = "parity", mixinStandardHelpOptions = true,
    description = "Compare logits with the reference fixtures (graph and eager), tolerance 1e-4; one line per case, "
        + "exit 1 unless every case passes.")
final class ParityCommand implements Callable<Integer> {
  /** Largest accepted max |logits - reference|. */
  static final double TOLERANCE = 1e-4;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ROW = "%-30s %-18s %12s %12s  %s%n";

  @Option(names = "--fixtures", converter = PathCheck.InputDir.class, description = "fixture directory (default: the project's vit-tf/fixtures, found from "
      + "the working directory or the jar's location)")
  Path dir;

  private final PrintStream out;

  /** A command printing to standard output (errors go through the tool's handler). */
  ParityCommand() {
    this(System.out);
  }

  ParityCommand(PrintStream out) {
    this.out = out;
  }

  ParityCommand withDir(Path d) {
    dir = d;
    return this;
  }

  /** How one case ended. */
  enum Status { PASS, FAIL, UNSUPPORTED }

  /** One case's outcome; a diff is NaN when that mode did not run. */
  record Outcome(String name, String family, Status status, double graphDiff, double eagerDiff, String reason) {}

  @Override
  public Integer call() throws IOException {
    Path fixtures = FixtureLocator.locate(dir); // not found: a usage error (exit 2)
    List<String> cases = cases(fixtures);
    if (cases.isEmpty()) {
      // An empty input is an error, never "0 cases" with exit 0.
      throw new UsageException("no fixture cases in " + fixtures.toAbsolutePath()
          + " (a case is <name>.json with <name>.safetensors and <name>.io.safetensors)");
    }
    out.println("fixtures: " + fixtures.toAbsolutePath());
    out.printf(ROW, "case", "family", "graph diff", "eager diff", "result");
    int passed = 0;
    int failed = 0;
    int unsupported = 0;
    for (String c : cases) {
      Outcome o = run(fixtures, c);
      switch (o.status()) {
        case PASS -> passed++;
        case FAIL -> failed++;
        case UNSUPPORTED -> unsupported++;
      }
      out.printf(ROW, c, o.family(), diff(o.graphDiff()), diff(o.eagerDiff()),
          o.status() + (o.reason().isEmpty() ? "" : ": " + o.reason()));
      out.flush();
    }
    out.printf("%d cases: %d passed, %d failed, %d unsupported%n", cases.size(), passed, failed, unsupported);
    return passed == cases.size() ? 0 : 1;
  }

  /**
   * Every {@code <name>.json} directly in {@code dir}, and every sub-folder holding {@code
   * expected.io.safetensors} (a hub snapshot case), sorted; a case missing its other files fails when run.
   */
  static List<String> cases(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> Files.isRegularFile(p) && p.getFileName().toString().endsWith(".json")
              || Files.isRegularFile(p.resolve(HUB_EXPECTED)))
          .map(p -> p.getFileName().toString())
          .map(n -> n.endsWith(".json") ? n.substring(0, n.length() - ".json".length()) : n).sorted().toList();
    }
  }

  /** The expected outputs of a hub snapshot case. */
  static final String HUB_EXPECTED = "expected.io.safetensors";

  /** Runs one case; never throws for a problem of the case itself. */
  static Outcome run(Path dir, String name) {
    if (Files.isDirectory(dir.resolve(name))) {
      return runHub(dir.resolve(name), name);
    }
    Path json = dir.resolve(name + ".json");
    String family = family(json);
    ReferenceModel ref;
    try {
      ref = ReferenceModels.fromJsonFile(json);
    } catch (UnsupportedOperationException | IllegalArgumentException e) {
      // The description is readable but names a family or arguments this library does not build.
      return new Outcome(name, family, Status.UNSUPPORTED, Double.NaN, Double.NaN, message(e));
    } catch (IOException e) {
      return new Outcome(name, family, Status.FAIL, Double.NaN, Double.NaN, json.getFileName() + ": " + message(e));
    }
    List<String> missing = new ArrayList<>();
    List<String> unusable = new ArrayList<>();
    for (String[] f : new String[][] {{name + ".safetensors", "the state_dict"}, {name + ".io.safetensors", "input batch and logits"}}) {
      Path file = dir.resolve(f[0]);
      if (!Files.exists(file)) {
        missing.add(f[0] + " (" + f[1] + ")");
      } else {
        PathCheck.problem(file, PathCheck.Role.INPUT_FILE).ifPresent(why -> unusable.add(f[0] + " " + why));
      }
    }
    if (!missing.isEmpty() || !unusable.isEmpty()) {
      String reason = (missing.isEmpty() ? "" : "missing " + String.join(", ", missing)) + (missing.isEmpty() || unusable.isEmpty() ? "" : "; ")
          + String.join("; ", unusable);
      return new Outcome(name, ref.family(), Status.FAIL, Double.NaN, Double.NaN, reason);
    }
    double graph = Double.NaN;
    double eager = Double.NaN;
    try {
      Map<String, HostTensor> io = SafeTensors.read(dir.resolve(name + ".io.safetensors")).tensors();
      HostTensor input = required(io, "input", name);
      HostTensor logits = required(io, "logits", name);
      Map<String, HostTensor> weights = ref.readWeights(dir.resolve(name + ".safetensors"));
      try (VitModel m = VitModel.create(ref.config())) {
        m.loadWeights(weights);
        graph = m.predict(input).maxAbsDiff(logits);
      }
      eager = EagerRunner.logits(ref.config(), weights, input).maxAbsDiff(logits);
    } catch (IOException | RuntimeException e) {
      return new Outcome(name, ref.family(), Status.FAIL, graph, eager, message(e));
    }
    // Written so that a NaN difference fails too.
    boolean ok = graph <= TOLERANCE && eager <= TOLERANCE;
    String reason = ok ? "" : String.format(Locale.ROOT, "max |diff| %.2e > %.0e", Math.max(graph, eager), TOLERANCE);
    if (!ok && (Double.isNaN(graph) || Double.isNaN(eager))) {
      reason = "non-finite logits";
    }
    return new Outcome(name, ref.family(), ok ? Status.PASS : Status.FAIL, graph, eager, reason);
  }

  /**
   * A hub snapshot folder: opened with {@link Pretrained#load}, every upstream output that {@code
   * expected.io.safetensors} holds ({@code logits}, {@code pooler_output}, {@code last_hidden_state}, ...)
   * compared in graph and eager mode (the largest difference over them).
   */
  static Outcome runHub(Path folder, String name) {
    Pretrained p;
    try {
      p = Pretrained.load(folder);
    } catch (UnsupportedOperationException | IllegalArgumentException e) {
      return new Outcome(name, "hub", Status.UNSUPPORTED, Double.NaN, Double.NaN, message(e));
    } catch (IOException e) {
      return new Outcome(name, "hub", Status.FAIL, Double.NaN, Double.NaN, message(e));
    }
    String family = "hub " + p.format().name().toLowerCase(Locale.ROOT);
    double graph = Double.NaN;
    double eager = Double.NaN;
    try {
      Map<String, HostTensor> io = SafeTensors.read(folder.resolve(HUB_EXPECTED)).tensors();
      HostTensor input = required(io, "input", name);
      Map<String, String> outputs = new java.util.LinkedHashMap<>(p.outputs());
      outputs.keySet().retainAll(io.keySet());
      if (outputs.isEmpty()) {
        throw new IllegalArgumentException(HUB_EXPECTED + " holds none of the outputs " + p.outputs().keySet());
      }
      Map<String, HostTensor> g;
      try (VitModel m = p.model()) {
        g = m.run(input, outputs.values().toArray(String[]::new));
      }
      Map<String, HostTensor> e = EagerRunner.forward(p.config(), p.weights(), 0, dev.vittf.core.Mode.INFERENCE, input);
      graph = 0;
      eager = 0;
      for (Map.Entry<String, String> o : outputs.entrySet()) {
        graph = Math.max(graph, g.get(o.getValue()).maxAbsDiff(io.get(o.getKey())));
        eager = Math.max(eager, e.get(o.getValue()).maxAbsDiff(io.get(o.getKey())));
      }
    } catch (IOException | RuntimeException e) {
      return new Outcome(name, family, Status.FAIL, graph, eager, message(e));
    }
    boolean ok = graph <= TOLERANCE && eager <= TOLERANCE;
    String reason = ok ? "" : String.format(Locale.ROOT, "max |diff| %.2e > %.0e", Math.max(graph, eager), TOLERANCE);
    return new Outcome(name, family, ok ? Status.PASS : Status.FAIL, graph, eager, reason);
  }

  private static HostTensor required(Map<String, HostTensor> io, String key, String name) {
    HostTensor t = io.get(key);
    if (t == null) {
      throw new IllegalArgumentException(name + ".io.safetensors: no tensor '" + key + "' (has " + io.keySet() + ")");
    }
    return t;
  }

  /** The JSON's {@code family} field, or {@code ?} when it cannot be read. */
  private static String family(Path json) {
    try {
      return JSON.readTree(json.toFile()).path("family").asText("?");
    } catch (IOException | RuntimeException e) {
      return "?";
    }
  }

  private static String message(Exception e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    // One line per case: keep the first line of multi-line messages.
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl) + " ...";
  }

  private static String diff(double d) {
    return Double.isNaN(d) ? "-" : String.format(Locale.ROOT, "%.2e", d);
  }
}
