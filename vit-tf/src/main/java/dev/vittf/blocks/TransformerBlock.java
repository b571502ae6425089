package dev.vittf.blocks;

import dev.vittf.core.BuildContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

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
 * 2022) they are {@code attns/<b>/{norm,attn,ls}} and {@code ffns/<b>/{norm,mlp,ls}}. The same block
 * also serves CaiT's class-attention stage through {@link #apply(BuildContext, Operand, Operand,
 * boolean)} (queries from the class token, keys/values from class and patch tokens).
 *
 * @param attention attention of every branch
 * @param feedForward feed-forward of every branch
 * @param normEps LayerNorm epsilon
 * @param branches number of parallel branches (1 = the usual sequential block)
 * @param layerScaleInit LayerScale initial value, or 0 for no LayerScale
 * @param dropPath stochastic depth rate of each residual branch (training only)
 */
public record TransformerBlock(
    AttentionConfig attention, FeedForward feedForward, double normEps, int branches, double layerScaleInit, double dropPath)
    implements Block {

  /**
   * The two residual sub-layers of a block and their parameter names: {@code norm1}, {@code attn},
   * {@code ls1} / {@code norm2}, {@code mlp}, {@code ls2} with one branch; {@code attns/<b>/{norm,
   * attn, ls}} / {@code ffns/<b>/{norm, mlp, ls}} with parallel branches.
   */
  enum Sublayer {
    /** Attention (self-attention, or class attention over a separate context). */
    ATTENTION("attns", "norm1", "attn", "ls1"),
    /** Feed-forward. */
    FEED_FORWARD("ffns", "norm2", "mlp", "ls2");

    private final String parallelGroup;
    private final String norm;
    private final String function;
    private final String layerScale;

    Sublayer(String parallelGroup, String norm, String function, String layerScale) {
      this.parallelGroup = parallelGroup;
      this.norm = norm;
      this.function = function;
      this.layerScale = layerScale;
    }
  }

  /** What one branch computes from its input, given the scopes of its norm and function and its LayerNorm. */
  @FunctionalInterface
  private interface Branch {
    Operand<TFloat32> apply(BuildContext normCtx, BuildContext fnCtx, LayerNorm norm, Operand<TFloat32> x);
  }

  /**
   * {@code depth} blocks sharing one attention and feed-forward, with stochastic depth increasing
   * linearly from 0 in the first block to {@code maxDropPath} in the last (timm's rule).
   */
  public static List<TransformerBlock> stack(AttentionConfig attention, FeedForward feedForward, double normEps,
      int depth, int branches, double layerScaleInit, double maxDropPath) {
    List<TransformerBlock> blocks = new ArrayList<>();
    for (int i = 0; i < depth; i++) {
      double rate = depth <= 1 ? maxDropPath : maxDropPath * i / (depth - 1);
      blocks.add(new TransformerBlock(attention, feedForward, normEps, branches, layerScaleInit, rate));
    }
    return blocks;
  }

  /** Applies the block to tokens {@code [B, N, dim]}. */
  @Override
  public Operand<TFloat32> apply(BuildContext ctx, Operand<TFloat32> x) {
    Attention attn = new Attention(attention);
    x = residual(ctx, x, Sublayer.ATTENTION, (normCtx, fnCtx, ln, in) -> attn.apply(fnCtx, ln.apply(normCtx, in)));
    return residual(ctx, x, Sublayer.FEED_FORWARD, this::feedForward);
  }

  /**
   * The class-attention form of the block (CaiT, Touvron et al. 2021, Sec. 3.2): only {@code x [B, Nx,
   * dim]} (the class token) is updated; its attention takes queries from {@code LN(x)} and keys/values
   * from the concatenation of {@code LN(x)} and {@code context [B, Nc, dim]} (the patch tokens), then
   * the feed-forward runs on {@code x} alone. The attention's layout must accept a separate context
   * ({@code Q_KV} or {@code SEPARATE}).
   *
   * @param normalizeContext whether the context tokens go through the same {@code norm1} (timm: the
   *     whole concatenation is normalised) or enter un-normalised (vit-pytorch)
   */
  public Operand<TFloat32> apply(
      BuildContext ctx, Operand<TFloat32> x, Operand<TFloat32> context, boolean normalizeContext) {
    Objects.requireNonNull(context);
    x = residual(ctx, x, Sublayer.ATTENTION,
        (normCtx, fnCtx, ln, in) -> classAttention(normCtx, fnCtx, ln, in, context, normalizeContext));
    return residual(ctx, x, Sublayer.FEED_FORWARD, this::feedForward);
  }

  private Operand<TFloat32> feedForward(BuildContext normCtx, BuildContext fnCtx, LayerNorm ln, Operand<TFloat32> x) {
    return feedForward.apply(fnCtx, ln.apply(normCtx, x));
  }

  /** {@code x + sum_b dropPath(ls_b(branch_b(x)))} over the block's branches of one sub-layer. */
  private Operand<TFloat32> residual(BuildContext ctx, Operand<TFloat32> x, Sublayer sublayer, Branch branch) {
    boolean parallel = branches > 1;
    Operand<TFloat32> sum = null;
    for (int b = 0; b < branches; b++) {
      BuildContext bctx = parallel ? ctx.child(sublayer.parallelGroup).child(b) : ctx;
      LayerNorm ln = new LayerNorm(attention.dim(), normEps);
      Operand<TFloat32> h = branch.apply(bctx.child(parallel ? "norm" : sublayer.norm), bctx.child(sublayer.function), ln, x);
      if (layerScaleInit > 0) {
        h = new LayerScale(attention.dim(), layerScaleInit).apply(bctx.child(parallel ? "ls" : sublayer.layerScale), h);
      }
      h = ctx.dropPath(h, dropPath);
      sum = sum == null ? h : ctx.tf().math.add(sum, h);
    }
    return ctx.tf().math.add(x, sum);
  }

  // Queries from LN(x); keys/values from concat(LN(x), context or LN(context)). One LayerNorm call
  // over the concatenation normalises both with the same parameters (LN is per token).
  private Operand<TFloat32> classAttention(
      BuildContext normCtx, BuildContext attnCtx, LayerNorm ln, Operand<TFloat32> x, Operand<TFloat32> context,
      boolean normalizeContext) {
    Ops tf = attnCtx.tf();
    Operand<TInt32> axis = tf.constant(1);
    Operand<TFloat32> q;
    Operand<TFloat32> kv;
    if (normalizeContext) {
      kv = ln.apply(normCtx, tf.concat(List.of(x, context), axis));
      int nx = (int) BuildContext.staticDim(x, 1);
      q = tf.slice(kv, tf.constant(new int[] {0, 0, 0}), tf.constant(new int[] {-1, nx, -1}));
    } else {
      q = ln.apply(normCtx, x);
      kv = tf.concat(List.of(q, context), axis);
    }
    return new Attention(attention).apply(attnCtx, q, kv);
  }

  /**
   * Multiply-accumulates per image of the class-attention form, for {@code nx} updated tokens and
   * {@code nContext} context tokens.
   */
  public long classAttentionMacs(long nx, long nContext) {
    return branches * (attention.macs(nx, nx + nContext) + nx * feedForward.macsPerToken());
  }

  /** Multiply-accumulates per image for {@code n} tokens. */
  public long macs(long n) {
    return branches * (attention.macs(n, n) + n * feedForward.macsPerToken());
  }
}
