package dev.vittf.blocks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vittf.RandomWeights;
import dev.vittf.core.BuildContext;
import dev.vittf.core.EagerParameterStore;
import dev.vittf.core.HostTensor;
import dev.vittf.core.Mode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tensorflow.EagerSession;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * {@link Conv2d} computes PyTorch's convolution (symmetric zero padding, floor output size), checked
 * against a direct loop, for the strided, padded convolutions of ScalableViT and for the depthwise PEG;
 * and TensorFlow's {@code SAME} padding really differs for stride > 1 (the padding trap).
 */
class Conv2dTest {

  @Test
  void stridedPaddedConvMatchesPyTorchSemantics() {
    // odd map 7x6, 3x3 / stride 2 / padding 1 (ScalableViT's downsampling): output 4x3
    check(Conv2d.of(2, 3, 3, 2, 1, true), 7, 6, new long[] {2, 4, 3, 3});
    // the stem's 7x7 / stride 4 / padding 3 on 10x9: output 3x3
    check(Conv2d.of(3, 4, 7, 4, 3, true), 10, 9, new long[] {2, 3, 3, 4});
    // SSA's r x r / stride r / no padding on a map r does not divide: PyTorch floors (5x7 / 2 -> 2x3)
    check(Conv2d.of(2, 2, 2, 2, 0, false), 5, 7, new long[] {2, 2, 3, 2});
  }

  @Test
  void depthwiseConvMatchesPyTorchSemantics() {
    check(Conv2d.depthwise(3, 3, 1), 5, 4, new long[] {2, 5, 4, 3});
  }

  @Test
  void sameIsNotPyTorchPaddingForStrideTwo() {
    Conv2d conv = Conv2d.of(2, 3, 3, 2, 1, false);
    HostTensor x = RandomWeights.images(3, 1, 8, 8, 2);
    HostTensor k = RandomWeights.images(4, 3, 3, 2, 3);
    try (EagerSession s = EagerSession.create(); EagerParameterStore store = new EagerParameterStore(s, 0, Map.of("c/kernel", k));
        TFloat32 in = x.toTensor(); TFloat32 kt = k.toTensor()) {
      Ops tf = Ops.create(s);
      HostTensor ours = HostTensor.of(conv.apply(BuildContext.root(tf, store, Mode.INFERENCE).child("c"), tf.constantOf(in)).asTensor());
      HostTensor same = HostTensor.of(tf.nn.conv2d(tf.constantOf(in), tf.constantOf(kt), List.of(1L, 2L, 2L, 1L), "SAME").asTensor());
      assertArrayEquals(ours.shape(), same.shape());
      assertTrue(ours.maxAbsDiff(same) > 1e-2, "SAME happened to agree: the padding trap test is vacuous");
      assertTrue(ours.maxAbsDiff(reference(conv, x, k, null)) < 1e-5);
    }
  }

  private static void check(Conv2d conv, int h, int w, long[] expectedShape) {
    HostTensor x = RandomWeights.images(1, 2, h, w, conv.in());
    HostTensor k = RandomWeights.images(2, conv.kernelSize(), conv.kernelSize(), conv.in(), conv.depthwise() ? 1 : conv.out());
    HostTensor b = conv.bias() ? RandomWeights.images(3, conv.out()) : null;
    Map<String, HostTensor> weights = b == null ? Map.of("c/kernel", k) : Map.of("c/kernel", k, "c/bias", b);
    try (EagerSession s = EagerSession.create(); EagerParameterStore store = new EagerParameterStore(s, 0, weights);
        TFloat32 in = x.toTensor()) {
      Ops tf = Ops.create(s);
      Operand<TFloat32> y = conv.apply(BuildContext.root(tf, store, Mode.INFERENCE).child("c"), tf.constantOf(in));
      HostTensor got = HostTensor.of(y.asTensor());
      assertArrayEquals(expectedShape, got.shape());
      assertArrayEquals(new long[] {conv.outputSize(h), conv.outputSize(w)}, new long[] {got.dim(1), got.dim(2)});
      double diff = got.maxAbsDiff(reference(conv, x, k, b));
      assertTrue(diff < 1e-5, "conv vs direct loop: " + diff);
    }
  }

  /** PyTorch's cross-correlation with symmetric zero padding, NHWC input, HWIO (or [k,k,C,1]) kernel. */
  private static HostTensor reference(Conv2d c, HostTensor x, HostTensor k, HostTensor b) {
    int n = (int) x.dim(0);
    int h = (int) x.dim(1);
    int w = (int) x.dim(2);
    int cin = (int) c.in();
    int cout = (int) c.out();
    int ks = c.kernelSize();
    int oh = Math.floorDiv(h + 2 * c.padding() - ks, c.stride()) + 1;
    int ow = Math.floorDiv(w + 2 * c.padding() - ks, c.stride()) + 1;
    float[] out = new float[n * oh * ow * cout];
    float[] xd = x.data();
    float[] kd = k.data();
    for (int bi = 0; bi < n; bi++) {
      for (int i = 0; i < oh; i++) {
        for (int j = 0; j < ow; j++) {
          for (int o = 0; o < cout; o++) {
            double acc = b == null ? 0 : b.data()[o];
            for (int di = 0; di < ks; di++) {
              for (int dj = 0; dj < ks; dj++) {
                int yi = i * c.stride() - c.padding() + di;
                int xj = j * c.stride() - c.padding() + dj;
                if (yi < 0 || yi >= h || xj < 0 || xj >= w) {
                  continue;
                }
                if (c.depthwise()) {
                  acc += xd[((bi * h + yi) * w + xj) * cin + o] * kd[(di * ks + dj) * cin + o];
                } else {
                  for (int ci = 0; ci < cin; ci++) {
                    acc += xd[((bi * h + yi) * w + xj) * cin + ci] * kd[((di * ks + dj) * cin + ci) * cout + o];
                  }
                }
              }
            }
            out[((bi * oh + i) * ow + j) * cout + o] = (float) acc;
          }
        }
      }
    }
    return new HostTensor(new long[] {n, oh, ow, cout}, out);
  }
}
