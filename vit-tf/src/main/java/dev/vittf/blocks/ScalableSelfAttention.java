package dev.vittf.blocks;

import dev.vittf.core.BuildContext;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Scalable self-attention (SSA, Yang et al., ECCV 2022) on an NHWC map {@code [B, h, w, dim]}:
 * {@code q} = 1x1 conv (no bias) to {@code H*dimKey}; {@code k}, {@code v} = {@code r x r} convs with
 * stride {@code r} (no bias, no padding) to {@code H*dimKey} and {@code H*dimValue}; every query
 * attends to the {@code floor(h/r) * floor(w/r)} reduced keys (scale {@code dimKey^-0.5}, core {@link
 * Attention#attend}); heads merged back to {@code [B, h, w, H*dimValue]}; {@code proj} = 1x1 conv with
 * bias to {@code dim}. Channels split into heads with the head as the outer factor.
 *
 * <p>Parameters: {@code q/kernel [dim, H*dk]}, {@code k/kernel [r, r, dim, H*dk]}, {@code v/kernel [r,
 * r, dim, H*dv]}, {@code proj/kernel [H*dv, dim]}, {@code proj/bias}. Tapped: {@code probs}.
 *
 * @param dim map channels
 * @param heads heads
 * @param dimKey query/key width per head
 * @param dimValue value width per head
 * @param reduction spatial reduction factor {@code r} of keys and values
 * @param dropout attention-map and output dropout (training only)
 */
public record ScalableSelfAttention(long dim, int heads, int dimKey, int dimValue, int reduction, double dropout) implements MapBlock {

  /** Applies SSA to a map of {@code h x w}. */
  @Override
  public Operand<TFloat32> apply(BuildContext ctx, Operand<TFloat32> x, int h, int w) {
    Ops tf = ctx.tf();
    Conv2d kv = Conv2d.of(dim, (long) heads * dimKey, reduction, reduction, 0, false);
    int hr = kv.outputSize(h);
    int wr = kv.outputSize(w);
    Operand<TFloat32> q = new Dense(dim, (long) heads * dimKey, false).apply(ctx.child("q"), x);
    Operand<TFloat32> k = kv.apply(ctx.child("k"), x);
    Operand<TFloat32> v = Conv2d.of(dim, (long) heads * dimValue, reduction, reduction, 0, false).apply(ctx.child("v"), x);
    Operand<TFloat32> qh = heads(ctx, q, h * w, dimKey);
    Operand<TFloat32> kh = heads(ctx, k, hr * wr, dimKey);
    Operand<TFloat32> vh = heads(ctx, v, hr * wr, dimValue);
    Operand<TFloat32> out = Attention.attend(ctx, qh, kh, vh, 1 / Math.sqrt(dimKey), null, null, dropout);
    out = Attention.mergeHeads(ctx, out, h * w, heads * dimValue);
    out = tf.reshape(out, tf.constant(new int[] {-1, h, w, heads * dimValue}));
    out = new Dense((long) heads * dimValue, dim).apply(ctx.child("proj"), out);
    return ctx.dropout(out, dropout);
  }

  private Operand<TFloat32> heads(BuildContext ctx, Operand<TFloat32> map, int n, int d) {
    Ops tf = ctx.tf();
    Operand<TFloat32> flat = tf.reshape(map, tf.constant(new int[] {-1, n, heads * d}));
    return Attention.splitHeads(ctx, flat, n, 1, heads, d).get(0);
  }

  @Override
  public long macs(int h, int w) {
    long p = (long) h * w;
    long pr = (long) Math.floorDiv(h, reduction) * Math.floorDiv(w, reduction);
    long qk = (long) heads * dimKey;
    long vv = (long) heads * dimValue;
    return p * dim * qk + pr * reduction * reduction * dim * (qk + vv) + heads * p * pr * (dimKey + dimValue) + p * vv * dim;
  }
}
