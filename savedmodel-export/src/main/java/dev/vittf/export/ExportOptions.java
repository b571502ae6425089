package dev.vittf.export;

import dev.vittf.core.Precision;
import dev.vittf.models.Preprocessing;
import dev.vittf.preprocess.ImagePipeline;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * How to export.
 *
 * @param version the version directory to write, or null for the next free version (1 if none)
 * @param overwrite whether an existing version may be replaced (atomically); refused otherwise
 * @param xla whether the forward pass is XLA-compiled: it becomes a function called through a
 *     {@code PartitionedCall} marked {@code _XlaMustCompile=true}
 * @param imageBytesSignature whether to add the {@value ServingSignatures#IMAGE_BYTES_KEY} signature
 *     that takes encoded JPEG/PNG/GIF/BMP images and decodes, resizes and normalises them in the graph
 * @param preprocessing normalisation for the image-bytes signature, or null for the config's {@link
 *     dev.vittf.models.ModelConfig#preprocessing()}
 * @param pipeline the checkpoint's own preprocessing for the image-bytes signature (PIL-equivalent, in the
 *     graph: see {@link PipelineOps}), or null for the plain bilinear resize with {@code preprocessing}
 * @param labels the class names, one per logit (written to {@code assets/labels.txt}, returned by the
 *     {@value ServingSignatures#CLASSES} output), or null: the labels saved in a native checkpoint's
 *     metadata, else {@code LABEL_i}
 * @param topK how many classes the {@value ServingSignatures#CLASSES} and {@value ServingSignatures#SCORES}
 *     outputs hold per image (at most the number of classes; 0 = {@value ServingSignatures#DEFAULT_TOP_K})
 * @param precision what the exported graph computes in: {@link Precision#BF16} puts explicit casts in the graph
 *     (float32 variables, inputs and outputs), so it runs bf16 in TF Serving without any session option; the export
 *     falls back to float32 on a host without bf16 unless forced ({@link Precision#resolve})
 */
public record ExportOptions(
    Long version, boolean overwrite, boolean xla, boolean imageBytesSignature, Preprocessing preprocessing,
    ImagePipeline pipeline, List<String> labels, int topK, Precision precision) {

  /** Validates the version, the labels (no line breaks: one per line in labels.txt) and k. */
  public ExportOptions {
    if (version != null && version < 0) {
      throw new IllegalArgumentException("version must be >= 0, got " + version);
    }
    if (topK < 0) {
      throw new IllegalArgumentException("topK must be >= 1 (or 0 for the default " + ServingSignatures.DEFAULT_TOP_K
          + "), got " + topK);
    }
    if (labels != null) {
      labels = checkLabels(labels);
    }
    Objects.requireNonNull(precision, "precision");
  }

  /** Float32 options. */
  public ExportOptions(Long version, boolean overwrite, boolean xla, boolean imageBytesSignature, Preprocessing preprocessing,
      ImagePipeline pipeline, List<String> labels, int topK) {
    this(version, overwrite, xla, imageBytesSignature, preprocessing, pipeline, labels, topK, Precision.FP32);
  }

  /**
   * A copy of {@code labels} if every label can be a line of labels.txt: non-empty, no line break.
   *
   * @throws IllegalArgumentException naming the first label that cannot
   */
  static List<String> checkLabels(List<String> labels) {
    List<String> copy = List.copyOf(labels);
    for (int i = 0; i < copy.size(); i++) {
      String l = copy.get(i);
      if (l.isEmpty() || l.indexOf('\n') >= 0 || l.indexOf('\r') >= 0) {
        throw new IllegalArgumentException("label " + i + " (" + (l.isEmpty() ? "empty" : "'" + l.replace("\n", "\\n")
            .replace("\r", "\\r") + "'") + "): a label must be non-empty and on one line (labels.txt has one per line)");
      }
    }
    return copy;
  }

  /** Options without a checkpoint pipeline, default labels and k. */
  public ExportOptions(Long version, boolean overwrite, boolean xla, boolean imageBytesSignature, Preprocessing preprocessing,
      ImagePipeline pipeline) {
    this(version, overwrite, xla, imageBytesSignature, preprocessing, pipeline, null, 0);
  }

  /** Options without a checkpoint pipeline. */
  public ExportOptions(Long version, boolean overwrite, boolean xla, boolean imageBytesSignature, Preprocessing preprocessing) {
    this(version, overwrite, xla, imageBytesSignature, preprocessing, null, null, 0);
  }

  /** Next free version, no overwrite, no XLA, images signature only. */
  public static ExportOptions defaults() {
    return new ExportOptions(null, false, false, false, null, null, null, 0);
  }

  /** A copy writing {@code version}. */
  public ExportOptions withVersion(long version) {
    return with(c -> c.version = version);
  }

  /** A copy that may replace an existing version. */
  public ExportOptions withOverwrite(boolean overwrite) {
    return with(c -> c.overwrite = overwrite);
  }

  /** A copy with XLA on or off. */
  public ExportOptions withXla(boolean xla) {
    return with(c -> c.xla = xla);
  }

  /** A copy with or without the image-bytes signature. */
  public ExportOptions withImageBytesSignature(boolean on) {
    return with(c -> c.imageBytesSignature = on);
  }

  /** A copy with explicit normalisation for the image-bytes signature. */
  public ExportOptions withPreprocessing(Preprocessing p) {
    return with(c -> c.preprocessing = p);
  }

  /** A copy whose image-bytes signature runs {@code pipeline} in the graph (and is switched on). */
  public ExportOptions withPipeline(ImagePipeline pipeline) {
    return with(c -> {
      c.pipeline = pipeline;
      c.imageBytesSignature = true;
    });
  }

  /** A copy naming the classes (one label per logit). */
  public ExportOptions withLabels(List<String> labels) {
    return with(c -> c.labels = labels);
  }

  /** A copy whose {@value ServingSignatures#CLASSES}/{@value ServingSignatures#SCORES} outputs hold {@code k} classes. */
  public ExportOptions withTopK(int k) {
    if (k < 1) {
      throw new IllegalArgumentException("topK must be >= 1, got " + k);
    }
    return with(c -> c.topK = k);
  }

  /** A copy computing in {@code precision}. */
  public ExportOptions withPrecision(Precision precision) {
    return with(c -> c.precision = precision);
  }

  /** This record with {@code change} applied to a copy of its components (validated again). */
  private ExportOptions with(Consumer<Components> change) {
    Components c = new Components(this);
    change.accept(c);
    return new ExportOptions(c.version, c.overwrite, c.xla, c.imageBytesSignature, c.preprocessing, c.pipeline, c.labels, c.topK,
        c.precision);
  }

  /** The components as fields, so that a wither names only what it changes (a new component is added here once). */
  private static final class Components {
    Long version;
    boolean overwrite;
    boolean xla;
    boolean imageBytesSignature;
    Preprocessing preprocessing;
    ImagePipeline pipeline;
    List<String> labels;
    int topK;
    Precision precision;

    Components(ExportOptions o) {
      version = o.version;
      overwrite = o.overwrite;
      xla = o.xla;
      imageBytesSignature = o.imageBytesSignature;
      preprocessing = o.preprocessing;
      pipeline = o.pipeline;
      labels = o.labels;
      topK = o.topK;
      precision = o.precision;
    }
  }
}
