package dev.vittf.blocks;

import dev.vittf.core.BuildContext;
import dev.vittf.core.Initializer;
import dev.vittf.core.ParameterRole;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * LayerScale (Touvron et al., CaiT, Sec. 3.1): multiply a residual branch by a learned per-channel
 * vector {@code gamma [dim]} initialised to {@code init} (a learned parameter, not a constant as in
 * the Flax port).
 *
 * @param dim channels
 * @param init initial value of every element (the paper's epsilon)
 */
public record LayerScale(long dim, double init) {

  /** The CaiT paper's epsilon for a network of the given depth: 0.1 up to 18, 1e-5 up to 24, else 1e-6. */
  public static double paperEpsilon(int depth) {
    if (depth <= 18) {
      return 0.1;
    }
    return depth <= 24 ? 1e-5 : 1e-6;
  }

  /** {@code x * gamma}. */
  public Operand<TFloat32> apply(BuildContext ctx, Operand<TFloat32> x) {
    Operand<TFloat32> gamma = ctx.parameter("gamma", ParameterRole.LAYER_SCALE, Initializer.constant(init), dim);
    return ctx.tf().math.mul(x, gamma);
  }
}
