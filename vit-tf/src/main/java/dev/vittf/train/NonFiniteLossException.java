package dev.vittf.train;

/**
 * Training produced a NaN or infinite loss. The step that produced it has already been applied, so
 * the in-memory weights are no longer usable: resume from the last checkpoint (which training never
 * overwrites after this point) with a lower learning rate or stronger gradient clipping.
 */
public final class NonFiniteLossException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final long step;
  private final float loss;

  /** Creates the exception for {@code step} and its loss value, with extra advice appended. */
  public NonFiniteLossException(long step, float loss, String advice) {
    super("non-finite loss " + loss + " at step " + step + (advice.isEmpty() ? "" : "; " + advice));
    this.step = step;
    this.loss = loss;
  }

  /** The 0-based step whose loss was not finite. */
  public long step() {
    return step;
  }

  /** The loss value (NaN or infinite). */
  public float loss() {
    return loss;
  }
}
