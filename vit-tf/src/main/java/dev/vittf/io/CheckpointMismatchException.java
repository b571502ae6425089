package dev.vittf.io;

import java.util.List;

/**
 * A checkpoint does not match the model. Lists every missing, unexpected and mis-shaped tensor at
 * once, like PyTorch's {@code load_state_dict}.
 */
public final class CheckpointMismatchException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final List<String> missing;
  private final List<String> unexpected;
  private final List<String> misshaped;

  /** Creates the exception from the three problem lists. */
  public CheckpointMismatchException(String source, List<String> missing, List<String> unexpected, List<String> misshaped) {
    super("checkpoint does not match the model (" + source + "): "
        + part("missing", missing) + part("unexpected", unexpected) + part("mis-shaped", misshaped));
    this.missing = List.copyOf(missing);
    this.unexpected = List.copyOf(unexpected);
    this.misshaped = List.copyOf(misshaped);
  }

  /** A mismatch that is not about single tensors (another architecture, a head that cannot be kept). */
  public CheckpointMismatchException(String message) {
    super(message);
    this.missing = List.of();
    this.unexpected = List.of();
    this.misshaped = List.of();
  }

  private static String part(String label, List<String> items) {
    return items.isEmpty() ? "" : label + " " + items.size() + " " + items + "; ";
  }

  /** Tensors the model needs that the checkpoint lacks (checkpoint names). */
  public List<String> missing() {
    return missing;
  }

  /** Tensors in the checkpoint that the model does not use. */
  public List<String> unexpected() {
    return unexpected;
  }

  /** Tensors present with the wrong shape (with expected and actual shapes). */
  public List<String> misshaped() {
    return misshaped;
  }
}
