package dev.vittf.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * How {@link VitSpark#classify} reads its input and what it writes. Immutable and validated here, on the
 * driver, so a bad value fails before any task is scheduled.
 *
 * @param inputColumn the binary column holding the encoded images (JPEG, PNG, GIF, BMP)
 * @param nameColumn a column naming each row in error messages (for {@code binaryFile}: {@code path}), or
 *     {@code null} for the row's position in its partition
 * @param batchSize images per model call inside a partition
 * @param topK classes in the {@code top_k} column
 * @param logits whether to add the {@code logits} column (one float per class)
 * @param failOnError whether an image that cannot be classified fails the job (otherwise its row gets an {@code
 *     error} and the others are classified)
 * @param intraOpThreadsPerTask TensorFlow intra-op threads per concurrently running task: the executor's one
 *     model gets {@code intraOpThreadsPerTask × task slots} threads in its pool, so the tasks together use the
 *     executor's cores without oversubscribing them
 * @param validateOnDriver whether the driver loads the model once before scheduling, so a model that does not
 *     load fails with its own message instead of in every task
 */
public record ClassifyOptions(String inputColumn, String nameColumn, int batchSize, int topK, boolean logits,
    boolean failOnError, int intraOpThreadsPerTask, boolean validateOnDriver) implements Serializable {
  private static final long serialVersionUID = 1L;

  /** {@code binaryFile}'s {@code content}, named by {@code path}. */
  public static final String DEFAULT_INPUT = "content";
  /** {@code binaryFile}'s file path column. */
  public static final String DEFAULT_NAME = "path";
  /** Default images per model call. */
  public static final int DEFAULT_BATCH = 16;
  /** Default classes in {@code top_k}. */
  public static final int DEFAULT_TOP_K = 5;

  /** Checks every field and reports every problem at once. */
  public ClassifyOptions {
    List<String> problems = new ArrayList<>();
    if (inputColumn == null || inputColumn.isBlank()) {
      problems.add("inputColumn=" + inputColumn + ": must name a binary column");
    }
    if (nameColumn != null && nameColumn.isBlank()) {
      problems.add("nameColumn='': must name a column, or be null");
    }
    if (batchSize < 1) {
      problems.add("batchSize=" + batchSize + ": must be >= 1");
    }
    if (topK < 1) {
      problems.add("topK=" + topK + ": must be >= 1");
    }
    if (intraOpThreadsPerTask < 1) {
      problems.add("intraOpThreadsPerTask=" + intraOpThreadsPerTask + ": must be >= 1");
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("invalid ClassifyOptions: " + String.join("; ", problems));
    }
  }

  /**
   * {@code binaryFile} input ({@code content}, named by {@code path}), batches of {@value #DEFAULT_BATCH}, top
   * {@value #DEFAULT_TOP_K}, no logits, per-row errors, one intra-op thread per task, model checked on the driver.
   */
  public static ClassifyOptions defaults() {
    return new ClassifyOptions(DEFAULT_INPUT, DEFAULT_NAME, DEFAULT_BATCH, DEFAULT_TOP_K, false, false, 1, true);
  }

  /** With another image column and name column ({@code null}: none). */
  public ClassifyOptions withColumns(String input, String name) {
    return new ClassifyOptions(input, name, batchSize, topK, logits, failOnError, intraOpThreadsPerTask, validateOnDriver);
  }

  /** With another batch size. */
  public ClassifyOptions withBatchSize(int n) {
    return new ClassifyOptions(inputColumn, nameColumn, n, topK, logits, failOnError, intraOpThreadsPerTask, validateOnDriver);
  }

  /** With another number of classes in {@code top_k}. */
  public ClassifyOptions withTopK(int k) {
    return new ClassifyOptions(inputColumn, nameColumn, batchSize, k, logits, failOnError, intraOpThreadsPerTask, validateOnDriver);
  }

  /** With or without the {@code logits} column. */
  public ClassifyOptions withLogits(boolean on) {
    return new ClassifyOptions(inputColumn, nameColumn, batchSize, topK, on, failOnError, intraOpThreadsPerTask, validateOnDriver);
  }

  /** Whether a bad image fails the job. */
  public ClassifyOptions withFailOnError(boolean on) {
    return new ClassifyOptions(inputColumn, nameColumn, batchSize, topK, logits, on, intraOpThreadsPerTask, validateOnDriver);
  }

  /** With another number of TensorFlow intra-op threads per task. */
  public ClassifyOptions withIntraOpThreadsPerTask(int n) {
    return new ClassifyOptions(inputColumn, nameColumn, batchSize, topK, logits, failOnError, n, validateOnDriver);
  }

  /** Whether the driver loads the model once before scheduling. */
  public ClassifyOptions withValidateOnDriver(boolean on) {
    return new ClassifyOptions(inputColumn, nameColumn, batchSize, topK, logits, failOnError, intraOpThreadsPerTask, on);
  }
}
