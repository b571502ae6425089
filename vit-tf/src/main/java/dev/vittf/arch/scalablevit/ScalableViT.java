package dev.vittf.arch.scalablevit;

import dev.vittf.blocks.Block;
import dev.vittf.blocks.Conv2d;
import dev.vittf.blocks.Dense;
import dev.vittf.blocks.FeedForward;
import dev.vittf.blocks.InteractiveWindowAttention;
import dev.vittf.blocks.LayerNorm;
import dev.vittf.blocks.ScalableSelfAttention;
import dev.vittf.core.BuildContext;
import dev.vittf.core.Precision;
import dev.vittf.models.Network;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The ScalableViT composition (Yang et al., ECCV 2022) for a validated {@link ScalableViTConfig}, on
 * NHWC feature maps throughout.
 *
 * <pre>
 *   stem:   conv 7x7 / 4, padding 3                          -> [B, h0, w0, D]
 *   stage s (width D*2^s), for each block j:
 *     x = x + SSA(CLN(x));  x = x + FF(CLN(x))
 *     x = x + DWConv3x3(x)                                   (PEG, block 0 only)
 *     x = x + IWSA(CLN(x)); x = x + FF(CLN(x))               (paper order)
 *     x = x + FF(CLN(x));   x = x + IWSA(CLN(x))             (upstreamBlockOrder: vit-pytorch's order)
 *   every stage but the last: CLN, then conv 3x3 / 2, padding 1 (width doubles)
 *   head:   spatial mean -> LayerNorm -> Linear
 * </pre>
 *
 * CLN is a LayerNorm over the channel axis at every pixel ({@link LayerNorm} on the last NHWC axis).
 * Every padded convolution pads explicitly and symmetrically, then convolves {@code VALID} ({@link
 * Conv2d}).
 *
 * <p>Parameter names: {@code stem/{kernel,bias}}; per block {@code stages/<s>/blocks/<j>/} {@code
 * ssa/{norm,q,k,v,proj}}, {@code ff1/{norm,fc1,fc2}}, {@code peg/{kernel,bias}} (j = 0), {@code
 * iwsa/{norm,q,k,v,lim,proj}}, {@code ff2/{norm,fc1,fc2}} ({@code ff2} is always the feed-forward
 * that the paper runs last, whatever the order); {@code stages/<s>/norm}, {@code
 * stages/<s>/downsample/{kernel,bias}}; {@code norm}, {@code head}. Taps: {@code tokens} (the last
 * feature map {@code [B, h, w, C]}), {@code pooled}, {@code logits}, and the attention {@code probs}
 * of every SSA and IWSA.
 *
 * @param config the validated config
 */
public record ScalableViT(ScalableViTConfig config) implements Network {

  @Override
  public Operand<TFloat32> apply(BuildContext ctx, Operand<TFloat32> images) {
    ScalableViTConfig c = config;
    Ops tf = ctx.tf();
    Operand<TFloat32> x = stem().apply(ctx.child("stem"), images);
    BuildContext stages = ctx.child("stages");
    for (int s = 0; s < c.numStages(); s++) {
      BuildContext sctx = stages.child(s);
      long width = c.stageDim(s);
      BuildContext blocks = sctx.child("blocks");
      for (int j = 0; j < c.depth().get(s); j++) {
        x = block(blocks.child(j), x, s, j == 0);
      }
      if (s < c.numStages() - 1) {
        x = new LayerNorm(width, c.normEps()).apply(sctx.child("norm"), x);
        x = downsample(s).apply(sctx.child("downsample"), x);
      }
    }
    ctx.tap(TOKENS, x);
    long last = c.stageDim(c.numStages() - 1);
    Operand<TFloat32> pooled = tf.math.mean(x, tf.constant(new int[] {1, 2}));
    pooled = new LayerNorm(last, c.normEps()).apply(ctx.child("norm"), pooled);
    ctx.tap(POOLED, pooled);
    Operand<TFloat32> logits = new Dense(last, c.numClasses()).apply(ctx.child("head").withPrecision(Precision.FP32), pooled);
    ctx.tap(LOGITS, logits);
    return logits;
  }

  private Operand<TFloat32> block(BuildContext ctx, Operand<TFloat32> x, int s, boolean first) {
    ScalableViTConfig c = config;
    Ops tf = ctx.tf();
    long width = c.stageDim(s);
    x = residual(ctx, Sublayer.SSA, x, s);
    x = residual(ctx, Sublayer.FF1, x, s);
    if (first) {
      // PEG: x + dwconv(x) + bias. The bias is added after the residual sum: grappler's remapper
      // otherwise fuses DepthwiseConv2dNative + BiasAdd + Add into a node it cannot run (it logs
      // "empty op name" errors and falls back).
      BuildContext pctx = ctx.child("peg");
      Conv2d peg = new Conv2d(width, width, 3, 1, 1, false, true); // depthwise; its bias is added below
      x = tf.nn.biasAdd(tf.math.add(x, peg.apply(pctx, x)), peg.bias(pctx));
    }
    for (Sublayer sublayer : c.upstreamBlockOrder() ? UPSTREAM_TAIL : PAPER_TAIL) {
      x = residual(ctx, sublayer, x, s);
    }
    return x;
  }

  /**
   * The residual sub-layers of a block and their parameter scopes. {@code FF2} is always the
   * feed-forward the paper runs last (vit-pytorch's module {@code .3}), whatever the order.
   */
  enum Sublayer {
    /** Scalable self-attention. */
    SSA("ssa"),
    /** The feed-forward after SSA. */
    FF1("ff1"),
    /** Interactive windowed self-attention. */
    IWSA("iwsa"),
    /** The second feed-forward. */
    FF2("ff2");

    private final String scope;

    Sublayer(String scope) {
      this.scope = scope;
    }
  }

  /** After the PEG, the paper runs IWSA then the second feed-forward. */
  private static final List<Sublayer> PAPER_TAIL = List.of(Sublayer.IWSA, Sublayer.FF2);
  /** vit-pytorch runs the second feed-forward before IWSA (it unpacks its module list out of order). */
  private static final List<Sublayer> UPSTREAM_TAIL = List.of(Sublayer.FF2, Sublayer.IWSA);

  /** {@code x + f(CLN(x))} for one sub-layer of a block of stage {@code s}. */
  private Operand<TFloat32> residual(BuildContext ctx, Sublayer sublayer, Operand<TFloat32> x, int s) {
    BuildContext fctx = ctx.child(sublayer.scope);
    Operand<TFloat32> h = new LayerNorm(config.stageDim(s), config.normEps()).apply(fctx.child("norm"), x);
    return ctx.tf().math.add(x, function(sublayer, s).apply(fctx, h));
  }

  private Block function(Sublayer sublayer, int s) {
    return switch (sublayer) {
      case SSA -> ssa(s);
      case IWSA -> iwsa(s);
      case FF1, FF2 -> feedForward(s);
    };
  }

  private Conv2d stem() {
    return Conv2d.of(config.channels(), config.dim(), 7, 4, 3, true);
  }

  private Conv2d downsample(int s) {
    return Conv2d.of(config.stageDim(s), config.stageDim(s + 1), 3, 2, 1, true);
  }

  private ScalableSelfAttention ssa(int s) {
    ScalableViTConfig c = config;
    return new ScalableSelfAttention(c.stageDim(s), c.heads().get(s), c.ssaDimKey().get(s), c.ssaDimValue().get(s),
        c.reductionFactor().get(s), c.dropout());
  }

  private InteractiveWindowAttention iwsa(int s) {
    ScalableViTConfig c = config;
    Integer window = c.windowSize().get(s);
    return new InteractiveWindowAttention(c.stageDim(s), c.heads().get(s), c.iwsaDimKey().get(s),
        c.iwsaDimValue().get(s), window == null ? 0 : window, c.dropout());
  }

  private FeedForward feedForward(int s) {
    long width = config.stageDim(s);
    return new FeedForward(width, width * config.ffExpansionFactor(), config.dropout());
  }

  @Override
  public long flopsPerImage() {
    ScalableViTConfig c = config;
    int[][] maps = c.stageMaps();
    long macs = stem().macs((long) maps[0][0] * maps[0][1]);
    for (int s = 0; s < c.numStages(); s++) {
      int h = maps[s][0];
      int w = maps[s][1];
      long pixels = (long) h * w;
      long perBlock = ssa(s).macs(h, w) + iwsa(s).macs(h, w) + 2 * pixels * feedForward(s).macsPerToken();
      macs += c.depth().get(s) * perBlock + Conv2d.depthwise(c.stageDim(s), 3, 1).macs(pixels);
      if (s < c.numStages() - 1) {
        macs += downsample(s).macs((long) maps[s + 1][0] * maps[s + 1][1]);
      }
    }
    macs += c.stageDim(c.numStages() - 1) * c.numClasses();
    return 2 * macs;
  }
}
