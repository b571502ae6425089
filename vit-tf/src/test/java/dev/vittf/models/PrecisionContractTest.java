package dev.vittf.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vittf.Fixtures;
import dev.vittf.ForceBf16;
import dev.vittf.core.HostTensor;
import dev.vittf.core.Mode;
import dev.vittf.core.Precision;
import dev.vittf.io.ReferenceModels;
import dev.vittf.io.ReferenceModels.ReferenceModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The bf16 accuracy contract (docs/precision.md): on every reference fixture (the cases {@code FixtureParityTest}
 * runs, timm variants included), the logits of the model built with {@link Precision#BF16} are within a relative L2
 * error of {@value #MAX_RELATIVE_L2} of the fixture's expected (PyTorch float32) logits. The bf16 graph is forced
 * ({@link ForceBf16}: no fallback), so the contract is checked on any CPU; the same model must also differ from float32, i.e. really
 * compute in bf16.
 */
@ExtendWith(ForceBf16.class)
class PrecisionContractTest {
  static final double MAX_RELATIVE_L2 = 2e-2;

  @TestFactory
  List<DynamicTest> bf16LogitsWithinContract() throws Exception {
    Path dir = Fixtures.dir();
    List<DynamicTest> tests = new ArrayList<>();
    for (Path d : List.of(dir, dir.resolve("timm_variants"))) {
      List<String> cases = Fixtures.cases(d);
      assertFalse(cases.isEmpty(), "no fixture cases in " + d);
      for (String name : cases) {
        tests.add(DynamicTest.dynamicTest(dir.relativize(d.resolve(name)).toString(), () -> check(d, name)));
      }
    }
    return tests;
  }

  static double relativeL2(HostTensor actual, HostTensor expected) {
    double num = 0;
    double den = 0;
    for (int i = 0; i < expected.data().length; i++) {
      double e = expected.data()[i];
      double d = actual.data()[i] - e;
      num += d * d;
      den += e * e;
    }
    return Math.sqrt(num / den);
  }

  private static void check(Path dir, String name) throws Exception {
    ReferenceModel ref = ReferenceModels.fromJsonFile(dir.resolve(name + ".json"));
    Map<String, HostTensor> io = Fixtures.io(dir, name);
    HostTensor expected = io.get("logits");
    Map<String, HostTensor> weights = ref.readWeights(dir.resolve(name + ".safetensors"));
    VitModel.Options bf16 = new VitModel.Options(Mode.INFERENCE, 0, null, Precision.BF16);
    try (VitModel model = VitModel.create(ref.config(), weights, bf16)) {
      assertEquals(Precision.BF16, model.precision(), name);
      HostTensor logits = model.predict(io.get("input"));
      assertEquals(Arrays.toString(expected.shape()), Arrays.toString(logits.shape()), name + ": logits shape");
      double err = relativeL2(logits, expected);
      System.out.printf("bf16 %-36s relative L2 = %.3e  max|diff| = %.3e%n", name, err, logits.maxAbsDiff(expected));
      assertTrue(err <= MAX_RELATIVE_L2, name + ": bf16 relative L2 error " + err + " > " + MAX_RELATIVE_L2);
      // float32 parity is 1e-4 absolute; bf16 keeps ~3 significant digits, so it cannot match that closely
      assertTrue(logits.maxAbsDiff(expected) > 1e-6, name + ": bf16 logits equal float32's: the graph did not use bf16");
    }
  }
}
