package dev.vittf.blocks;

import dev.vittf.core.BuildContext;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * The one block interface: a block creates its parameters through the context's parameter store under
 * the context's scope and maps its input to an output, in whatever environment the context builds
 * into (a {@code Graph} or an {@code EagerSession}).
 */
@FunctionalInterface
public interface Block {
  /** Builds the block on {@code x} and returns its output. */
  Operand<TFloat32> apply(BuildContext ctx, Operand<TFloat32> x);
}
