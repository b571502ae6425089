package dev.vittf.export;

import dev.vittf.core.Precision;
import dev.vittf.models.Preprocessing;
import dev.vittf.preprocess.ImagePipeline;
import java.util.Objects;

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
 * @param precision what the exported graph computes in: {@link Precision#BF16} puts explicit casts in the graph
 *     (float32 variables, inputs and outputs), so it runs bf16 in TF Serving without any session option; the export
 *     falls back to float32 on a host without bf16 unless forced ({@link Precision#resolve})
 */
public record ExportOptions(
    Long version, boolean overwrite, boolean xla, boolean imageBytesSignature, Preprocessing preprocessing,
    ImagePipeline pipeline, Precision precision) {

  /** Validates the version. */
  public ExportOptions {
    if (version != null && version < 0) {
      throw new IllegalArgumentException("version must be >= 0, got " + version);
    }
    Objects.requireNonNull(precision, "precision");
  }

  /** Float32 options. */
  public ExportOptions(Long version, boolean overwrite, boolean xla, boolean imageBytesSignature, Preprocessing preprocessing,
      ImagePipeline pipeline) {
    this(version, overwrite, xla, imageBytesSignature, preprocessing, pipeline, Precision.FP32);
  }

  /** Options without a checkpoint pipeline. */
  public ExportOptions(Long version, boolean overwrite, boolean xla, boolean imageBytesSignature, Preprocessing preprocessing) {
    this(version, overwrite, xla, imageBytesSignature, preprocessing, null);
  }

  /** Next free version, no overwrite, no XLA, images signature only. */
  public static ExportOptions defaults() {
    return new ExportOptions(null, false, false, false, null, null);
  }

  /** A copy writing {@code version}. */
  public ExportOptions withVersion(long version) {
    return new ExportOptions(version, overwrite, xla, imageBytesSignature, preprocessing, pipeline, precision);
  }

  /** A copy that may replace an existing version. */
  public ExportOptions withOverwrite(boolean overwrite) {
    return new ExportOptions(version, overwrite, xla, imageBytesSignature, preprocessing, pipeline, precision);
  }

  /** A copy with XLA on or off. */
  public ExportOptions withXla(boolean xla) {
    return new ExportOptions(version, overwrite, xla, imageBytesSignature, preprocessing, pipeline, precision);
  }

  /** A copy with or without the image-bytes signature. */
  public ExportOptions withImageBytesSignature(boolean on) {
    return new ExportOptions(version, overwrite, xla, on, preprocessing, pipeline, precision);
  }

  /** A copy with explicit normalisation for the image-bytes signature. */
  public ExportOptions withPreprocessing(Preprocessing p) {
    return new ExportOptions(version, overwrite, xla, imageBytesSignature, p, pipeline, precision);
  }

  /** A copy whose image-bytes signature runs {@code pipeline} in the graph (and is switched on). */
  public ExportOptions withPipeline(ImagePipeline pipeline) {
    return new ExportOptions(version, overwrite, xla, true, preprocessing, pipeline, precision);
  }

  /** A copy computing in {@code precision}. */
  public ExportOptions withPrecision(Precision precision) {
    return new ExportOptions(version, overwrite, xla, imageBytesSignature, preprocessing, pipeline, precision);
  }
}
