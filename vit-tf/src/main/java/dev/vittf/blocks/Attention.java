package dev.vittf.blocks;

import dev.vittf.core.BuildContext;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Multi-head attention, one implementation for every ViT-family variant.
 *
 * <p>{@code A = post?(softmax(pre?(q k^T * scale)))}, {@code out = A v}: queries come from the input, keys and
 * values from the input or a separate context (CaiT class attention); optional head mixing before the
 * softmax (talking heads) and after it (talking heads, DeepViT re-attention with its head-axis norm).
 * Heads are the outer factor of the channel axis: channel {@code h*d + j} is element {@code j} of head
 * {@code h}.
 *
 * <p>Parameters (under the block's scope): {@code qkv} (fused), or {@code q} and {@code kv}, or {@code
 * q}, {@code k}, {@code v}, each a {@link Dense}; the mixes' parameters; {@code proj} if {@link
 * AttentionConfig#outputProjection()}. Tapped outputs: {@code probs} (softmax probabilities) and
 * {@code weights} (the map finally applied to the values).
 */
public record Attention(AttentionConfig config) implements Block {

  /** Self-attention over {@code x [B, N, dim]}. */
  @Override
  public Operand<TFloat32> apply(BuildContext ctx, Operand<TFloat32> x) {
    return apply(ctx, x, x);
  }

  /**
   * Attention with queries from {@code x [B, Nq, dim]} and keys/values from {@code context [B, Nk,
   * dim]}.
   */
  public Operand<TFloat32> apply(BuildContext ctx, Operand<TFloat32> x, Operand<TFloat32> context) {
    AttentionConfig c = config;
    Ops tf = ctx.tf();
    int heads = c.heads();
    int dh = (int) c.dimHead();
    long inner = (long) heads * dh;
    int nq = (int) BuildContext.staticDim(x, 1);
    int nk = (int) BuildContext.staticDim(context, 1);
    Operand<TFloat32> q;
    Operand<TFloat32> k;
    Operand<TFloat32> v;
    switch (c.layout()) {
      case FUSED -> {
        if (x != context) {
          throw new IllegalArgumentException("a fused qkv projection cannot attend to a separate context");
        }
        List<Operand<TFloat32>> qkv =
            splitHeads(ctx, new Dense(c.dim(), 3 * inner, c.qkvBias()).apply(ctx.child("qkv"), x), nq, 3, heads, dh);
        q = qkv.get(0);
        k = qkv.get(1);
        v = qkv.get(2);
      }
      case Q_KV -> {
        q = splitHeads(ctx, new Dense(c.dim(), inner, c.qkvBias()).apply(ctx.child("q"), x), nq, 1, heads, dh).get(0);
        List<Operand<TFloat32>> kv =
            splitHeads(ctx, new Dense(c.dim(), 2 * inner, c.qkvBias()).apply(ctx.child("kv"), context), nk, 2, heads, dh);
        k = kv.get(0);
        v = kv.get(1);
      }
      case SEPARATE -> {
        q = splitHeads(ctx, new Dense(c.dim(), inner, c.qkvBias()).apply(ctx.child("q"), x), nq, 1, heads, dh).get(0);
        k = splitHeads(ctx, new Dense(c.dim(), inner, c.qkvBias()).apply(ctx.child("k"), context), nk, 1, heads, dh).get(0);
        v = splitHeads(ctx, new Dense(c.dim(), inner, c.qkvBias()).apply(ctx.child("v"), context), nk, 1, heads, dh).get(0);
      }
      default -> throw new IllegalStateException("unknown layout " + c.layout());
    }
    Operand<TFloat32> out = attend(ctx, q, k, v, c.effectiveScale(), c.preSoftmax(), c.postSoftmax(), c.attnDropout());
    out = mergeHeads(ctx, out, nq, (int) inner);
    if (c.outputProjection()) {
      out = new Dense(inner, c.dim()).apply(ctx.child("proj"), out);
    }
    return ctx.dropout(out, c.projDropout());
  }

  /**
   * Scaled dot-product attention on head-split tensors {@code q [B,H,Nq,d]}, {@code k, v [B,H,Nk,d]}
   * with optional head mixes; returns {@code [B,H,Nq,dv]}. Shared by every attention in the library
   * (ScalableViT's SSA and IWSA included).
   */
  public static Operand<TFloat32> attend(
      BuildContext ctx,
      Operand<TFloat32> q,
      Operand<TFloat32> k,
      Operand<TFloat32> v,
      double scale,
      HeadMix preSoftmax,
      HeadMix postSoftmax,
      double attnDropout) {
    Ops tf = ctx.tf();
    int heads = (int) BuildContext.staticDim(q, 1);
    Operand<TFloat32> logits =
        tf.linalg.einsum(List.of(tf.math.mul(q, tf.constant((float) scale)), k), "bhid,bhjd->bhij");
    if (preSoftmax != null) {
      logits = preSoftmax.apply(ctx, logits, heads);
    }
    Operand<TFloat32> probs = tf.nn.softmax(logits);
    ctx.tap("probs", probs);
    Operand<TFloat32> weights = postSoftmax == null ? probs : postSoftmax.apply(ctx, probs, heads);
    if (postSoftmax != null) {
      ctx.tap("weights", weights);
    }
    weights = ctx.dropout(weights, attnDropout);
    return tf.linalg.einsum(List.of(weights, v), "bhij,bhjd->bhid");
  }

  /**
   * {@code [B, N, parts*H*d]} to {@code parts} tensors {@code [B, H, N, d]} (parts outermost, then
   * heads, as in {@code 'b n (three h d)'}).
   */
  public static List<Operand<TFloat32>> splitHeads(
      BuildContext ctx, Operand<TFloat32> x, int n, int parts, int heads, int dh) {
    Ops tf = ctx.tf();
    Operand<TFloat32> r = tf.reshape(x, tf.constant(new int[] {-1, n, parts, heads, dh}));
    Operand<TFloat32> t = tf.linalg.transpose(r, tf.constant(new int[] {2, 0, 3, 1, 4}));
    if (parts == 1) {
      return List.of(tf.reshape(t, tf.constant(new int[] {-1, heads, n, dh})));
    }
    return List.copyOf(tf.unstack(t, (long) parts).output());
  }

  /** {@code [B, H, N, d]} back to {@code [B, N, H*d]}. */
  public static Operand<TFloat32> mergeHeads(BuildContext ctx, Operand<TFloat32> x, int n, int inner) {
    Ops tf = ctx.tf();
    Operand<TFloat32> t = tf.linalg.transpose(x, tf.constant(new int[] {0, 2, 1, 3}));
    return tf.reshape(t, tf.constant(new int[] {-1, n, inner}));
  }
}
