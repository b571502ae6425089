package dev.vittf.classify;

import dev.vittf.core.HostTensor;
import dev.vittf.models.VitModel;
import dev.vittf.preprocess.ImageDecoder;
import dev.vittf.preprocess.ImagePipeline;
import dev.vittf.preprocess.RgbImage;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * From a photo to named scores in one call: decodes (as PIL does, {@link ImageDecoder}), runs the
 * checkpoint's own preprocessing ({@link ImagePipeline}), the model and a softmax, and returns the
 * top-k {@code (label, index, score)}.
 *
 * <pre>{@code
 * try (ImageClassifier c = ImageClassifier.of(model, ImagePipeline.forModel(hubDir), labels)) {
 *   for (Prediction p : c.classify(Path.of("cat.jpg"))) System.out.println(p.label() + " " + p.score());
 * }
 * }</pre>
 *
 * <p>The model is any {@link LogitsModel}: a {@link VitModel} built in Java, or a SavedModel export ({@code
 * SavedModelClassifier.open} in {@code savedmodel-export}, which reads the export's pipeline and labels).
 *
 * <p>Thread-safe: one classifier (one model) serves any number of threads; {@link #close()} waits for
 * running calls and closes the model, which the classifier owns. In a batch ({@link #classify(List)})
 * each image that cannot be read or preprocessed gets its own error and the others are classified.
 */
public final class ImageClassifier implements AutoCloseable {
  /** Default number of classes returned. */
  public static final int DEFAULT_TOP_K = 5;
  /** Default number of images per model call in a batch. */
  public static final int DEFAULT_BATCH = 16;

  private final LogitsModel model;
  private final ImagePipeline pipeline;
  private final List<String> labels;
  private final ImageDecoder decoder;
  private final int topK;
  private final int batchSize;
  private final ReadWriteLock lock = new ReentrantReadWriteLock();
  private boolean closed;

  private ImageClassifier(LogitsModel model, ImagePipeline pipeline, List<String> labels, int topK, int batchSize, long maxPixels) {
    if (labels.size() != model.numClasses()) {
      throw new IllegalArgumentException(model.describe() + " has " + model.numClasses() + " classes but " + labels.size()
          + " labels were given");
    }
    if (model.channels() != 3) {
      throw new IllegalArgumentException("photo classification needs a 3-channel (RGB) model, " + model.describe() + " has "
          + model.channels() + " channels");
    }
    int h = pipeline.outputHeight();
    int w = pipeline.outputWidth();
    if (h > 0 && (h != model.imageHeight() || w != model.imageWidth())) {
      throw new IllegalArgumentException("pipeline '" + pipeline.name() + "' produces " + h + "x" + w
          + " images, " + model.describe() + " reads " + model.imageHeight() + "x" + model.imageWidth());
    }
    if (topK < 1) {
      throw new IllegalArgumentException("topK must be >= 1, got " + topK);
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
    }
    this.model = model;
    this.pipeline = pipeline;
    this.labels = List.copyOf(labels);
    this.topK = Math.min(topK, labels.size());
    this.batchSize = batchSize;
    this.decoder = new ImageDecoder(maxPixels);
  }

  /**
   * A classifier returning the top {@value #DEFAULT_TOP_K}; it takes ownership of {@code model}.
   *
   * @param labels one name per logit, {@code labels.get(i)} names logit {@code i}
   */
  public static ImageClassifier of(VitModel model, ImagePipeline pipeline, List<String> labels) {
    return of(model, pipeline, labels, DEFAULT_TOP_K);
  }

  /** A classifier returning the top {@code topK}; it takes ownership of {@code model}. */
  public static ImageClassifier of(VitModel model, ImagePipeline pipeline, List<String> labels, int topK) {
    return of(model, pipeline, labels, topK, DEFAULT_BATCH, ImageDecoder.DEFAULT_MAX_PIXELS);
  }

  /**
   * A classifier with every setting; it takes ownership of {@code model}.
   *
   * @param batchSize images per model call in {@link #classify(List)}
   * @param maxPixels the decoder's pixel limit (checked from each file's header before decoding)
   */
  public static ImageClassifier of(
      VitModel model, ImagePipeline pipeline, List<String> labels, int topK, int batchSize, long maxPixels) {
    return of(LogitsModel.of(model), pipeline, labels, topK, batchSize, maxPixels);
  }

  /**
   * A classifier over any logits model (a SavedModel export, for one); it takes ownership of {@code model}.
   *
   * @param batchSize images per model call in {@link #classify(List)}
   * @param maxPixels the decoder's pixel limit (checked from each file's header before decoding)
   */
  public static ImageClassifier of(
      LogitsModel model, ImagePipeline pipeline, List<String> labels, int topK, int batchSize, long maxPixels) {
    return new ImageClassifier(model, pipeline, labels, topK, batchSize, maxPixels);
  }

  /** Default labels when a checkpoint has none: transformers' {@code LABEL_i}. */
  public static List<String> defaultLabels(int classes) {
    List<String> out = new ArrayList<>(classes);
    for (int i = 0; i < classes; i++) {
      out.add("LABEL_" + i);
    }
    return out;
  }

  /** The preprocessing pipeline. */
  public ImagePipeline pipeline() {
    return pipeline;
  }

  /** The labels, by logit index. */
  public List<String> labels() {
    return labels;
  }

  /**
   * The precision the model computes in: build the {@link VitModel} with {@code
   * VitModel.Options.defaults().withPrecision(Precision.BF16)} for a bf16 classifier.
   */
  public dev.vittf.core.Precision precision() {
    return model.precision();
  }

  /** The model (owned by this classifier). */
  public LogitsModel logitsModel() {
    return model;
  }

  /**
   * The Java-built model (owned by this classifier), for what needs its graph (attention maps).
   *
   * @throws IllegalStateException if the classifier runs another kind of model (a SavedModel export)
   */
  public VitModel model() {
    return model.graphModel().orElseThrow(() -> new IllegalStateException(
        "this classifier runs " + model.describe() + ", not a model built in Java (attention maps need one: load the "
            + "checkpoint or hub folder the export was made from)"));
  }

  /** The top-k classes of an image file. */
  public List<Prediction> classify(Path file) {
    return single(file);
  }

  /** The top-k classes of an encoded image (PNG, JPEG, GIF, BMP). */
  public List<Prediction> classify(byte[] encoded) {
    return single(encoded);
  }

  /** The top-k classes of a Java image (its raw samples, converted as {@code convert('RGB')} would). */
  public List<Prediction> classify(BufferedImage image) {
    return single(image);
  }

  private List<Prediction> single(Object image) {
    Classification c = classify(List.of(image)).get(0);
    if (!c.ok()) {
      throw new IllegalArgumentException(c.error());
    }
    return c.topK();
  }

  /**
   * Classifies a batch. Elements may be {@link Path}, {@code byte[]}, {@link EncodedImage}, {@link BufferedImage}
   * or {@link RgbImage}; the result has one entry per element, in order, each with its top-k or its error.
   */
  public List<Classification> classify(List<?> images) {
    lock.readLock().lock();
    try {
      if (closed) {
        throw new IllegalStateException("image classifier is closed");
      }
      Classification[] out = new Classification[images.size()];
      List<Integer> ready = new ArrayList<>();
      List<float[]> pixels = new ArrayList<>();
      for (int i = 0; i < images.size(); i++) {
        Object image = images.get(i);
        String name = nameOf(image, i);
        try {
          pixels.add(prepare(image, name));
          ready.add(i);
        } catch (IllegalArgumentException e) {
          out[i] = Classification.failed(name, e.getMessage());
        }
        if (ready.size() == batchSize) {
          run(images, ready, pixels, out);
        }
      }
      run(images, ready, pixels, out);
      return List.of(out);
    } finally {
      lock.readLock().unlock();
    }
  }

  private float[] prepare(Object image, String name) {
    RgbImage rgb;
    if (image instanceof Path p) {
      rgb = decoder.decode(p);
    } else if (image instanceof byte[] b) {
      rgb = decoder.decode(b, name);
    } else if (image instanceof EncodedImage e) {
      rgb = decoder.decode(e.bytes(), name);
    } else if (image instanceof BufferedImage bi) {
      rgb = decoder.fromBufferedImage(bi, name);
    } else if (image instanceof RgbImage r) {
      rgb = r;
    } else {
      throw new IllegalArgumentException(name + ": expected a Path, byte[], EncodedImage, BufferedImage or RgbImage, got "
          + (image == null ? "null" : image.getClass().getName()));
    }
    int[] size = pipeline.outputSize(rgb);
    if (size[0] != model.imageHeight() || size[1] != model.imageWidth()) {
      throw new IllegalArgumentException(name + ": preprocessing gives " + size[0] + "x" + size[1] + ", the model reads "
          + model.imageHeight() + "x" + model.imageWidth());
    }
    return pipeline.apply(rgb);
  }

  private void run(List<?> images, List<Integer> ready, List<float[]> pixels, Classification[] out) {
    if (ready.isEmpty()) {
      return;
    }
    int per = model.imageHeight() * model.imageWidth() * 3;
    float[] batch = new float[ready.size() * per];
    for (int i = 0; i < ready.size(); i++) {
      System.arraycopy(pixels.get(i), 0, batch, i * per, per);
    }
    HostTensor logits = model.logits(new HostTensor(new long[] {ready.size(), model.imageHeight(), model.imageWidth(), 3}, batch));
    if (logits.rank() != 2 || logits.dim(0) != ready.size() || logits.dim(1) != labels.size()) {
      throw new IllegalStateException(model.describe() + " returned logits of shape " + Arrays.toString(logits.shape())
          + " for " + ready.size() + " images, expected [" + ready.size() + ", " + labels.size() + "]");
    }
    for (int i = 0; i < ready.size(); i++) {
      int item = ready.get(i);
      String name = nameOf(images.get(item), item);
      float[] row = logits.row(i);
      if (!allFinite(row)) {
        out[item] = Classification.failed(name, name + ": the model produced a non-finite logit " + Arrays.toString(row));
        continue;
      }
      double[] p = softmax(row);
      out[item] = new Classification(name, top(p), p, row, null);
    }
    ready.clear();
    pixels.clear();
  }

  private List<Prediction> top(double[] p) {
    Integer[] order = new Integer[p.length];
    for (int i = 0; i < p.length; i++) {
      order[i] = i;
    }
    // Stable: equal scores keep the lower index first.
    Arrays.sort(order, (a, b) -> Double.compare(p[b], p[a]));
    List<Prediction> out = new ArrayList<>(topK);
    for (int i = 0; i < topK; i++) {
      out.add(new Prediction(labels.get(order[i]), order[i], p[order[i]]));
    }
    return out;
  }

  private static boolean allFinite(float[] v) {
    for (float x : v) {
      if (!Float.isFinite(x)) {
        return false;
      }
    }
    return true;
  }

  /** Softmax in double precision, shifted by the maximum so large logits do not overflow. */
  static double[] softmax(float[] logits) {
    double max = Double.NEGATIVE_INFINITY;
    for (float l : logits) {
      max = Math.max(max, l);
    }
    double[] p = new double[logits.length];
    double sum = 0;
    for (int i = 0; i < logits.length; i++) {
      p[i] = Math.exp(logits[i] - max);
      sum += p[i];
    }
    for (int i = 0; i < p.length; i++) {
      p[i] /= sum;
    }
    return p;
  }

  private static String nameOf(Object image, int index) {
    if (image instanceof Path p) {
      return p.toString();
    }
    return image instanceof EncodedImage e ? e.name() : "image #" + index;
  }

  /** Waits for running calls, then closes the decoder and the model. */
  @Override
  public void close() {
    lock.writeLock().lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      decoder.close();
      model.close();
    } finally {
      lock.writeLock().unlock();
    }
  }
}
