package dev.vittf.blocks;

import dev.vittf.core.BuildContext;
import dev.vittf.core.Initializer;
import dev.vittf.core.ParameterRole;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Patch embedding, {@code [B, H, W, C] -> [B, N, dim]}, in one of three styles.
 *
 * <ul>
 *   <li>{@link Style#NORM_LINEAR_NORM} (vit-pytorch ViT, DeepViT, CaiT): {@code pre_norm} over the
 *       flattened patch, {@code proj} (Dense), {@code post_norm}.
 *   <li>{@link Style#LINEAR} (vit-pytorch Parallel ViT): {@code proj} only.
 *   <li>{@link Style#CONV} (timm, the paper): convolution with kernel = stride = patch, {@code
 *       proj/kernel} HWIO {@code [ph, pw, C, dim]}, {@code proj/bias}; equal to a dense map on the
 *       (row, column, channel)-flattened patch.
 * </ul>
 *
 * @param style embedding style
 * @param height image height
 * @param width image width
 * @param channels image channels
 * @param patchHeight patch height
 * @param patchWidth patch width
 * @param dim embedding width
 * @param normEps epsilon of the LayerNorms (NORM_LINEAR_NORM only)
 */
public record PatchEmbedding(
    Style style, int height, int width, int channels, int patchHeight, int patchWidth, long dim, double normEps) {

  /** Embedding style. */
  public enum Style {
    /** LayerNorm, Linear, LayerNorm (vit-pytorch). */
    NORM_LINEAR_NORM,
    /** Linear only (vit-pytorch Parallel ViT). */
    LINEAR,
    /** Strided convolution (timm). */
    CONV,
    /** Strided convolution without bias (timm with {@code pre_norm=True}, CLIP). */
    CONV_NO_BIAS;

    /** Whether this is one of the convolution styles. */
    public boolean isConv() {
      return this == CONV || this == CONV_NO_BIAS;
    }
  }

  /** Number of patches. */
  public int numPatches() {
    return (height / patchHeight) * (width / patchWidth);
  }

  /** Flattened patch size. */
  public long patchDim() {
    return (long) patchHeight * patchWidth * channels;
  }

  /** Embeds the images. */
  public Operand<TFloat32> apply(BuildContext ctx, Operand<TFloat32> images) {
    Ops tf = ctx.tf();
    if (style.isConv()) {
      BuildContext pctx = ctx.child("proj");
      Operand<TFloat32> kernel =
          pctx.parameter("kernel", ParameterRole.WEIGHT, Initializer.truncatedNormal(0.02), patchHeight, patchWidth, channels, dim);
      Operand<TFloat32> y =
          tf.nn.conv2d(images, kernel, List.of(1L, (long) patchHeight, (long) patchWidth, 1L), "VALID");
      if (style == Style.CONV) {
        y = tf.nn.biasAdd(y, pctx.parameter("bias", ParameterRole.BIAS, Initializer.zeros(), dim));
      }
      return tf.reshape(y, tf.constant(new int[] {-1, numPatches(), (int) dim}));
    }
    Operand<TFloat32> x = Patches.extract(tf, images, height, width, channels, patchHeight, patchWidth);
    if (style == Style.NORM_LINEAR_NORM) {
      x = new LayerNorm(patchDim(), normEps).apply(ctx.child("pre_norm"), x);
    }
    x = new Dense(patchDim(), dim).apply(ctx.child("proj"), x);
    if (style == Style.NORM_LINEAR_NORM) {
      x = new LayerNorm(dim, normEps).apply(ctx.child("post_norm"), x);
    }
    return x;
  }

  /** Multiply-accumulates per image. */
  public long macs() {
    return numPatches() * patchDim() * dim;
  }
}
