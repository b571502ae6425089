package dev.vittf.data;

/**
 * Where a training or evaluation loop gets its batches: batch {@code index} of epoch {@code epoch}, a pure
 * function of its arguments (and the source's seed), so a run can be resumed at any step. {@link BatchLoader}
 * serves an in-memory {@link ImageDataset}; {@link FolderBatches} decodes image files as they are needed.
 */
public interface BatchSource {
  /** Images per (full) batch. */
  int batchSize();

  /** Batches per epoch. */
  int batchesPerEpoch();

  /** Images per epoch (the dataset's size). */
  int size();

  /** Batch {@code index} of epoch {@code epoch}. */
  Batch batch(int epoch, int index);
}
