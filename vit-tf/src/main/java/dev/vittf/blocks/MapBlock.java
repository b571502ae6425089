package dev.vittf.blocks;

import dev.vittf.core.BuildContext;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * A block over an NHWC feature map {@code [B, h, w, C]} whose height and width are static (ScalableViT's two
 * attentions): it is built for the map's size, and its cost is a function of that size.
 */
public interface MapBlock extends Block {
  /** Reads {@code h} and {@code w} from {@code x}'s static shape and builds the block for them. */
  @Override
  default Operand<TFloat32> apply(BuildContext ctx, Operand<TFloat32> x) {
    return apply(ctx, x, (int) BuildContext.staticDim(x, 1), (int) BuildContext.staticDim(x, 2));
  }

  /** Builds the block on a map {@code x} of {@code h x w}. */
  Operand<TFloat32> apply(BuildContext ctx, Operand<TFloat32> x, int h, int w);

  /** Multiply-accumulates for a map of {@code h x w}. */
  long macs(int h, int w);
}
