package dev.vittf.cli;

import dev.vittf.core.HostTensor;
import dev.vittf.io.Checkpoints;
import dev.vittf.io.ReferenceModels;
import dev.vittf.io.ReferenceModels.ReferenceModel;
import dev.vittf.io.SafeTensors;
import dev.vittf.models.EagerRunner;
import dev.vittf.models.VitModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs every reference fixture in graph and eager mode and prints a summary table. */
@Command(name = "parity", mixinStandardHelpOptions = true,
    description = "Compare logits with the reference fixtures (graph and eager), tolerance 1e-4.")
final class ParityCommand implements Callable<Integer> {
  @Option(names = "--fixtures", description = "fixture directory (default: the project's vit-tf/fixtures, found from "
      + "the working directory or the jar's location)")
  Path dir;

  ParityCommand withDir(Path d) {
    dir = d;
    return this;
  }

  @Override
  public Integer call() throws Exception {
    Path fixtures;
    try {
      fixtures = FixtureLocator.locate(dir);
    } catch (FixtureLocator.FixturesNotFoundException e) {
      System.err.println("error: " + e.getMessage());
      return 2;
    }
    List<String> cases;
    try (Stream<Path> s = Files.list(fixtures)) {
      cases = s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json"))
          .map(n -> n.substring(0, n.length() - 5)).sorted().toList();
    }
    System.out.printf("%-30s %-16s %12s %12s  %s%n", "case", "family", "graph diff", "eager diff", "result");
    int failed = 0;
    int pending = 0;
    for (String c : cases) {
      ReferenceModel ref;
      try {
        ref = ReferenceModels.fromJsonFile(fixtures.resolve(c + ".json"));
      } catch (UnsupportedOperationException e) {
        System.out.printf("%-30s %-16s %12s %12s  %s%n", c, "?", "-", "-", "NOT IMPLEMENTED: " + e.getMessage());
        pending++;
        continue;
      }
      Map<String, HostTensor> io = SafeTensors.read(fixtures.resolve(c + ".io.safetensors")).tensors();
      Map<String, HostTensor> weights = Checkpoints.read(fixtures.resolve(c + ".safetensors"), ref.config(), ref.source());
      double graph;
      try (VitModel m = VitModel.create(ref.config())) {
        m.loadWeights(weights);
        graph = m.predict(io.get("input")).maxAbsDiff(io.get("logits"));
      }
      double eager = EagerRunner.logits(ref.config(), weights, io.get("input")).maxAbsDiff(io.get("logits"));
      boolean ok = graph <= 1e-4 && eager <= 1e-4;
      failed += ok ? 0 : 1;
      System.out.printf("%-30s %-16s %12.2e %12.2e  %s%n", c, ref.family(), graph, eager, ok ? "PASS" : "FAIL");
    }
    System.out.printf("%d cases: %d passed, %d failed, %d not implemented%n",
        cases.size(), cases.size() - failed - pending, failed, pending);
    return failed == 0 ? 0 : 1;
  }
}
