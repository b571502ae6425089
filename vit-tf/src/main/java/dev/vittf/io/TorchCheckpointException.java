package dev.vittf.io;

import java.io.IOException;

/**
 * A PyTorch checkpoint ({@code torch.save} zip archive) is refused: not a complete archive, a pickle that
 * names a global outside the state-dict whitelist or uses an unsupported opcode, or tensors that do not
 * fit their storages. The message names the file and the problem.
 */
public final class TorchCheckpointException extends IOException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message naming the file and the problem. */
  public TorchCheckpointException(String message) {
    super(message);
  }
}
