package dev.vittf.classify;

/**
 * One class of a top-k answer.
 *
 * @param label the class name
 * @param index the logit index
 * @param score the softmax probability
 */
public record Prediction(String label, int index, double score) {}
