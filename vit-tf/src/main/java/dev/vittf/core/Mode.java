package dev.vittf.core;

/**
 * Execution mode, fixed when a model graph is built.
 *
 * <p>In {@link #INFERENCE} dropout, attention dropout and stochastic depth are the identity and no
 * random op is emitted at all. In {@link #TRAINING} they are active, seeded, draw fresh randomness
 * every run, and rescale survivors so that expectations match inference.
 */
public enum Mode {
  /** Deterministic forward pass; no random op in the graph. */
  INFERENCE,
  /** Dropout and stochastic depth active. */
  TRAINING
}
