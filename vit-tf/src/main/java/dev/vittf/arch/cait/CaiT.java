package dev.vittf.arch.cait;

import dev.vittf.arch.vit.VisionTransformer;
import dev.vittf.blocks.Dense;
import dev.vittf.blocks.LayerNorm;
import dev.vittf.blocks.PatchEmbedding;
import dev.vittf.blocks.TransformerBlock;
import dev.vittf.core.BuildContext;
import dev.vittf.core.Initializer;
import dev.vittf.core.ParameterRole;
import dev.vittf.core.Precision;
import dev.vittf.models.Network;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The CaiT composition (Touvron et al., ICCV 2021), built from the shared blocks: patch embedding,
 * positional embedding on the patch tokens only, embedding dropout, the patch stage ({@link
 * TransformerBlock}s over the patch tokens), the class-attention stage (the same blocks in their
 * {@linkplain TransformerBlock#apply(BuildContext, Operand, Operand, boolean) class-attention form},
 * updating only the class token), LayerNorm and a linear head on the class token.
 *
 * <p>Parameter names: {@code patch_embed/...}, {@code pos_embed [1, N, D]}, {@code blocks/<i>/...},
 * {@code cls_token [1, 1, D]}, {@code cls_blocks/<i>/...}, {@code norm/{scale,bias}}, {@code
 * head/{kernel,bias}}. Tapped outputs: {@code tokens} (class token followed by the patch tokens, before
 * the final norm), {@code pooled} (the normalised class token), {@code logits}, and every attention
 * map ({@code blocks/<i>/attn/probs}, {@code cls_blocks/<i>/attn/probs}, ...).
 *
 * @param embedding patch embedding
 * @param blocks patch-stage blocks, in order
 * @param classBlocks class-attention blocks, in order (at least one)
 * @param normalizeClassContext whether class attention normalises the patch tokens (timm) or not (vit-pytorch)
 * @param normEps epsilon of the final LayerNorm
 * @param numClasses head width
 * @param embDropout dropout after adding the positional embedding (training only)
 */
public record CaiT(
    PatchEmbedding embedding,
    List<TransformerBlock> blocks,
    List<TransformerBlock> classBlocks,
    boolean normalizeClassContext,
    double normEps,
    int numClasses,
    double embDropout)
    implements Network {

  /** Copies the block lists; the class stage must not be empty. */
  public CaiT {
    blocks = List.copyOf(blocks);
    classBlocks = List.copyOf(classBlocks);
    if (classBlocks.isEmpty()) {
      throw new IllegalArgumentException("CaiT needs at least one class-attention block");
    }
  }

  @Override
  public Operand<TFloat32> apply(BuildContext ctx, Operand<TFloat32> images) {
    Ops tf = ctx.tf();
    long dim = embedding.dim();
    Operand<TFloat32> x = embedding.apply(ctx.child("patch_embed"), images);
    Operand<TFloat32> pos = ctx.parameter(
        "pos_embed", ParameterRole.EMBEDDING, Initializer.truncatedNormal(0.02), 1, embedding.numPatches(), dim);
    x = ctx.dropout(tf.math.add(x, pos), embDropout);
    BuildContext bctx = ctx.child("blocks");
    for (int i = 0; i < blocks.size(); i++) {
      x = blocks.get(i).apply(bctx.child(i), x);
    }
    Operand<TFloat32> cls = VisionTransformer.classTokens(ctx, x, dim);
    BuildContext cctx = ctx.child("cls_blocks");
    for (int i = 0; i < classBlocks.size(); i++) {
      cls = classBlocks.get(i).apply(cctx.child(i), cls, x, normalizeClassContext);
    }
    ctx.tap(TOKENS, tf.concat(List.of(cls, x), tf.constant(1)));
    Operand<TFloat32> pooled = tf.reshape(cls, tf.constant(new int[] {-1, (int) dim}));
    pooled = new LayerNorm(dim, normEps).apply(ctx.child("norm"), pooled);
    ctx.tap(POOLED, pooled);
    Operand<TFloat32> logits = new Dense(dim, numClasses).apply(ctx.child("head").withPrecision(Precision.FP32), pooled);
    ctx.tap(LOGITS, logits);
    return logits;
  }

  @Override
  public long flopsPerImage() {
    long n = embedding.numPatches();
    long macs = embedding.macs();
    for (TransformerBlock b : blocks) {
      macs += b.macs(n);
    }
    for (TransformerBlock b : classBlocks) {
      macs += b.classAttentionMacs(1, n);
    }
    macs += embedding.dim() * numClasses;
    return 2 * macs;
  }
}
