package dev.vittf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vittf.core.HostTensor;
import dev.vittf.io.ReferenceModels;
import dev.vittf.io.ReferenceModels.ReferenceModel;
import dev.vittf.models.EagerRunner;
import dev.vittf.models.VitModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The acceptance test: every fixture case in the fixture directory (default the project's {@code
 * vit-tf/fixtures}, or {@code -Dvittf.fixtures=DIR}) is built from its JSON, loaded from its checkpoint and run on its
 * input in graph mode and in eager mode; logits must match the reference to 1e-4. Every family is
 * implemented: a case whose family is unknown fails with "not implemented yet".
 */
class FixtureParityTest {
  static final double TOLERANCE = 1e-4;

  @TestFactory
  List<DynamicTest> fixtureCases() throws Exception {
    Path dir = Fixtures.dir();
    List<String> cases = Fixtures.cases(dir);
    assertFalse(cases.isEmpty(), "no fixture cases in " + dir);
    List<DynamicTest> tests = new ArrayList<>();
    for (String name : cases) {
      tests.add(DynamicTest.dynamicTest(name + " [graph]", () -> runCase(dir, name, false)));
      tests.add(DynamicTest.dynamicTest(name + " [eager]", () -> runCase(dir, name, true)));
    }
    // timm's VisionTransformer / Cait generalities: pooling, fc_norm, qkv bias, registers, token-only MLP,
    // parallel branches, and a checkpoint resampled to a larger image
    Path variants = dir.resolve("timm_variants");
    List<String> variantCases = Fixtures.cases(variants);
    assertEquals(6, variantCases.size(), "timm_variants cases in " + variants);
    for (String name : variantCases) {
      tests.add(DynamicTest.dynamicTest("timm_variants/" + name + " [graph]", () -> runCase(variants, name, false)));
      tests.add(DynamicTest.dynamicTest("timm_variants/" + name + " [eager]", () -> runCase(variants, name, true)));
    }
    return tests;
  }

  static void runCase(Path dir, String name, boolean eager) throws Exception {
    ReferenceModel ref = ReferenceModels.fromJsonFile(dir.resolve(name + ".json"));
    Map<String, HostTensor> io = Fixtures.io(dir, name);
    HostTensor input = io.get("input");
    HostTensor expected = io.get("logits");
    Map<String, HostTensor> weights = ref.readWeights(dir.resolve(name + ".safetensors"));
    HostTensor logits;
    if (eager) {
      logits = EagerRunner.logits(ref.config(), weights, input);
    } else {
      try (VitModel model = VitModel.create(ref.config())) {
        model.loadWeights(weights);
        logits = model.predict(input);
      }
    }
    assertEquals(Arrays.toString(expected.shape()), Arrays.toString(logits.shape()), name + ": logits shape");
    double diff = logits.maxAbsDiff(expected);
    System.out.printf("parity %-28s %-5s max|diff| = %.3e%n", name, eager ? "eager" : "graph", diff);
    assertTrue(diff <= TOLERANCE, name + (eager ? " eager" : " graph") + ": max |logits - expected| = " + diff + " > " + TOLERANCE);
  }
}
