package dev.vittf.train;

/**
 * What one epoch of {@link Fit} achieved.
 *
 * @param epoch 1-based epoch number
 * @param step global steps completed at the end of the epoch
 * @param trainLoss mean training loss over the epoch's steps (as run in this process)
 * @param testAccuracy accuracy on the evaluation set
 * @param testLoss mean cross-entropy on the evaluation set
 * @param trainSeconds wall-clock time of the epoch's training steps
 * @param evalSeconds wall-clock time of the evaluation
 * @param imagesPerSecond training throughput
 */
public record EpochRecord(int epoch, long step, double trainLoss, double testAccuracy, double testLoss,
    double trainSeconds, double evalSeconds, double imagesPerSecond) {}
