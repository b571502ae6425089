package dev.vittf.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vittf.RandomWeights;
import dev.vittf.arch.vit.ViTConfig;
import dev.vittf.core.HostTensor;
import dev.vittf.models.ModelConfig;
import dev.vittf.models.VitModel;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.types.TFloat32;

/**
 * A native checkpoint is read straight into TensorFlow tensors: the values are the file's, the model built from
 * it predicts like one given the same weights as arrays, and whatever the fast read does not take (another dtype,
 * a non-finite value, a name or shape that does not fit) goes the general way with its messages.
 */
class NativeCheckpointLoadTest {
  private static final ModelConfig TINY = ViTConfig.tiny();

  @Test
  void tensorsHoldTheFileValues(@TempDir Path dir) throws Exception {
    Map<String, HostTensor> w = RandomWeights.of(TINY, 5);
    Path file = dir.resolve("w.safetensors");
    SafeTensors.write(file, w, Map.of());
    Optional<Map<String, TFloat32>> read = SafeTensors.readFloat32Tensors(file, true);
    assertTrue(read.isPresent());
    try {
      assertEquals(List.copyOf(w.keySet()), List.copyOf(read.get().keySet()));
      for (Map.Entry<String, TFloat32> e : read.get().entrySet()) {
        HostTensor want = w.get(e.getKey());
        assertArrayEquals(want.shape(), e.getValue().shape().asArray(), e.getKey());
        float[] got = new float[want.size()];
        e.getValue().asRawTensor().data().asFloats().read(got);
        assertArrayEquals(want.data(), got, e.getKey());
      }
    } finally {
      read.get().values().forEach(TFloat32::close);
    }
  }

  @Test
  void modelFromTheFilePredictsLikeTheSameWeightsAsArrays(@TempDir Path dir) throws Exception {
    Map<String, HostTensor> w = RandomWeights.of(TINY, 6);
    Path file = dir.resolve("w.safetensors");
    SafeTensors.write(file, w, Map.of());
    HostTensor images = RandomWeights.images(2, 3, TINY.imageHeight(), TINY.imageWidth(), TINY.channels());
    HostTensor want;
    try (VitModel m = VitModel.create(TINY, w)) {
      want = m.predict(images);
    }
    try (VitModel m = Checkpoints.model(file, TINY, CheckpointSource.NATIVE)) {
      assertEquals(0.0, m.predict(images).maxAbsDiff(want));
      assertEquals(false, m.ranInitializers());
    }
  }

  @Test
  void nonFloat32OrNonFiniteFilesAreLeftToTheGeneralPath(@TempDir Path dir) throws Exception {
    Path nan = dir.resolve("nan.safetensors");
    SafeTensors.write(nan, Map.of("a", new HostTensor(new long[] {2}, new float[] {1, Float.NaN})), Map.of());
    assertEquals(Optional.empty(), SafeTensors.readFloat32Tensors(nan, true));
    Optional<Map<String, TFloat32>> allowed = SafeTensors.readFloat32Tensors(nan, false);
    assertTrue(allowed.isPresent());
    allowed.get().values().forEach(TFloat32::close);
  }

  @Test
  void aTensorThatDoesNotFitIsReportedByTheStrictMapping(@TempDir Path dir) throws Exception {
    Map<String, HostTensor> w = new LinkedHashMap<>(RandomWeights.of(TINY, 7));
    w.put("head/bias", HostTensor.zeros(3));
    w.put("extra", HostTensor.zeros(1));
    Path file = dir.resolve("w.safetensors");
    SafeTensors.write(file, w, Map.of());
    CheckpointMismatchException e = assertThrows(CheckpointMismatchException.class,
        () -> Checkpoints.model(file, TINY, CheckpointSource.NATIVE).close());
    assertEquals(List.of("extra"), e.unexpected());
    assertTrue(e.misshaped().get(0).startsWith("head/bias has [3]"), e.misshaped().toString());
  }
}
