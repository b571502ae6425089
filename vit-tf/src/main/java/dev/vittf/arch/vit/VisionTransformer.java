package dev.vittf.arch.vit;

import dev.vittf.blocks.Dense;
import dev.vittf.blocks.LayerNorm;
import dev.vittf.blocks.PatchEmbedding;
import dev.vittf.blocks.TransformerBlock;
import dev.vittf.core.BuildContext;
import dev.vittf.core.Initializer;
import dev.vittf.core.ParameterRole;
import dev.vittf.core.Precision;
import dev.vittf.models.Network;
import dev.vittf.models.NormPlacement;
import dev.vittf.models.Pool;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Max;
import org.tensorflow.op.math.Mean;
import org.tensorflow.types.TFloat32;

/**
 * The ViT-family composition (ViT, DeepViT, Parallel ViT): patch embedding, optional class token and
 * register tokens (the prefix tokens), learned positional embedding (over all tokens, or over the patch
 * tokens only before the prefix is prepended: timm's {@code no_embed_class}), embedding dropout, optional
 * pre-norm, a stack of {@link TransformerBlock}s, final LayerNorm (on the tokens or on the pooled
 * vector), pooling, linear head.
 *
 * <p>Parameter names: {@code patch_embed/...}, {@code cls_token [1, 1, D]}, {@code reg_token [1, R, D]},
 * {@code pos_embed [1, N(+prefix), D]}, {@code norm_pre/...}, {@code blocks/<i>/...}, {@code
 * norm/{scale,bias}}, {@code head/{kernel,bias}}.
 *
 * @param embedding patch embedding
 * @param classToken whether a class token is prepended
 * @param registerTokens register tokens prepended after the class token
 * @param noEmbedClass whether the positional embedding covers the patch tokens only
 * @param preNorm whether a LayerNorm runs before the blocks
 * @param pool pooling
 * @param finalNorm where the final LayerNorm sits
 * @param normEps its epsilon
 * @param blocks the transformer blocks, in order
 * @param numClasses head width
 * @param embDropout dropout after adding the positional embedding (training only)
 * @param distillationToken whether a distillation token {@code dist_token} follows the class token; its head
 *     {@code head_dist} reads token 1, and the logits are the mean of both heads (taps {@code cls_logits},
 *     {@code distillation_logits})
 * @param tanhHead whether the head's output goes through tanh (a pooler)
 */
public record VisionTransformer(
    PatchEmbedding embedding,
    boolean classToken,
    int registerTokens,
    boolean noEmbedClass,
    boolean preNorm,
    Pool pool,
    NormPlacement finalNorm,
    double normEps,
    List<TransformerBlock> blocks,
    int numClasses,
    double embDropout,
    boolean distillationToken,
    boolean tanhHead)
    implements Network {

  /** The tap of the class-token head's logits of a distilled model. */
  public static final String CLS_LOGITS = "cls_logits";
  /** The tap of the distillation head's logits of a distilled model. */
  public static final String DISTILLATION_LOGITS = "distillation_logits";

  /** Copies the block list. */
  public VisionTransformer {
    blocks = List.copyOf(blocks);
  }

  /** Without register tokens or pre-norm, positional embedding over every token. */
  public VisionTransformer(PatchEmbedding embedding, boolean classToken, Pool pool, NormPlacement finalNorm, double normEps,
      List<TransformerBlock> blocks, int numClasses, double embDropout) {
    this(embedding, classToken, 0, false, false, pool, finalNorm, normEps, blocks, numClasses, embDropout, false, false);
  }

  /** Class token plus register tokens. */
  public int prefixTokens() {
    return (classToken ? 1 : 0) + (distillationToken ? 1 : 0) + registerTokens;
  }

  /** Rows of the positional embedding: the patch tokens, plus the prefix tokens unless {@code noEmbedClass}. */
  public int positionRows() {
    return embedding.numPatches() + (noEmbedClass ? 0 : prefixTokens());
  }

  @Override
  public Operand<TFloat32> apply(BuildContext ctx, Operand<TFloat32> images) {
    Ops tf = ctx.tf();
    long dim = embedding.dim();
    Operand<TFloat32> x = embedding.apply(ctx.child("patch_embed"), images);
    // parameters in timm's state-dict order: cls_token, reg_token, pos_embed
    List<Operand<TFloat32>> prefix = new ArrayList<>();
    if (classToken) {
      prefix.add(classTokens(ctx, x, dim));
    }
    if (distillationToken) {
      prefix.add(learnedTokens(ctx, "dist_token", 1, x, dim));
    }
    if (registerTokens > 0) {
      prefix.add(learnedTokens(ctx, "reg_token", registerTokens, x, dim));
    }
    Operand<TFloat32> pos =
        ctx.parameter("pos_embed", ParameterRole.EMBEDDING, Initializer.truncatedNormal(0.02), 1, positionRows(), dim);
    if (noEmbedClass) {
      x = tf.math.add(x, pos);
    }
    if (!prefix.isEmpty()) {
      prefix.add(x);
      x = tf.concat(prefix, tf.constant(1));
    }
    if (!noEmbedClass) {
      x = tf.math.add(x, pos);
    }
    x = ctx.dropout(x, embDropout);
    if (preNorm) {
      x = new LayerNorm(dim, normEps).apply(ctx.child("norm_pre"), x);
    }
    BuildContext bctx = ctx.child("blocks");
    for (int i = 0; i < blocks.size(); i++) {
      x = blocks.get(i).apply(bctx.child(i), x);
    }
    if (finalNorm == NormPlacement.TOKENS) {
      x = new LayerNorm(dim, normEps).apply(ctx.child("norm"), x);
    }
    ctx.tap(TOKENS, x);
    Operand<TFloat32> pooled = pool(tf, x);
    if (finalNorm == NormPlacement.POOLED) {
      pooled = new LayerNorm(dim, normEps).apply(ctx.child("norm"), pooled);
    }
    ctx.tap(POOLED, pooled);
    Operand<TFloat32> logits = new Dense(dim, numClasses).apply(ctx.child("head").withPrecision(Precision.FP32), pooled);
    if (tanhHead) {
      logits = tf.math.tanh(logits);
    }
    if (distillationToken) {
      // DeiT at inference: the mean of the class-token head and the distillation-token head
      Operand<TFloat32> distilled = tf.gather(x, tf.constant(1), tf.constant(1));
      Operand<TFloat32> dist = new Dense(dim, numClasses).apply(ctx.child("head_dist").withPrecision(Precision.FP32), distilled);
      ctx.tap(CLS_LOGITS, logits);
      ctx.tap(DISTILLATION_LOGITS, dist);
      logits = tf.math.mul(tf.constant(0.5f), tf.math.add(logits, dist));
    }
    ctx.tap(LOGITS, logits);
    return logits;
  }

  private Operand<TFloat32> pool(Ops tf, Operand<TFloat32> x) {
    if (pool == Pool.CLS) {
      return tf.gather(x, tf.constant(0), tf.constant(1));
    }
    if (pool == Pool.MEAN) {
      return tf.math.mean(x, tf.constant(1), Mean.keepDims(false));
    }
    // timm's global_pool_nlc: the prefix (class, register) tokens take no part in avg / max pooling
    int prefix = prefixTokens();
    Operand<TFloat32> patches = prefix == 0 ? x : tf.gather(x, tf.range(tf.constant(prefix),
        tf.constant(prefix + embedding.numPatches()), tf.constant(1)), tf.constant(1));
    Operand<TFloat32> avg = tf.math.mean(patches, tf.constant(1), Mean.keepDims(false));
    Operand<TFloat32> max = tf.max(patches, tf.constant(1), Max.keepDims(false));
    return switch (pool) {
      case AVG -> avg;
      case MAX -> max;
      case AVG_MAX -> tf.math.mul(tf.constant(0.5f), tf.math.add(avg, max));
      case CLS, MEAN -> throw new AssertionError(pool);
    };
  }

  /** The learned tokens {@code name [1, n, D]} tiled to {@code [B, n, D]} (register and distillation tokens). */
  private static Operand<TFloat32> learnedTokens(BuildContext ctx, String name, int n, Operand<TFloat32> like, long dim) {
    Ops tf = ctx.tf();
    Operand<TFloat32> tokens =
        ctx.parameter(name, ParameterRole.EMBEDDING, Initializer.truncatedNormal(0.02), 1, n, dim);
    Operand<TFloat32> tiled =
        tf.tile(tokens, tf.concat(List.of(ctx.batchDim(like), tf.constant(new int[] {1, 1})), tf.constant(0)));
    return tf.reshape(tiled, tf.constant(new int[] {-1, n, (int) dim}));
  }

  /** The learned {@code cls_token [1, 1, D]} tiled to {@code [B, 1, D]}, B the dynamic batch of {@code like}. */
  public static Operand<TFloat32> classTokens(BuildContext ctx, Operand<TFloat32> like, long dim) {
    Ops tf = ctx.tf();
    Operand<TFloat32> cls =
        ctx.parameter("cls_token", ParameterRole.EMBEDDING, Initializer.truncatedNormal(0.02), 1, 1, dim);
    Operand<TFloat32> tiled =
        tf.tile(cls, tf.concat(List.of(ctx.batchDim(like), tf.constant(new int[] {1, 1})), tf.constant(0)));
    // Tile's multiples are dynamic, so its static shape is unknown; restore [?, 1, D].
    return tf.reshape(tiled, tf.constant(new int[] {-1, 1, (int) dim}));
  }

  @Override
  public long flopsPerImage() {
    long tokens = embedding.numPatches() + prefixTokens();
    long macs = embedding.macs();
    for (TransformerBlock b : blocks) {
      macs += b.macs(tokens);
    }
    macs += embedding.dim() * numClasses * (distillationToken ? 2 : 1);
    return 2 * macs;
  }
}
