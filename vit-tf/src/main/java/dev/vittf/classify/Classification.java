package dev.vittf.classify;

import java.util.List;

/**
 * The answer for one image of a batch: the top-k classes, or the reason the image could not be
 * classified (one bad image never costs the others their answers).
 *
 * @param image the image's name (file path, or the caller's label)
 * @param topK the best classes, highest probability first; empty on error
 * @param probabilities the softmax over all classes; empty on error
 * @param logits the model's raw outputs, one per class (what {@code probabilities} is the softmax of); empty on error
 * @param error why the image failed, or {@code null}
 */
public record Classification(String image, List<Prediction> topK, double[] probabilities, float[] logits, String error) {
  /** Copies the lists. */
  public Classification {
    topK = List.copyOf(topK);
    probabilities = probabilities.clone();
    logits = logits.clone();
  }

  /** True if the image was classified. */
  public boolean ok() {
    return error == null;
  }

  /** A failed item. */
  static Classification failed(String image, String error) {
    return new Classification(image, List.of(), new double[0], new float[0], error);
  }

  @Override
  public double[] probabilities() {
    return probabilities.clone();
  }

  @Override
  public float[] logits() {
    return logits.clone();
  }
}
