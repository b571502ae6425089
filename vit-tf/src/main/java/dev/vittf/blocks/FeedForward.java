package dev.vittf.blocks;

import dev.vittf.core.BuildContext;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * Transformer feed-forward: {@code fc1 (dim -> hidden) -> GELU -> dropout -> fc2 (hidden -> dim) ->
 * dropout}. Parameters {@code fc1/kernel}, {@code fc1/bias}, {@code fc2/kernel}, {@code fc2/bias}.
 *
 * @param dim model width
 * @param hidden inner width ({@code mlp_dim})
 * @param dropout dropout rate after the activation and after {@code fc2} (training only)
 */
public record FeedForward(long dim, long hidden, double dropout) {

  /** Applies the block to tokens {@code [..., dim]}. */
  public Operand<TFloat32> apply(BuildContext ctx, Operand<TFloat32> x) {
    Operand<TFloat32> h = new Dense(dim, hidden).apply(ctx.child("fc1"), x);
    h = ctx.dropout(Activations.gelu(ctx.tf(), h), dropout);
    return ctx.dropout(new Dense(hidden, dim).apply(ctx.child("fc2"), h), dropout);
  }

  /** Multiply-accumulate count per token (x2 for FLOPs). */
  public long macsPerToken() {
    return 2 * dim * hidden;
  }
}
