package dev.vittf.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vittf.arch.vit.ViTConfig;
import dev.vittf.core.HostTensor;
import dev.vittf.io.SafeTensors;
import dev.vittf.models.VitModel;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * In-process XLA JIT on a loaded (plain) export: with {@code TF_XLA_FLAGS=--tf_xla_cpu_global_jit}
 * set when the JVM starts and {@link ServingModel.Options#xlaJit()}, the traced run executes XLA
 * cluster kernels ({@code _XlaCompile}/{@code _XlaRun}); without JIT, or without the variable, it does
 * not. Each case runs in a fresh JVM because TensorFlow reads the variable once.
 */
class XlaJitTest {

  private static String kernels(String stdout, String mode) {
    return stdout.lines().filter(l -> l.startsWith("kernels " + mode + " ")).findFirst().orElseThrow();
  }

  @Test
  void jitNeedsTheSessionOptionAndTheCpuFlag(@TempDir Path dir) throws Exception {
    ViTConfig c = ViTConfig.tiny();
    Path model = SavedModelExporter.export(c, Weights.seed(2), dir.resolve("m"), ExportOptions.defaults()).directory();
    HostTensor images = TestSupport.randomImages(c, 2, 3);
    HostTensor expected;
    try (VitModel m = VitModel.create(c, 2)) {
      expected = m.predict(images);
    }
    Path input = dir.resolve("in.safetensors");
    SafeTensors.write(input, Map.of("images", images), Map.of());

    TestSupport.Child withFlag = TestSupport.runJava(
        Map.of("TF_CPP_MIN_LOG_LEVEL", "2", "TF_XLA_FLAGS", "--tf_xla_cpu_global_jit"),
        XlaJitChild.class.getName(), model.toString(), input.toString(), dir.resolve("flag").toString(), "jit", "plain");
    assertEquals(0, withFlag.exitCode(), withFlag.stderr());
    assertTrue(withFlag.stdout().contains("flag true"), withFlag.stdout());
    String jit = kernels(withFlag.stdout(), "jit");
    assertTrue(jit.contains("_XlaRun") && jit.contains("_XlaCompile"), jit);
    assertFalse(jit.contains("MatMul") || jit.contains("Einsum"), jit);
    String plain = kernels(withFlag.stdout(), "plain");
    assertFalse(plain.contains("_Xla"), plain);
    assertTrue(plain.contains("MatMul") || plain.contains("Einsum"), plain);

    TestSupport.Child noFlag = TestSupport.runJava(Map.of("TF_CPP_MIN_LOG_LEVEL", "2"),
        XlaJitChild.class.getName(), model.toString(), input.toString(), dir.resolve("noflag").toString(), "jit");
    assertEquals(0, noFlag.exitCode(), noFlag.stderr());
    assertTrue(noFlag.stdout().contains("flag false"), noFlag.stdout());
    assertFalse(kernels(noFlag.stdout(), "jit").contains("_Xla"), noFlag.stdout());

    for (String f : new String[] {"flag-jit", "flag-plain", "noflag-jit"}) {
      HostTensor got = SafeTensors.read(dir.resolve(f + ".safetensors")).tensors().get("logits");
      assertTrue(got.maxAbsDiff(expected) < 1e-5, f + ": " + got.maxAbsDiff(expected));
    }
  }
}
