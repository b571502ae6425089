package dev.vittf.blocks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vittf.RandomWeights;
import dev.vittf.core.BuildContext;
import dev.vittf.core.EagerParameterStore;
import dev.vittf.core.HostTensor;
import dev.vittf.core.Mode;
import dev.vittf.core.ParameterSpec;
import dev.vittf.core.ShapeOnlyParameterStore;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tensorflow.EagerSession;
import org.tensorflow.Graph;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * IWSA's windows are real: changing one input pixel changes the output only inside that pixel's
 * window and within the LIM's 3x3 reach of it (the 1x1 convs are per pixel), everywhere else the
 * output is bit-identical; with the whole map as window the change reaches every pixel.
 */
class InteractiveWindowAttentionTest {
  static final int H = 8;
  static final int W = 12;
  static final int C = 6;

  @Test
  void windowsConfineTheInteraction() {
    // 8x12 map, 4x4 windows: 2x3 windows; perturb pixel (5, 6), in window (1, 1) = rows 4..7, cols 4..7
    boolean[][] changed = changedPixels(new InteractiveWindowAttention(C, 2, 4, 3, 4, 0), 5, 6);
    for (int i = 0; i < H; i++) {
      for (int j = 0; j < W; j++) {
        boolean inWindow = i >= 4 && i < 8 && j >= 4 && j < 8;
        boolean inLimReach = Math.abs(i - 5) <= 1 && Math.abs(j - 6) <= 1;
        assertEquals(inWindow || inLimReach, changed[i][j], "pixel (" + i + ", " + j + ")");
      }
    }
  }

  @Test
  void wholeMapWindowReachesEveryPixel() {
    boolean[][] changed = changedPixels(new InteractiveWindowAttention(C, 2, 4, 3, 0, 0), 5, 6);
    for (boolean[] row : changed) {
      for (boolean c : row) {
        assertTrue(c);
      }
    }
  }

  @Test
  void windowMustDivideTheMap() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> x = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, H, W, C)));
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> new InteractiveWindowAttention(C, 2, 4, 3, 5, 0)
              .apply(BuildContext.root(tf, new ShapeOnlyParameterStore(g), Mode.INFERENCE), x));
      assertEquals("IWSA: feature map 8x12 is not divisible by window 5", e.getMessage());
    }
  }

  private static boolean[][] changedPixels(InteractiveWindowAttention iwsa, int pi, int pj) {
    HostTensor x = RandomWeights.images(1, 1, H, W, C);
    float[] perturbed = x.data().clone();
    perturbed[(pi * W + pj) * C] += 1f;
    HostTensor y = new HostTensor(x.shape(), perturbed);
    Map<String, HostTensor> weights = RandomWeights.of(specs(iwsa), 3);
    HostTensor a = run(iwsa, weights, x);
    HostTensor b = run(iwsa, weights, y);
    assertArrayEquals(new long[] {1, H, W, C}, a.shape());
    boolean[][] changed = new boolean[H][W];
    for (int i = 0; i < H; i++) {
      for (int j = 0; j < W; j++) {
        for (int c = 0; c < C; c++) {
          int idx = (i * W + j) * C + c;
          changed[i][j] |= a.data()[idx] != b.data()[idx];
        }
      }
    }
    return changed;
  }

  private static List<ParameterSpec> specs(InteractiveWindowAttention iwsa) {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      ShapeOnlyParameterStore store = new ShapeOnlyParameterStore(g);
      iwsa.apply(BuildContext.root(tf, store, Mode.INFERENCE),
          tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, H, W, C))));
      return store.parameters();
    }
  }

  private static HostTensor run(InteractiveWindowAttention iwsa, Map<String, HostTensor> weights, HostTensor x) {
    try (EagerSession s = EagerSession.create(); EagerParameterStore store = new EagerParameterStore(s, 0, weights);
        TFloat32 in = x.toTensor()) {
      Ops tf = Ops.create(s);
      return HostTensor.of(iwsa.apply(BuildContext.root(tf, store, Mode.INFERENCE), tf.constantOf(in)).asTensor());
    }
  }
}
