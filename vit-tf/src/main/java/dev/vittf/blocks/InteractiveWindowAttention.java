package dev.vittf.blocks;

import dev.vittf.core.BuildContext;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Interactive windowed self-attention (IWSA, Yang et al., ECCV 2022) on an NHWC map {@code [B, h, w,
 * dim]}: {@code q}, {@code k}, {@code v} = 1x1 convs (no bias); the local interactive module {@code
 * lim} = 3x3 conv (padding 1, bias) on the full {@code v} map; q, k, v are cut into non-overlapping
 * {@code window x window} windows (window 0 = the whole map) and attend within each window (scale
 * {@code dimKey^-0.5}, core {@link Attention#attend}); windows and heads are merged back, {@code
 * lim(v)} is added, and {@code proj} (1x1 conv with bias) maps to {@code dim}.
 *
 * <p>Parameters: {@code q/kernel}, {@code k/kernel}, {@code v/kernel} ({@code [dim, H*d]}), {@code
 * lim/kernel [3, 3, H*dv, H*dv]}, {@code lim/bias}, {@code proj/kernel [H*dv, dim]}, {@code
 * proj/bias}. Tapped: {@code probs} ({@code [B * windows, H, w*w, w*w]}).
 *
 * @param dim map channels
 * @param heads heads
 * @param dimKey query/key width per head
 * @param dimValue value width per head
 * @param window window side, or 0 for the whole map (the map must be divisible by it; the model
 *     config checks that before any op is built)
 * @param dropout attention-map and output dropout (training only)
 */
public record InteractiveWindowAttention(long dim, int heads, int dimKey, int dimValue, int window, double dropout) implements MapBlock {

  /** Applies IWSA to a map of {@code h x w}. */
  @Override
  public Operand<TFloat32> apply(BuildContext ctx, Operand<TFloat32> x, int h, int w) {
    Ops tf = ctx.tf();
    int wh = window == 0 ? h : window;
    int ww = window == 0 ? w : window;
    if (h % wh != 0 || w % ww != 0) {
      throw new IllegalArgumentException("IWSA: feature map " + h + "x" + w + " is not divisible by window " + window);
    }
    int qk = heads * dimKey;
    int vv = heads * dimValue;
    Operand<TFloat32> q = new Dense(dim, qk, false).apply(ctx.child("q"), x);
    Operand<TFloat32> k = new Dense(dim, qk, false).apply(ctx.child("k"), x);
    Operand<TFloat32> v = new Dense(dim, vv, false).apply(ctx.child("v"), x);
    Operand<TFloat32> local = Conv2d.of(vv, vv, 3, 1, 1, true).apply(ctx.child("lim"), v);
    Operand<TFloat32> out = Attention.attend(ctx,
        windows(tf, q, h, w, wh, ww, dimKey), windows(tf, k, h, w, wh, ww, dimKey), windows(tf, v, h, w, wh, ww, dimValue),
        1 / Math.sqrt(dimKey), null, null, dropout);
    out = unwindows(tf, out, h, w, wh, ww, dimValue);
    out = tf.math.add(out, local);
    out = new Dense(vv, dim).apply(ctx.child("proj"), out);
    return ctx.dropout(out, dropout);
  }

  /** {@code [B, h, w, H*d]} to {@code [B * windows, H, wh*ww, d]} (windows row-major, tokens row-major inside). */
  private Operand<TFloat32> windows(Ops tf, Operand<TFloat32> t, int h, int w, int wh, int ww, int d) {
    Operand<TFloat32> r = tf.reshape(t, tf.constant(new int[] {-1, h / wh, wh, w / ww, ww, heads, d}));
    Operand<TFloat32> p = tf.linalg.transpose(r, tf.constant(new int[] {0, 1, 3, 5, 2, 4, 6}));
    return tf.reshape(p, tf.constant(new int[] {-1, heads, wh * ww, d}));
  }

  /** The inverse of {@link #windows}: {@code [B * windows, H, wh*ww, d]} to {@code [B, h, w, H*d]}. */
  private Operand<TFloat32> unwindows(Ops tf, Operand<TFloat32> t, int h, int w, int wh, int ww, int d) {
    Operand<TFloat32> r = tf.reshape(t, tf.constant(new int[] {-1, h / wh, w / ww, heads, wh, ww, d}));
    Operand<TFloat32> p = tf.linalg.transpose(r, tf.constant(new int[] {0, 1, 4, 2, 5, 3, 6}));
    return tf.reshape(p, tf.constant(new int[] {-1, h, w, heads * d}));
  }

  @Override
  public long macs(int h, int w) {
    long p = (long) h * w;
    long tokens = window == 0 ? p : (long) window * window;
    long qk = (long) heads * dimKey;
    long vv = (long) heads * dimValue;
    return p * dim * (2 * qk + vv) + p * 9 * vv * vv + heads * p * tokens * (dimKey + dimValue) + p * vv * dim;
  }
}
