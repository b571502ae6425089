package dev.vittf.models;

/**
 * Settings every image classifier's builder shares (input size, channels, classes, dropout, LayerNorm
 * epsilon), so that each config's builder only adds its own. Builders validate nothing themselves:
 * the config record's constructor checks every field.
 *
 * @param <B> the concrete builder, returned by every setter for chaining
 */
public abstract class ImageModelBuilder<B extends ImageModelBuilder<B>> {
  /** Input height. */
  protected int imageHeight;
  /** Input width. */
  protected int imageWidth;
  /** Input channels (default 3). */
  protected int channels = 3;
  /** Classifier outputs. */
  protected int numClasses;
  /** Dropout rate (default 0; training only). */
  protected double dropout;
  /** LayerNorm epsilon (default 1e-5, PyTorch's). */
  protected double normEps = 1e-5;

  /** For subclasses. */
  protected ImageModelBuilder() {}

  /** This builder, typed as the concrete builder. */
  protected abstract B self();

  /** Square images. */
  public B imageSize(int size) {
    return imageSize(size, size);
  }

  /** Images of {@code height x width}. */
  public B imageSize(int height, int width) {
    imageHeight = height;
    imageWidth = width;
    return self();
  }

  /** Input channels (default 3). */
  public B channels(int v) {
    channels = v;
    return self();
  }

  /** Classifier outputs. */
  public B numClasses(int v) {
    numClasses = v;
    return self();
  }

  /** Dropout rate (default 0). */
  public B dropout(double v) {
    dropout = v;
    return self();
  }

  /** LayerNorm epsilon (default 1e-5). */
  public B normEps(double v) {
    normEps = v;
    return self();
  }
}
