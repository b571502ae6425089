package dev.vittf.export;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vittf.classify.ImageClassifier;
import dev.vittf.classify.LogitsModel;
import dev.vittf.core.HostTensor;
import dev.vittf.core.Precision;
import dev.vittf.models.Preprocessing;
import dev.vittf.preprocess.ImageDecoder;
import dev.vittf.preprocess.ImagePipeline;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;

/**
 * An {@link ImageClassifier} over a SavedModel export: the photo is decoded and preprocessed in Java exactly as
 * the checkpoint's source library does (the pipeline the export recorded in {@code assets.extra/vittf.json}),
 * then the export's {@value ServingSignatures#DEFAULT_KEY} signature computes the logits, and the classes are
 * named by its {@code assets/labels.txt}. So a model trained or converted here, exported, and served from the
 * export gives the answers the hub folder or checkpoint gave.
 *
 * <pre>{@code
 * try (ImageClassifier c = SavedModelClassifier.open(Path.of("models/vit"))) {  // the highest version
 *   System.out.println(c.classify(Path.of("cat.jpg")).get(0).label());
 * }
 * }</pre>
 *
 * <p>Exports made before the metadata carried a pipeline fall back to the plain recipe of their recorded mean and
 * std ({@link ImagePipeline#resized}); SavedModels made elsewhere need the pipeline given explicitly.
 */
public final class SavedModelClassifier {
  private SavedModelClassifier() {}

  /** Opens a version directory, or the highest version of a model base directory, with default settings. */
  public static ImageClassifier open(Path path) {
    return open(path, ServingModel.Options.defaults(), null, ImageClassifier.DEFAULT_TOP_K, ImageClassifier.DEFAULT_BATCH,
        ImageDecoder.DEFAULT_MAX_PIXELS);
  }

  /**
   * Opens a SavedModel export as a classifier.
   *
   * @param path a version directory (with {@code saved_model.pb}) or a model base directory (its highest version)
   * @param serving session settings (threads, XLA JIT)
   * @param pipeline preprocessing instead of the export's own, or null
   * @param topK classes returned per image
   * @param batchSize images per signature call
   * @param maxPixels the decoder's pixel limit
   * @throws IllegalArgumentException naming the file and field when the export cannot be classified with
   */
  public static ImageClassifier open(Path path, ServingModel.Options serving, ImagePipeline pipeline, int topK, int batchSize,
      long maxPixels) {
    Path version = SavedModelInfo.resolveVersion(path);
    SavedModelInfo info = SavedModelInfo.read(version);
    long[] hwc = inputShape(info);
    int classes = classes(info);
    ImagePipeline p = pipeline != null ? pipeline : pipeline(info, (int) hwc[0], (int) hwc[1]);
    List<String> labels = labels(version, classes);
    Precision precision = info.metadata() == null || !info.metadata().has("precision") ? Precision.FP32
        : Precision.parse(info.metadata().get("precision").asText());
    ServingModel model = ServingModel.load(version, serving);
    try {
      return ImageClassifier.of(new Served(model, hwc, classes, precision), p, labels, topK, batchSize, maxPixels);
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
  }

  private static Path pb(SavedModelInfo info) {
    return info.directory().resolve("saved_model.pb");
  }

  private static SignatureDef defaultSignature(SavedModelInfo info) {
    SignatureDef sig = info.signatures().get(ServingSignatures.DEFAULT_KEY);
    if (sig == null) {
      throw new IllegalArgumentException(pb(info) + ": has no '" + ServingSignatures.DEFAULT_KEY + "' signature (it has "
          + info.signatures().keySet() + ")");
    }
    return sig;
  }

  /** {@code [H, W, C]} of the images input: a known size is needed to preprocess to. */
  private static long[] inputShape(SavedModelInfo info) {
    TensorInfo in = defaultSignature(info).getInputsMap().get(ServingSignatures.IMAGES);
    if (in == null || in.getTensorShape().getDimCount() != 4) {
      throw new IllegalArgumentException(pb(info) + ": signature '" + ServingSignatures.DEFAULT_KEY + "' has no NHWC '"
          + ServingSignatures.IMAGES + "' input");
    }
    long[] hwc = new long[3];
    for (int i = 0; i < 3; i++) {
      hwc[i] = in.getTensorShape().getDim(i + 1).getSize();
      if (hwc[i] < 1) {
        throw new IllegalArgumentException(pb(info) + ": the '" + ServingSignatures.IMAGES + "' input has shape "
            + SavedModelInfo.shape(in.getTensorShape()) + "; height, width and channels must be fixed");
      }
    }
    return hwc;
  }

  private static int classes(SavedModelInfo info) {
    TensorInfo out = defaultSignature(info).getOutputsMap().get(ServingSignatures.LOGITS);
    if (out == null || out.getTensorShape().getDimCount() != 2 || out.getTensorShape().getDim(1).getSize() < 1) {
      throw new IllegalArgumentException(pb(info) + ": signature '" + ServingSignatures.DEFAULT_KEY + "' has no '"
          + ServingSignatures.LOGITS + "' output of shape (-1, classes)");
    }
    return (int) out.getTensorShape().getDim(1).getSize();
  }

  /** The export's recorded pipeline, else (older exports) the plain recipe of its recorded statistics. */
  private static ImagePipeline pipeline(SavedModelInfo info, int height, int width) {
    Path meta = info.directory().resolve(ServingSignatures.EXTRA_DIR).resolve(ServingSignatures.METADATA_FILE);
    JsonNode m = info.metadata();
    if (m == null) {
      throw new IllegalArgumentException(info.directory() + ": has no " + ServingSignatures.EXTRA_DIR + "/"
          + ServingSignatures.METADATA_FILE + " (not a vit-tf export), so its preprocessing is unknown: give a pipeline");
    }
    if (m.has(SavedModelExporter.PIPELINE_KEY)) {
      return ImagePipeline.fromJson(m.get(SavedModelExporter.PIPELINE_KEY), meta + " field '" + SavedModelExporter.PIPELINE_KEY + "'");
    }
    JsonNode pre = m.get("preprocessing");
    if (pre == null || !pre.path("mean").isArray() || !pre.path("std").isArray()) {
      throw new IllegalArgumentException(meta + ": has neither '" + SavedModelExporter.PIPELINE_KEY
          + "' nor 'preprocessing' {mean, std}: give a pipeline");
    }
    try {
      return ImagePipeline.resized(height, width, new Preprocessing(doubles(pre.get("mean")), doubles(pre.get("std"))));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(meta + " field 'preprocessing': " + e.getMessage(), e);
    }
  }

  private static List<Double> doubles(JsonNode array) {
    List<Double> out = new ArrayList<>();
    array.forEach(n -> out.add(n.isNumber() ? n.asDouble() : Double.NaN));
    return out;
  }

  /** {@code assets/labels.txt}, one per logit; {@code LABEL_i} when the export has none. */
  private static List<String> labels(Path version, int classes) {
    Path file = version.resolve(ServingSignatures.ASSETS_DIR).resolve(ServingSignatures.LABELS_FILE);
    if (!Files.isRegularFile(file)) {
      return ImageClassifier.defaultLabels(classes);
    }
    List<String> labels;
    try {
      labels = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (MalformedInputException e) {
      throw new IllegalArgumentException(file + ": is not UTF-8 text", e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    if (labels.size() != classes) {
      throw new IllegalArgumentException(file + ": has " + labels.size() + " lines, but the model has " + classes
          + " logits (one label per line, line i names logit i)");
    }
    return labels;
  }

  /** The export's default signature as a logits model. */
  private record Served(ServingModel model, long[] hwc, int numClasses, Precision precision) implements LogitsModel {
    @Override
    public int imageHeight() {
      return (int) hwc[0];
    }

    @Override
    public int imageWidth() {
      return (int) hwc[1];
    }

    @Override
    public int channels() {
      return (int) hwc[2];
    }

    @Override
    public HostTensor logits(HostTensor images) {
      return model.predict(images).get(ServingSignatures.LOGITS);
    }

    @Override
    public String describe() {
      return "the SavedModel " + model.directory();
    }

    @Override
    public void close() {
      model.close();
    }
  }
}
