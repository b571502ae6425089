package dev.vittf.blocks;

import dev.vittf.core.BuildContext;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TFloating;
import org.tensorflow.types.family.TType;

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
 *
 * <p>Precision: the projections and both einsums run in the context's compute type; the attention logits are
 * converted to float32 for the head mixes and the softmax, and the map back to the compute type for the
 * product with the values. Input and output are float32.
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
    return ctx.toFloat32(applyTyped(ctx, ctx.toCompute(x), x, context));
  }

  // xc is x in the compute type; a separate context is converted to the same type.
  private <T extends TFloating> Operand<T> applyTyped(
      BuildContext ctx, Operand<T> xc, Operand<TFloat32> x, Operand<TFloat32> context) {
    AttentionConfig c = config;
    int heads = c.heads();
    int dh = (int) c.dimHead();
    long inner = (long) heads * dh;
    int nq = (int) BuildContext.staticDim(x, 1);
    int nk = (int) BuildContext.staticDim(context, 1);
    Operand<T> cc = context == x ? xc : ctx.cast(context, xc.type());
    Operand<T> q;
    Operand<T> k;
    Operand<T> v;
    switch (c.layout()) {
      case FUSED -> {
        if (x != context) {
          throw new IllegalArgumentException("a fused qkv projection cannot attend to a separate context");
        }
        List<Operand<T>> qkv =
            splitHeads(ctx, new Dense(c.dim(), 3 * inner, c.qkvBias()).applyTyped(ctx.child("qkv"), xc), nq, 3, heads, dh);
        q = qkv.get(0);
        k = qkv.get(1);
        v = qkv.get(2);
      }
      case Q_KV -> {
        if (context == x && ctx.keepsDerivedValues()) {
          // Self-attention: one product over the joined [q | kv] kernel (kept by the store) instead of two.
          // On CaiT-sized layers the pair of products costs ~30% more than the joined one (docs/benchmarks.md).
          List<Operand<T>> qkv = splitHeads(ctx, joinedQkv(ctx, xc, inner), nq, 3, heads, dh);
          q = qkv.get(0);
          k = qkv.get(1);
          v = qkv.get(2);
          break;
        }
        q = splitHeads(ctx, new Dense(c.dim(), inner, c.qkvBias()).applyTyped(ctx.child("q"), xc), nq, 1, heads, dh).get(0);
        List<Operand<T>> kv =
            splitHeads(ctx, new Dense(c.dim(), 2 * inner, c.qkvBias()).applyTyped(ctx.child("kv"), cc), nk, 2, heads, dh);
        k = kv.get(0);
        v = kv.get(1);
      }
      case SEPARATE -> {
        q = splitHeads(ctx, new Dense(c.dim(), inner, c.qkvBias()).applyTyped(ctx.child("q"), xc), nq, 1, heads, dh).get(0);
        k = splitHeads(ctx, new Dense(c.dim(), inner, c.qkvBias()).applyTyped(ctx.child("k"), cc), nk, 1, heads, dh).get(0);
        v = splitHeads(ctx, new Dense(c.dim(), inner, c.qkvBias()).applyTyped(ctx.child("v"), cc), nk, 1, heads, dh).get(0);
      }
      default -> throw new IllegalStateException("unknown layout " + c.layout());
    }
    Operand<T> out = attend(ctx, q, k, v, c.effectiveScale(), c.preSoftmax(), c.postSoftmax(), c.attnDropout());
    out = mergeHeads(ctx, out, nq, (int) inner);
    if (c.outputProjection()) {
      out = new Dense(inner, c.dim()).applyTyped(ctx.child("proj"), out);
    }
    return ctx.dropout(out, c.projDropout());
  }

  // x [q | kv] (+ [q bias | kv bias]): the parameters q/kernel, kv/kernel (and biases) as the split form registers
  // them, joined in float32, converted to x's type and kept as one derived value per tensor.
  private <T extends TFloating> Operand<T> joinedQkv(BuildContext ctx, Operand<T> x, long inner) {
    Ops tf = ctx.tf();
    BuildContext qc = ctx.child("q");
    BuildContext kvc = ctx.child("kv");
    Dense q = new Dense(config.dim(), inner, config.qkvBias());
    Dense kv = new Dense(config.dim(), 2 * inner, config.qkvBias());
    Operand<TFloat32> kernel = tf.concat(List.of(q.kernelParameter(qc), kv.kernelParameter(kvc)), tf.constant(1));
    Operand<T> bias = null;
    if (config.qkvBias()) {
      Operand<TFloat32> b = tf.concat(List.of(q.biasParameter(qc), kv.biasParameter(kvc)), tf.constant(0));
      bias = ctx.derived("qkv_joined/bias", ctx.cast(b, x.type()));
    }
    return Dense.affine(tf, x, ctx.derived("qkv_joined/kernel", ctx.cast(kernel, x.type())), bias);
  }

  /**
   * Scaled dot-product attention on head-split tensors {@code q [B,H,Nq,d]}, {@code k, v [B,H,Nk,d]}
   * with optional head mixes; returns {@code [B,H,Nq,dv]}. Shared by every attention in the library
   * (ScalableViT's SSA and IWSA included). The products run in the inputs' type, the mixes and the softmax in
   * float32.
   */
  public static <T extends TFloating> Operand<T> attend(
      BuildContext ctx,
      Operand<T> q,
      Operand<T> k,
      Operand<T> v,
      double scale,
      HeadMix preSoftmax,
      HeadMix postSoftmax,
      double attnDropout) {
    Ops tf = ctx.tf();
    int heads = (int) BuildContext.staticDim(q, 1);
    Operand<TFloat32> logits = ctx.toFloat32(
        tf.linalg.einsum(List.of(tf.math.mul(q, tf.constantOfSameType(q, (float) scale)), k), "bhid,bhjd->bhij"));
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
    return tf.linalg.einsum(List.of(ctx.cast(weights, v.type()), v), "bhij,bhjd->bhid");
  }

  /**
   * {@code [B, N, parts*H*d]} to {@code parts} tensors {@code [B, H, N, d]} (parts outermost, then
   * heads, as in {@code 'b n (three h d)'}).
   */
  public static <T extends TType> List<Operand<T>> splitHeads(
      BuildContext ctx, Operand<T> x, int n, int parts, int heads, int dh) {
    Ops tf = ctx.tf();
    Operand<T> r = tf.reshape(x, tf.constant(new int[] {-1, n, parts, heads, dh}));
    Operand<T> t = tf.linalg.transpose(r, tf.constant(new int[] {2, 0, 3, 1, 4}));
    if (parts == 1) {
      return List.of(tf.reshape(t, tf.constant(new int[] {-1, heads, n, dh})));
    }
    return List.copyOf(tf.unstack(t, (long) parts).output());
  }

  /** {@code [B, H, N, d]} back to {@code [B, N, H*d]}. */
  public static <T extends TType> Operand<T> mergeHeads(BuildContext ctx, Operand<T> x, int n, int inner) {
    Ops tf = ctx.tf();
    Operand<T> t = tf.linalg.transpose(x, tf.constant(new int[] {0, 2, 1, 3}));
    return tf.reshape(t, tf.constant(new int[] {-1, n, inner}));
  }
}
