package dev.vittf.blocks;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** Cutting NHWC images into non-overlapping patches. */
public final class Patches {
  private Patches() {}

  /**
   * {@code [B, H, W, C]} to {@code [B, (H/ph)(W/pw), ph*pw*C]}: tokens row-major over the patch grid,
   * features in (row, column, channel) order, i.e. vit-pytorch's {@code 'b c (h p1) (w p2) -> b (h w)
   * (p1 p2 c)'}. Built from reshape/transpose, which (unlike {@code ExtractImagePatches}) have
   * gradients in TF Java.
   */
  public static Operand<TFloat32> extract(Ops tf, Operand<TFloat32> images, int height, int width, int channels, int ph, int pw) {
    int gh = height / ph;
    int gw = width / pw;
    Operand<TFloat32> r = tf.reshape(images, tf.constant(new int[] {-1, gh, ph, gw, pw, channels}));
    Operand<TFloat32> t = tf.linalg.transpose(r, tf.constant(new int[] {0, 1, 3, 2, 4, 5}));
    return tf.reshape(t, tf.constant(new int[] {-1, gh * gw, ph * pw * channels}));
  }
}
