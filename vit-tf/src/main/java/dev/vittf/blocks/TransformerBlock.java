package dev.vittf.blocks;

import dev.vittf.core.BuildContext;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * Pre-norm transformer block with optional parallel branches, LayerScale and stochastic depth:
 *
 * <pre>
 *   x = x + sum_b dropPath(ls_b(Attn_b(LN_b(x))))
 *   x = x + sum_b dropPath(ls'_b(FF_b(LN'_b(x))))
 * </pre>
 *
 * With one branch (ViT, DeepViT, CaiT patch stage) the parameters are {@code norm1}, {@code attn},
 * {@code ls1}, {@code norm2}, {@code mlp}, {@code ls2}; with several (Parallel ViT, Touvron et al.
 * 2022) they are {@code attns/<b>/{norm,attn,ls}} and {@code ffns/<b>/{norm,mlp,ls}}.
 *
 * @param attention attention of every branch
 * @param feedForward feed-forward of every branch
 * @param normEps LayerNorm epsilon
 * @param branches number of parallel branches (1 = the usual sequential block)
 * @param layerScaleInit LayerScale initial value, or 0 for no LayerScale
 * @param dropPath stochastic depth rate of each residual branch (training only)
 */
public record TransformerBlock(
    AttentionConfig attention, FeedForward feedForward, double normEps, int branches, double layerScaleInit, double dropPath) {

  /** Applies the block to tokens {@code [B, N, dim]}. */
  public Operand<TFloat32> apply(BuildContext ctx, Operand<TFloat32> x) {
    x = residual(ctx, x, true);
    return residual(ctx, x, false);
  }

  private Operand<TFloat32> residual(BuildContext ctx, Operand<TFloat32> x, boolean attn) {
    Operand<TFloat32> sum = null;
    for (int b = 0; b < branches; b++) {
      BuildContext bctx = branches == 1 ? ctx : ctx.child(attn ? "attns" : "ffns").child(b);
      String norm = branches == 1 ? (attn ? "norm1" : "norm2") : "norm";
      String fn = attn ? "attn" : "mlp";
      String ls = branches == 1 ? (attn ? "ls1" : "ls2") : "ls";
      Operand<TFloat32> h = new LayerNorm(attention.dim(), normEps).apply(bctx.child(norm), x);
      h = attn ? new Attention(attention).apply(bctx.child(fn), h) : feedForward.apply(bctx.child(fn), h);
      if (layerScaleInit > 0) {
        h = new LayerScale(attention.dim(), layerScaleInit).apply(bctx.child(ls), h);
      }
      h = ctx.dropPath(h, dropPath);
      sum = sum == null ? h : ctx.tf().math.add(sum, h);
    }
    return ctx.tf().math.add(x, sum);
  }

  /** Multiply-accumulates per image for {@code n} tokens. */
  public long macs(long n) {
    return branches * (attention.macs(n, n) + n * feedForward.macsPerToken());
  }
}
