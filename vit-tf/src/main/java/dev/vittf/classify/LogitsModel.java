package dev.vittf.classify;

import dev.vittf.core.HostTensor;
import dev.vittf.core.Precision;
import dev.vittf.models.ModelConfig;
import dev.vittf.models.VitModel;
import java.util.Optional;

/**
 * What an {@link ImageClassifier} runs: a batch of preprocessed NHWC float pixels in, one row of logits per
 * image out. A {@link VitModel} built in Java is one ({@link #of(VitModel)}); a SavedModel export is another
 * ({@code dev.vittf.export.SavedModelClassifier} in {@code savedmodel-export}). Implementations must be
 * thread-safe: one classifier calls {@link #logits} from many threads at once.
 */
public interface LogitsModel extends AutoCloseable {
  /** Input height in pixels. */
  int imageHeight();

  /** Input width in pixels. */
  int imageWidth();

  /** Input channels. */
  int channels();

  /** Number of logits per image. */
  int numClasses();

  /**
   * The logits of a batch.
   *
   * @param images {@code [n, imageHeight, imageWidth, channels]}
   * @return {@code [n, numClasses]}
   */
  HostTensor logits(HostTensor images);

  /** The precision the model computes in. */
  Precision precision();

  /** What the model is, for messages (a file, a folder, an architecture). */
  String describe();

  /** The Java-built model, when this is one (attention maps and other taps need its graph). */
  default Optional<VitModel> graphModel() {
    return Optional.empty();
  }

  /** Frees the model's native memory. */
  @Override
  void close();

  /** A {@link VitModel} as a logits model; closing it closes the model. */
  static LogitsModel of(VitModel model) {
    return new LogitsModel() {
      private final ModelConfig config = model.config();

      @Override
      public int imageHeight() {
        return config.imageHeight();
      }

      @Override
      public int imageWidth() {
        return config.imageWidth();
      }

      @Override
      public int channels() {
        return config.channels();
      }

      @Override
      public int numClasses() {
        return config.numClasses();
      }

      @Override
      public HostTensor logits(HostTensor images) {
        return model.predict(images);
      }

      @Override
      public Precision precision() {
        return model.precision();
      }

      @Override
      public String describe() {
        return "a " + config.architecture() + " model built in Java";
      }

      @Override
      public Optional<VitModel> graphModel() {
        return Optional.of(model);
      }

      @Override
      public void close() {
        model.close();
      }
    };
  }
}
