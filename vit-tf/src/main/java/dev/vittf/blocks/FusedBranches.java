package dev.vittf.blocks;

import dev.vittf.core.BuildContext;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Fused evaluation of the parallel branches of a {@link TransformerBlock} (Parallel ViT, Touvron et
 * al. 2022). The per-branch LayerNorms share their statistics, so with {@code n(x) = (x - mean) /
 * sqrt(var + eps)}
 *
 * <pre>
 *   LN_b(x) W_b + c_b = n(x) (diag(g_b) W_b) + (beta_b W_b + c_b)
 * </pre>
 *
 * and the input projections of all branches become one matmul over the concatenated folded kernels.
 * The attention branches are then exactly one attention with {@code branches * H} heads (branch-major
 * heads), and the sum of their output projections (with LayerScale folded in, {@code W_p diag(ls)}) is
 * one matmul over the row-stacked kernels. The feed-forward branches likewise become one feed-forward
 * of width {@code branches * mlp}. Parameters are registered per branch, with exactly the names,
 * shapes and order of the unfused block; only the arithmetic is regrouped (agreement to float
 * rounding, tested at 1e-5).
 *
 * <p>Named outputs: each branch's attention map under the unfused name {@code
 * attns/<b>/attn/probs}, plus the joint map {@code attns/probs} ({@code [B, branches*H, N, N]},
 * branch-major heads).
 *
 * <p>Used only where the regrouping is exact: inference (per-branch dropout and drop path are
 * independent random draws per branch), an output projection present, fused qkv, no head mixing.
 */
final class FusedBranches {
  private FusedBranches() {}

  /** Whether {@code block} is evaluated fused in {@code ctx}. */
  static boolean applies(TransformerBlock block, BuildContext ctx) {
    AttentionConfig a = block.attention();
    return block.fuseBranches()
        && block.branches() > 1
        && !ctx.training()
        && a.outputProjection()
        && a.layout() == AttentionConfig.QkvLayout.FUSED
        && a.preSoftmax() == null
        && a.postSoftmax() == null;
  }

  /** {@code x + sum_b ls_b(Attn_b(LN_b(x)))}. */
  static Operand<TFloat32> attention(BuildContext ctx, TransformerBlock block, Operand<TFloat32> x) {
    Ops tf = ctx.tf();
    AttentionConfig a = block.attention();
    int branches = block.branches();
    long dim = a.dim();
    int heads = a.heads();
    int dh = (int) a.dimHead();
    int inner = heads * dh;
    int n = (int) BuildContext.staticDim(x, 1);
    LayerNorm norm = new LayerNorm(dim, block.normEps());
    Dense qkv = new Dense(dim, 3L * inner, a.qkvBias());
    Dense proj = new Dense(inner, dim);
    List<List<Operand<TFloat32>>> inKernels = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    List<List<Operand<TFloat32>>> inBiases = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    List<Operand<TFloat32>> outKernels = new ArrayList<>();
    Operand<TFloat32> outBias = null;
    List<BuildContext> attnScopes = new ArrayList<>();
    for (int b = 0; b < branches; b++) {
      BuildContext bctx = ctx.child("attns").child(b);
      BuildContext nctx = bctx.child("norm");
      Operand<TFloat32> g = norm.scale(nctx);
      Operand<TFloat32> beta = norm.shift(nctx);
      BuildContext actx = bctx.child("attn");
      attnScopes.add(actx);
      Operand<TFloat32> w = qkv.kernel(actx.child("qkv"));
      Operand<TFloat32> c = qkv.biasParameter(actx.child("qkv"));
      Folded folded = fold(tf, g, beta, w, c);
      // Split the folded [dim, 3*inner] kernel into its q, k, v thirds so that the concatenation is
      // [q_0 .. q_{B-1} | k_0 .. | v_0 ..]: one attention with branch-major heads.
      List<Operand<TFloat32>> kParts = split3(tf, folded.kernel(), 1);
      List<Operand<TFloat32>> bParts = split3(tf, folded.bias(), 0);
      for (int p = 0; p < 3; p++) {
        inKernels.get(p).add(kParts.get(p));
        inBiases.get(p).add(bParts.get(p));
      }
      Folded out = scaledOutput(block, bctx, proj, actx.child("proj"));
      outKernels.add(out.kernel());
      outBias = outBias == null ? out.bias() : tf.math.add(outBias, out.bias());
    }
    List<Operand<TFloat32>> kernels = new ArrayList<>();
    List<Operand<TFloat32>> biases = new ArrayList<>();
    for (int p = 0; p < 3; p++) {
      kernels.addAll(inKernels.get(p));
      biases.addAll(inBiases.get(p));
    }
    Operand<TFloat32> h = LayerNorm.standardize(tf, x, block.normEps());
    h = Dense.affine(tf, h, tf.concat(kernels, tf.constant(1)), tf.concat(biases, tf.constant(0)));
    List<Operand<TFloat32>> qkvHeads = Attention.splitHeads(ctx, h, n, 3, branches * heads, dh);
    BuildContext fused = ctx.child("attns");
    Operand<TFloat32> out =
        Attention.attend(fused, qkvHeads.get(0), qkvHeads.get(1), qkvHeads.get(2), a.effectiveScale(), null, null, 0);
    tapBranchProbs(fused, attnScopes);
    out = Attention.mergeHeads(ctx, out, n, branches * inner);
    Operand<TFloat32> y = Dense.affine(tf, out, tf.concat(outKernels, tf.constant(0)), outBias);
    return tf.math.add(x, y);
  }

  /** {@code x + sum_b ls_b(FF_b(LN_b(x)))}. */
  static Operand<TFloat32> feedForward(BuildContext ctx, TransformerBlock block, Operand<TFloat32> x) {
    Ops tf = ctx.tf();
    FeedForward ff = block.feedForward();
    long dim = ff.dim();
    LayerNorm norm = new LayerNorm(dim, block.normEps());
    Dense fc1 = new Dense(dim, ff.hidden());
    Dense fc2 = new Dense(ff.hidden(), dim);
    List<Operand<TFloat32>> k1 = new ArrayList<>();
    List<Operand<TFloat32>> c1 = new ArrayList<>();
    List<Operand<TFloat32>> k2 = new ArrayList<>();
    Operand<TFloat32> c2 = null;
    for (int b = 0; b < block.branches(); b++) {
      BuildContext bctx = ctx.child("ffns").child(b);
      BuildContext nctx = bctx.child("norm");
      Operand<TFloat32> g = norm.scale(nctx);
      Operand<TFloat32> beta = norm.shift(nctx);
      BuildContext mctx = bctx.child("mlp");
      Folded folded =
          fold(tf, g, beta, fc1.kernel(mctx.child("fc1")), fc1.biasParameter(mctx.child("fc1")));
      k1.add(folded.kernel());
      c1.add(folded.bias());
      Folded out = scaledOutput(block, bctx, fc2, mctx.child("fc2"));
      k2.add(out.kernel());
      c2 = c2 == null ? out.bias() : tf.math.add(c2, out.bias());
    }
    Operand<TFloat32> h = LayerNorm.standardize(tf, x, block.normEps());
    h = Dense.affine(tf, h, tf.concat(k1, tf.constant(1)), tf.concat(c1, tf.constant(0)));
    h = Activations.gelu(tf, h);
    Operand<TFloat32> y = Dense.affine(tf, h, tf.concat(k2, tf.constant(0)), c2);
    return tf.math.add(x, y);
  }

  /** A folded layer: kernel and bias with a norm or a LayerScale folded in. */
  private record Folded(Operand<TFloat32> kernel, Operand<TFloat32> bias) {}

  /** {@code diag(g) W} and {@code beta W + c} (c may be null). */
  private static Folded fold(
      Ops tf, Operand<TFloat32> g, Operand<TFloat32> beta, Operand<TFloat32> w, Operand<TFloat32> c) {
    Operand<TFloat32> kernel = tf.math.mul(tf.expandDims(g, tf.constant(-1)), w);
    Operand<TFloat32> bias = tf.reshape(tf.linalg.matMul(tf.expandDims(beta, tf.constant(0)), w), tf.constant(new int[] {-1}));
    if (c != null) {
      bias = tf.math.add(bias, c);
    }
    return new Folded(kernel, bias);
  }

  /**
   * A branch's output layer with its LayerScale folded in: {@code W diag(ls)} and {@code b * ls} (the
   * layer itself when the block has no LayerScale). Registers the layer's parameters, then {@code ls}.
   */
  private static Folded scaledOutput(TransformerBlock block, BuildContext branch, Dense layer, BuildContext layerCtx) {
    Operand<TFloat32> w = layer.kernel(layerCtx);
    Operand<TFloat32> b = layer.biasParameter(layerCtx);
    if (block.layerScaleInit() > 0) {
      Ops tf = branch.tf();
      Operand<TFloat32> ls = new LayerScale(layer.out(), block.layerScaleInit()).gamma(branch.child("ls"));
      w = tf.math.mul(w, ls);
      b = tf.math.mul(b, ls);
    }
    return new Folded(w, b);
  }

  private static List<Operand<TFloat32>> split3(Ops tf, Operand<TFloat32> x, int axis) {
    return List.copyOf(tf.split(tf.constant(axis), x, 3L).output());
  }

  /** Re-taps the fused probabilities per branch, under the names the unfused block uses. */
  private static void tapBranchProbs(BuildContext fused, List<BuildContext> attnScopes) {
    Operand<TFloat32> probs = fused.taps().get(fused.path() + "/probs");
    if (probs == null) {
      return;
    }
    Ops tf = fused.tf();
    List<Operand<TFloat32>> perBranch = List.copyOf(tf.split(tf.constant(1), probs, (long) attnScopes.size()).output());
    for (int b = 0; b < attnScopes.size(); b++) {
      attnScopes.get(b).tap("probs", perBranch.get(b));
    }
  }
}
