package dev.vittf.export;

import java.time.Duration;

/** Receives the stages of an export as they finish (for progress output on long exports). */
@FunctionalInterface
public interface ExportProgress {
  /** Reports nothing. */
  ExportProgress NONE = (stage, took) -> {};

  /**
   * A stage finished.
   *
   * @param stage short description, e.g. {@code "build graph"}
   * @param took how long it took
   */
  void stageDone(String stage, Duration took);
}
