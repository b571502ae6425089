package dev.vittf.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vittf.arch.vit.ViTConfig;
import dev.vittf.core.HostTensor;
import dev.vittf.core.NonFiniteWeightsException;
import dev.vittf.io.CheckpointSource;
import dev.vittf.io.Checkpoints;
import dev.vittf.io.SafeTensors;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 16, row 4: NaN and infinities in weights and pixels are refused, naming where they are. */
class NonFiniteValuesTest {
  private static final ViTConfig TINY = ViTConfig.tiny();

  @Test
  void aCheckpointTensorWithNaNIsRefusedNamingTheTensorAndIndex(@TempDir Path dir) throws Exception {
    Map<String, HostTensor> w;
    try (VitModel m = VitModel.create(TINY, 1)) {
      w = new LinkedHashMap<>(m.weights());
    }
    String name = "blocks/1/mlp/fc1/kernel";
    HostTensor t = w.get(name);
    assertEquals(2, t.rank(), "the tensor the test poisons exists: " + w.keySet());
    float[] d = t.data().clone();
    d[(int) (3 * t.dim(1) + 5)] = Float.NaN;
    d[(int) (4 * t.dim(1))] = Float.POSITIVE_INFINITY;
    w.put(name, new HostTensor(t.shape(), d));
    Path file = dir.resolve("w.safetensors");
    SafeTensors.write(file, w, Map.of());
    NonFiniteWeightsException e = assertThrows(NonFiniteWeightsException.class,
        () -> Checkpoints.model(file, TINY, CheckpointSource.NATIVE).close());
    assertTrue(e.getMessage().contains("'" + name + "' has NaN at [3, 5]"), e.getMessage());
    assertTrue(e.getMessage().contains("allowNonFinite=true"), e.getMessage());
    // Allowed explicitly: it loads, and then the NaN logits are refused instead of returned.
    try (VitModel m = VitModel.createWithoutInitializers(TINY, VitModel.Options.defaults())) {
      m.loadWeights(w, true);
      ArithmeticException nan = assertThrows(ArithmeticException.class, () -> m.predict(CloseUnderLoadTest.images(TINY, 2)));
      assertTrue(nan.getMessage().contains("logits for image 0"), nan.getMessage());
    }
  }

  @Test
  void nonFiniteOrHugePixelsAreRefusedNamingTheImage() {
    try (VitModel m = VitModel.create(TINY, 1)) {
      HostTensor x = CloseUnderLoadTest.images(TINY, 4);
      for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 1e38f}) {
        float[] d = x.data().clone();
        d[3 * 32 * 32 * 3 + 2 * 32 * 3 + 1] = bad;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> m.predict(new HostTensor(x.shape(), d)));
        assertTrue(e.getMessage().startsWith("input image 3 of the batch has a pixel that"), e.getMessage());
        assertTrue(e.getMessage().contains("at [3, 2, 0, 1]"), e.getMessage());
        try (var native0 = new HostTensor(x.shape(), d).toTensor()) {
          assertThrows(IllegalArgumentException.class, () -> m.predict(native0));
        }
      }
      assertEquals(10, m.predict(x).dim(1)); // the clean batch still runs
    }
  }
}
