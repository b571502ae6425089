package dev.vittf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vittf.blocks.Activations;
import dev.vittf.blocks.LayerNorm;
import dev.vittf.blocks.Patches;
import dev.vittf.core.BuildContext;
import dev.vittf.core.EagerParameterStore;
import dev.vittf.core.HostTensor;
import dev.vittf.core.Mode;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tensorflow.EagerSession;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** Blocks against independent computations (eager mode). */
class BlocksTest {

  private interface Body {
    Operand<TFloat32> apply(BuildContext ctx, Ops tf);
  }

  private static HostTensor eager(Mode mode, Body body) {
    try (EagerSession s = EagerSession.create(); EagerParameterStore store = new EagerParameterStore(s, 0, Map.of())) {
      Ops tf = Ops.create(s);
      return HostTensor.of(body.apply(BuildContext.root(tf, store, mode), tf).asTensor());
    }
  }

  private static Operand<TFloat32> constant(Ops tf, HostTensor t) {
    return tf.constant(org.tensorflow.ndarray.Shape.of(t.shape()), org.tensorflow.ndarray.buffer.DataBuffers.of(t.data(), true, false));
  }

  @Test
  void layerNormMatchesADirectComputation() {
    HostTensor x = TorchViTReference.normal(new Random(1), 3, 4, 7);
    HostTensor y = eager(Mode.INFERENCE, (ctx, tf) -> new LayerNorm(7, 1e-5).apply(ctx.child("n"), constant(tf, x)));
    for (int r = 0; r < 4; r++) {
      double mean = 0;
      double var = 0;
      for (int i = 0; i < 7; i++) {
        mean += x.data()[r * 7 + i] / 7.0;
      }
      for (int i = 0; i < 7; i++) {
        var += Math.pow(x.data()[r * 7 + i] - mean, 2) / 7.0;
      }
      for (int i = 0; i < 7; i++) {
        assertEquals((x.data()[r * 7 + i] - mean) / Math.sqrt(var + 1e-5), y.data()[r * 7 + i], 1e-5);
      }
    }
  }

  @Test
  void geluIsTheExactErfForm() {
    float[] in = {-3f, -1f, -0.5f, 0f, 0.5f, 1f, 2f};
    HostTensor y = eager(Mode.INFERENCE, (ctx, tf) -> Activations.gelu(tf, tf.constant(in)));
    for (int i = 0; i < in.length; i++) {
      double exact = 0.5 * in[i] * (1 + TorchViTReference.erf(in[i] / Math.sqrt(2)));
      assertEquals(exact, y.data()[i], 2e-6, "gelu(" + in[i] + ")");
    }
    // the tanh approximation differs from the exact form by ~1e-3 at x = -3: make sure we are not using it
    double tanhForm = 0.5 * -3 * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (-3 + 0.044715 * -27)));
    assertTrue(Math.abs(tanhForm - y.data()[0]) > 1e-4);
  }

  @Test
  void patchesAreRowMajorWithRowColumnChannelFeatures() {
    int h = 4;
    int w = 6;
    int c = 2;
    HostTensor img = TorchViTReference.normal(new Random(2), 1, 2, h, w, c);
    HostTensor p = eager(Mode.INFERENCE, (ctx, tf) -> Patches.extract(tf, constant(tf, img), h, w, c, 2, 3));
    assertArrayEquals(new long[] {2, 4, 12}, p.shape());
    // batch 1, patch (row 1, col 1) = token 3; feature (p1=1, p2=2, ch=1) = (1*3 + 2)*2 + 1 = 11
    int y = 1 * 2 + 1;
    int x = 1 * 3 + 2;
    float expected = img.data()[((1 * h + y) * w + x) * c + 1];
    assertEquals(expected, p.data()[(1 * 4 + 3) * 12 + 11]);
  }

  @Test
  void dropoutKeepsTheExpectationAndDropsAtTheRequestedRate() {
    HostTensor y = eager(Mode.TRAINING, (ctx, tf) -> ctx.dropout(tf.fill(tf.constant(new int[] {200_000}), tf.constant(1f)), 0.3));
    int zeros = 0;
    double sum = 0;
    for (float v : y.data()) {
      if (v == 0) {
        zeros++;
      } else {
        assertEquals(1 / 0.7, v, 1e-6);
      }
      sum += v;
    }
    // binomial standard error of the drop fraction: sqrt(0.3*0.7/2e5) = 0.001
    assertEquals(0.3, zeros / 200_000.0, 0.005);
    assertEquals(1.0, sum / 200_000.0, 0.01);
    HostTensor same = eager(Mode.INFERENCE, (ctx, tf) -> ctx.dropout(tf.fill(tf.constant(new int[] {10}), tf.constant(1f)), 0.3));
    assertArrayEquals(new float[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, same.data());
  }

  @Test
  void dropPathDropsWholeSamples() {
    HostTensor y = eager(Mode.TRAINING, (ctx, tf) -> ctx.dropPath(tf.fill(tf.constant(new int[] {4000, 3, 5}), tf.constant(1f)), 0.25));
    int dropped = 0;
    for (int n = 0; n < 4000; n++) {
      float first = y.data()[n * 15];
      for (int i = 1; i < 15; i++) {
        assertEquals(first, y.data()[n * 15 + i], "sample " + n + " must be dropped or kept as a whole");
      }
      if (first == 0) {
        dropped++;
      } else {
        assertEquals(1 / 0.75, first, 1e-6);
      }
    }
    // standard error sqrt(0.25*0.75/4000) = 0.0068
    assertEquals(0.25, dropped / 4000.0, 0.03);
  }
}
