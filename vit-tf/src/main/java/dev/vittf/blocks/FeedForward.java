package dev.vittf.blocks;

import dev.vittf.core.BuildContext;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TFloating;

/**
 * Transformer feed-forward: {@code fc1 (dim -> hidden) -> GELU -> dropout -> fc2 (hidden -> dim) ->
 * dropout}. Parameters {@code fc1/kernel}, {@code fc1/bias}, {@code fc2/kernel}, {@code fc2/bias}.
 *
 * @param dim model width
 * @param hidden inner width ({@code mlp_dim})
 * @param dropout dropout rate after the activation and after {@code fc2} (training only)
 */
public record FeedForward(long dim, long hidden, double dropout) implements Block {

  /**
   * Applies the block to tokens {@code [..., dim]}. Works on the flattened {@code [tokens, dim]} matrix so
   * that grappler fuses each {@code MatMul + BiasAdd} (and, for {@code fc1}, the exact GELU) into one
   * oneDNN kernel: a {@code Reshape} between the bias and the activation blocks that fusion. In bf16 the hidden
   * activations stay bf16 from {@code fc1} into {@code fc2}; the output is float32 for the residual sum.
   */
  @Override
  public Operand<TFloat32> apply(BuildContext ctx, Operand<TFloat32> x) {
    Ops tf = ctx.tf();
    int rank = x.shape().numDimensions();
    Operand<TFloat32> flat = rank == 2 ? x : tf.reshape(x, tf.constant(new int[] {-1, (int) dim}));
    Operand<TFloat32> y = ctx.toFloat32(hiddenAndOut(ctx, ctx.toCompute(flat)));
    return rank == 2 ? y : tf.reshape(y, outerShape(tf, x));
  }

  private <T extends TFloating> Operand<T> hiddenAndOut(BuildContext ctx, Operand<T> flat) {
    Operand<T> h = new Dense(dim, hidden).applyTyped(ctx.child("fc1"), flat);
    h = ctx.dropout(Activations.gelu(ctx.tf(), h), dropout);
    return ctx.dropout(new Dense(hidden, dim).applyTyped(ctx.child("fc2"), h), dropout);
  }

  /** The shape of {@code x}: a constant {@code [-1, d1, ...]} when the inner dimensions are static. */
  private static Operand<TInt32> outerShape(Ops tf, Operand<TFloat32> x) {
    long[] dims = x.shape().asArray();
    int[] out = new int[dims.length];
    out[0] = -1;
    for (int i = 1; i < dims.length; i++) {
      if (dims[i] < 0) {
        return tf.shape(x);
      }
      out[i] = (int) dims[i];
    }
    return tf.constant(out);
  }

  /** Multiply-accumulate count per token (x2 for FLOPs). */
  public long macsPerToken() {
    return 2 * dim * hidden;
  }
}
