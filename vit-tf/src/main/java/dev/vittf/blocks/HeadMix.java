package dev.vittf.blocks;

import dev.vittf.core.BuildContext;
import dev.vittf.core.Initializer;
import dev.vittf.core.ParameterRole;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Mixing of attention maps across heads, the hook behind re-attention (DeepViT) and talking-heads
 * attention (CaiT): {@code A'[b,g,i,j] = sum_h A[b,h,i,j] W[h,g] (+ bias[g])}, optionally followed by
 * a LayerNorm across the head axis (DeepViT's re-attention normalisation).
 *
 * <p>Parameters under {@code <name>}: {@code kernel [H_in, H_out]} (identity at init: a zero matrix
 * would make every head collapse, one of the Flax ports' defects), {@code bias [H]} if enabled; and
 * under {@code <name>_norm} the head-axis LayerNorm's {@code scale} and {@code bias}.
 *
 * @param name parameter scope of the mixing matrix (e.g. {@code reattn}, {@code mix_pre})
 * @param bias whether the mix has a bias (timm's {@code nn.Linear(H, H)}) or not (vit-pytorch)
 * @param normalize whether a LayerNorm over the head axis follows (DeepViT)
 * @param normEps epsilon of that LayerNorm
 */
public record HeadMix(String name, boolean bias, boolean normalize, double normEps) {

  /** A plain mix without normalisation. */
  public static HeadMix of(String name, boolean bias) {
    return new HeadMix(name, bias, false, 0);
  }

  /** DeepViT re-attention: bias-free mix then LayerNorm over heads. */
  public static HeadMix reattention(double eps) {
    return new HeadMix("reattn", false, true, eps);
  }

  /** Applies the mix to attention maps {@code [B, H, N, M]}. */
  public Operand<TFloat32> apply(BuildContext ctx, Operand<TFloat32> maps, int heads) {
    Ops tf = ctx.tf();
    BuildContext mctx = ctx.child(name);
    Operand<TFloat32> kernel =
        mctx.parameter("kernel", ParameterRole.HEAD_MIXING, Initializer.identity(), heads, heads);
    if (normalize) {
      // Heads last, so that the LayerNorm runs over its natural (last) axis.
      Operand<TFloat32> mixed = tf.linalg.einsum(java.util.List.of(maps, kernel), "bhij,hg->bijg");
      if (bias) {
        mixed = tf.math.add(mixed, mctx.parameter("bias", ParameterRole.BIAS, Initializer.zeros(), heads));
      }
      mixed = new LayerNorm(heads, normEps).apply(ctx.child(name + "_norm"), mixed);
      return tf.linalg.transpose(mixed, tf.constant(new int[] {0, 3, 1, 2}));
    }
    Operand<TFloat32> mixed = tf.linalg.einsum(java.util.List.of(maps, kernel), "bhij,hg->bgij");
    if (bias) {
      Operand<TFloat32> b = mctx.parameter("bias", ParameterRole.BIAS, Initializer.zeros(), heads);
      mixed = tf.math.add(mixed, tf.reshape(b, tf.constant(new int[] {1, heads, 1, 1})));
    }
    return mixed;
  }
}
