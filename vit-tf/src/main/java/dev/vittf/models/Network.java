package dev.vittf.models;

import dev.vittf.core.BuildContext;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * A model as a composition of blocks. {@link #apply} builds it into the context's environment and
 * returns the logits; it also taps the named outputs {@code tokens}, {@code pooled} and {@code logits}
 * (plus per-block attention maps) through {@link BuildContext#tap}.
 */
public interface Network {

  /** Output name of the final token sequence (or feature map, for ScalableViT). */
  String TOKENS = "tokens";
  /** Output name of the pooled features fed to the head. */
  String POOLED = "pooled";
  /** Output name of the logits. */
  String LOGITS = "logits";

  /** Builds the model on NHWC images {@code [B, H, W, C]} and returns the logits {@code [B, classes]}. */
  Operand<TFloat32> apply(BuildContext ctx, Operand<TFloat32> images);

  /** Floating-point operations of one forward pass per image (2 per multiply-accumulate), counted analytically. */
  long flopsPerImage();
}
