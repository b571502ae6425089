package dev.vittf.export;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vittf.classify.ImageClassifier;
import dev.vittf.core.GraphOps;
import dev.vittf.core.GraphParameterStore;
import dev.vittf.core.HostTensor;
import dev.vittf.core.Mode;
import dev.vittf.core.ParameterSpec;
import dev.vittf.core.Precision;
import dev.vittf.io.Checkpoints;
import dev.vittf.io.Pretrained;
import dev.vittf.models.ConfigJson;
import dev.vittf.models.ModelConfig;
import dev.vittf.models.ModelFunction;
import dev.vittf.models.ModelGraph;
import dev.vittf.models.Preprocessing;
import dev.vittf.models.Presets;
import dev.vittf.preprocess.ImagePipeline;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.Scope;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TString;

/**
 * Exports a model as a TensorFlow SavedModel for TensorFlow Serving: {@code <base>/<version>/} with
 * {@code saved_model.pb}, {@code variables/} and {@code assets.extra/vittf.json} (config and options;
 * ignored by Serving), tag {@value ServingSignatures#SERVE_TAG} and signature {@value
 * ServingSignatures#DEFAULT_KEY}: input {@code images} float32 {@code [-1, H, W, C]}, outputs {@code
 * logits} and {@code probabilities} float32 {@code [-1, classes]}.
 *
 * <p>The exported graph is a clean inference graph: the image input, one {@code VariableV2} per
 * parameter (named after it), the forward pass and the saver; no training ops and no weight-loading
 * ops. Checkpoint weights reach it through a TensorFlow checkpoint written from a scratch graph that
 * holds only the variables (the network is built once, and no random initialiser runs), restored into
 * the export session.
 *
 * <p>Safe: the version is written in a hidden staging directory next to it and renamed into place;
 * an existing version is never replaced unless asked; on any failure the staging directory is
 * deleted and nothing is left behind.
 */
public final class SavedModelExporter {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final int MAX_VERSION_RETRIES = 5;

  private SavedModelExporter() {}

  /**
   * What was written.
   *
   * @param directory the version directory
   * @param version its number
   * @param signatures signature keys
   * @param parameterCount scalar parameters saved
   * @param xla whether the forward pass is XLA-compiled
   * @param took total time
   */
  public record Result(Path directory, long version, List<String> signatures, long parameterCount, boolean xla, Duration took) {}

  /** Exports a named preset (see {@link Presets}). */
  public static Result export(String preset, Weights weights, Path base, ExportOptions options) {
    return export(Presets.get(preset), weights, base, options, ExportProgress.NONE);
  }

  /** Exports a config with default progress (none). */
  public static Result export(ModelConfig config, Weights weights, Path base, ExportOptions options) {
    return export(config, weights, base, options, ExportProgress.NONE);
  }

  /**
   * Exports a hub folder opened by {@link Pretrained#load} with everything it declares: its weights, its labels
   * (unless the options name others; {@code LABEL_i} if it has none) and, when the folder declares one, its own
   * preprocessing pipeline for the {@value ServingSignatures#IMAGE_BYTES_KEY} signature, which is then switched on
   * (unless the options give a pipeline of their own).
   *
   * @throws IllegalArgumentException if the folder's pipeline has a step the graph cannot run ({@link PipelineOps})
   */
  public static Result export(Pretrained hub, Path base, ExportOptions options, ExportProgress progress) throws IOException {
    ExportOptions o = options;
    if (o.labels() == null && !hub.labels().isEmpty()) {
      o = o.withLabels(hub.labels());
    }
    if (o.pipeline() == null && hub.preprocessing() != null) {
      o = o.withPipeline(ImagePipeline.forModel(hub.folder()));
    }
    return export(hub.config(), new Weights.Values(hub.weights()), base, o, progress);
  }

  /**
   * Exports a model.
   *
   * @param config the model
   * @param weights where the weights come from
   * @param base the model base directory (what TensorFlow Serving's {@code --model_base_path} names)
   * @param options version, overwrite, XLA, image-bytes signature
   * @param progress receives each finished stage
   * @throws ExportException if the version exists, the output is not writable or the export fails
   * @throws dev.vittf.io.CheckpointMismatchException if the checkpoint does not match the model
   */
  public static Result export(ModelConfig config, Weights weights, Path base, ExportOptions options, ExportProgress progress) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(weights, "weights");
    Objects.requireNonNull(options, "options");
    long start = System.nanoTime();
    Stopwatch sw = new Stopwatch(progress);
    Preprocessing pre = options.preprocessing() != null ? options.preprocessing() : config.preprocessing();
    if (options.imageBytesSignature() && pre.channels() != config.channels()) {
      throw new IllegalArgumentException(
          "preprocessing has " + pre.channels() + " channels, the model has " + config.channels());
    }
    if (options.pipeline() != null) {
      PipelineOps.check(options.pipeline(), config.imageHeight(), config.imageWidth());
    }
    Path absBase = base.toAbsolutePath().normalize();
    if (options.version() != null && !options.overwrite() && Files.exists(absBase.resolve(Long.toString(options.version())))) {
      throw VersionDirectories.exists(absBase.resolve(Long.toString(options.version())));
    }
    // Inputs first: a bad checkpoint fails before anything touches the output directory.
    Map<String, HostTensor> values = resolveWeights(config, weights);
    List<String> labels = resolveLabels(config, weights, options);
    int topK = Math.min(options.topK() == 0 ? ServingSignatures.DEFAULT_TOP_K : options.topK(), config.numClasses());
    sw.done(values == null ? "prepare weights (" + weights.describe() + ")" : "read weights (" + weights.describe() + ")");
    VersionDirectories.prepareBase(absBase);
    for (String cleaned : VersionDirectories.cleanStale(absBase)) {
      sw.done("clean up: " + cleaned);
    }
    for (int attempt = 0; ; attempt++) {
      long version = options.version() != null ? options.version() : VersionDirectories.nextVersion(absBase);
      Path target = absBase.resolve(Long.toString(version));
      if (Files.exists(target) && !options.overwrite()) {
        throw VersionDirectories.exists(target);
      }
      Path staging = VersionDirectories.createStaging(absBase, version);
      try {
        Path model = staging.resolve("model");
        Written written = write(config, weights, values, staging, model, options, pre, topK, sw);
        List<String> sigs = written.signatures();
        ServingLabels.writeAsset(model, labels);
        ServingLabels.register(model);
        writeMetadata(model, config, weights, options, pre, version, written, labels, topK);
        String servedName = absBase.getFileName() == null ? "model" : absBase.getFileName().toString();
        WarmupRequests.write(model, servedName, WarmupRequests.requests(config, options.imageBytesSignature()));
        sw.done("write labels and warm-up requests");
        VersionDirectories.commit(staging, model, target, options.overwrite());
        sw.done("commit version " + version);
        return new Result(target, version, sigs, written.parameterCount(), options.xla(),
            Duration.ofNanos(System.nanoTime() - start));
      } catch (ExportException e) {
        if (e.reason() == ExportException.Reason.VERSION_EXISTS && options.version() == null && attempt < MAX_VERSION_RETRIES) {
          continue; // a concurrent export took that version: take the next one
        }
        throw e;
      } catch (IOException e) {
        throw new ExportException(ExportException.Reason.FAILED, "export to " + target + " failed: " + e, e);
      } finally {
        VersionDirectories.deleteTree(staging);
      }
    }
  }

  private static Map<String, HostTensor> resolveWeights(ModelConfig config, Weights weights) {
    if (weights instanceof Weights.Seed) {
      return null;
    }
    if (weights instanceof Weights.Values v) {
      return v.values();
    }
    Weights.Checkpoint c = (Weights.Checkpoint) weights;
    try {
      return Checkpoints.read(c.file(), config, c.source());
    } catch (NoSuchFileException e) {
      throw new ExportException(ExportException.Reason.FAILED, "checkpoint not found: " + c.file(), e);
    } catch (IOException e) {
      throw new ExportException(ExportException.Reason.FAILED, "cannot read checkpoint " + c.file() + ": " + e.getMessage(), e);
    }
  }

  /**
   * The class names: given in the options, else saved in a native checkpoint's metadata, else {@code LABEL_i}
   * ({@link ImageClassifier#defaultLabels}, transformers' names for unnamed classes).
   */
  private static List<String> resolveLabels(ModelConfig config, Weights weights, ExportOptions options) {
    List<String> labels = options.labels();
    String origin = "the export options";
    if (labels == null && weights instanceof Weights.Checkpoint c && c.source() == dev.vittf.io.CheckpointSource.NATIVE) {
      try {
        labels = Checkpoints.labels(c.file());
        origin = "the metadata of " + c.file();
      } catch (IOException e) {
        throw new ExportException(ExportException.Reason.FAILED, "cannot read the labels of " + c.file() + ": " + e.getMessage(), e);
      }
      if (labels.isEmpty()) {
        labels = null;
      } else {
        labels = ExportOptions.checkLabels(labels);
      }
    }
    if (labels == null) {
      return ImageClassifier.defaultLabels(config.numClasses());
    }
    if (labels.size() != config.numClasses()) {
      throw new IllegalArgumentException(labels.size() + " labels in " + origin + ", but the model has "
          + config.numClasses() + " classes (one label per logit)");
    }
    return labels;
  }

  /** What {@link #write} wrote: the signature keys and the number of scalar parameters saved. */
  private record Written(List<String> signatures, long parameterCount) {}

  /** Builds the serving graph, puts the weights into it and writes the SavedModel into {@code model}. */
  private static Written write(ModelConfig config, Weights weights, Map<String, HostTensor> values, Path staging,
      Path model, ExportOptions options, Preprocessing pre, int topK, Stopwatch sw) throws IOException {
    long seed = weights instanceof Weights.Seed s ? s.seed() : 0;
    try (Graph g = new Graph()) {
      // Given weights need no random initialiser: the variables are filled by a restore instead.
      GraphParameterStore store = values == null ? new GraphParameterStore(g, seed) : GraphParameterStore.forLoading(g);
      try (ServingGraph serving = ServingGraph.build(g, config, store, options, pre, topK);
          Session session = new Session(g)) {
        sw.done("build " + (options.xla() ? "XLA " : "") + "serving graph (" + g.toGraphDef().getNodeCount() + " nodes)");
        session.initialize(); // init-scope ops of the serving graph (none today), before its variables are written
        if (values != null) {
          String prefix = stageWeights(store.parameters(), values, staging);
          sw.done("stage weights as a TensorFlow checkpoint");
          session.restore(prefix);
        } else {
          store.initialize(session);
        }
        sw.done("load weights into the serving graph");
        SavedModelBundle.Exporter exporter =
            SavedModelBundle.exporter(model.toString()).withTags(ServingSignatures.SERVE_TAG).withSession(session);
        List<String> keys = new ArrayList<>();
        for (Signature sig : serving.signatures()) {
          exporter.withSignature(sig);
          keys.add(sig.key());
        }
        exporter.export();
        sw.done("write SavedModel");
        return new Written(keys, store.parameterCount());
      }
    }
  }

  /**
   * Writes {@code values} as a TensorFlow checkpoint of variables named after the parameters, from a scratch
   * graph holding only those variables (no network): the serving graph restores it and so carries no
   * weight-loading ops. Strict: every parameter, exact shapes, no unknown name.
   *
   * @return the checkpoint prefix
   */
  private static String stageWeights(List<ParameterSpec> parameters, Map<String, HostTensor> values, Path staging)
      throws IOException {
    try (Graph scratch = new Graph()) {
      GraphParameterStore variables = GraphParameterStore.forLoading(scratch);
      parameters.forEach(variables::parameter);
      try (Session session = new Session(scratch)) {
        variables.assignAll(session, values);
        String prefix = Files.createDirectories(staging.resolve("weights")).resolve("ckpt").toString();
        session.save(prefix);
        return prefix;
      }
    }
  }

  /** The metadata key of the export's preprocessing pipeline, in {@link ImagePipeline#toJson}'s form. */
  public static final String PIPELINE_KEY = "pipeline";

  private static void writeMetadata(Path model, ModelConfig config, Weights weights, ExportOptions options,
      Preprocessing pre, long version, Written written, List<String> labels, int topK) throws IOException {
    ObjectNode meta = JSON.createObjectNode();
    meta.put("format", "vit-tf SavedModel export");
    meta.put("formatVersion", 1);
    meta.put("version", version);
    meta.put("created", Instant.now().toString());
    meta.set("config", ConfigJson.toTree(config));
    ObjectNode p = meta.putObject("preprocessing");
    ArrayNode mean = p.putArray("mean");
    pre.mean().forEach(mean::add);
    ArrayNode std = p.putArray("std");
    pre.std().forEach(std::add);
    p.put("scale", "pixel / 255, then (x - mean) / std");
    if (config.channels() == 3 && (options.pipeline() != null || pre.channels() == 3)) {
      // The host-side recipe (PIL-exact) that SavedModelClassifier runs before the images signature: the
      // checkpoint's own pipeline when known, else the plain resize + normalise of the statistics above.
      ImagePipeline pipeline = options.pipeline() != null ? options.pipeline()
          : ImagePipeline.resized(config.imageHeight(), config.imageWidth(), pre);
      meta.set(PIPELINE_KEY, JSON.readTree(pipeline.toJson()));
    }
    meta.put("xla", options.xla());
    meta.put("precision", Precision.resolve(options.precision()).label());
    meta.put("labels", ServingSignatures.ASSETS_DIR + "/" + ServingSignatures.LABELS_FILE + " (" + labels.size() + " classes)");
    meta.put("topK", topK);
    ArrayNode s = meta.putArray("signatures");
    written.signatures().forEach(s::add);
    meta.put("weights", weights.describe());
    meta.put("parameters", written.parameterCount());
    Path dir = Files.createDirectories(model.resolve(ServingSignatures.EXTRA_DIR));
    Files.writeString(dir.resolve(ServingSignatures.METADATA_FILE), JSON.writeValueAsString(meta) + "\n");
  }

  /** The serving graph's inputs, outputs and the helpers whose native functions must outlive the export. */
  static final class ServingGraph implements AutoCloseable {
    private final List<Signature> signatures;
    private final Class<? extends Scope> modelScopeType;
    private final List<AutoCloseable> owned;

    private ServingGraph(List<Signature> signatures, Class<? extends Scope> modelScopeType, List<AutoCloseable> owned) {
      this.signatures = signatures;
      this.modelScopeType = modelScopeType;
      this.owned = owned;
    }

    /**
     * Builds the serving graph into {@code g}: the model once, either directly on the image input or, with
     * XLA, as a function called with the store's variables.
     */
    static ServingGraph build(Graph g, ModelConfig config, GraphParameterStore store, ExportOptions options, Preprocessing pre,
        int topK) {
      List<AutoCloseable> owned = new ArrayList<>();
      try {
        Ops tf = GraphOps.create(g);
        Shape inShape = Shape.of(-1, config.imageHeight(), config.imageWidth(), config.channels());
        Operand<TFloat32> images;
        Placeholder<TString> bytes = null;
        if (options.imageBytesSignature()) {
          bytes = tf.withName(ServingSignatures.IMAGE_BYTES).placeholder(TString.class, Placeholder.shape(Shape.of(-1)));
          ImageDecoding decoding = options.pipeline() != null
              ? ImageDecoding.build(tf.withSubScope("decode_images"), bytes, config.imageHeight(), config.imageWidth(),
                  options.pipeline())
              : ImageDecoding.build(tf.withSubScope("decode_images"), bytes,
                  config.imageHeight(), config.imageWidth(), config.channels(), pre);
          owned.add(decoding);
          // Fed directly by serving_default; computed from the bytes by serving_image_bytes.
          images = tf.withName(ServingSignatures.IMAGES).placeholderWithDefault(decoding.images(), inShape);
        } else {
          images = tf.withName(ServingSignatures.IMAGES).placeholder(TFloat32.class, Placeholder.shape(inShape));
        }
        Operand<TFloat32> logits;
        Operand<TFloat32> probabilities;
        Class<? extends Scope> scopeType;
        if (options.xla()) {
          ModelFunction fn = ModelFunction.create(config, options.precision());
          owned.add(fn);
          scopeType = fn.scopeType();
          Map<String, Operand<TFloat32>> params = new LinkedHashMap<>();
          for (ParameterSpec p : fn.parameters()) {
            params.put(p.name(), store.parameter(p));
          }
          Map<String, ? extends Operand<TFloat32>> out = fn.call(tf, "forward_xla", images, params, true);
          logits = tf.withName(ServingSignatures.LOGITS).identity(out.get(ModelFunction.LOGITS));
          probabilities = tf.withName(ServingSignatures.PROBABILITIES).identity(out.get(ModelFunction.PROBABILITIES));
        } else {
          ModelGraph model = ModelGraph.build(g, config, Mode.INFERENCE, options.precision(), store, images);
          scopeType = model.scopeType();
          logits = tf.withName(ServingSignatures.LOGITS).identity(model.logits());
          probabilities = tf.withName(ServingSignatures.PROBABILITIES).nn.softmax(logits);
        }
        checkName(logits, ServingSignatures.LOGITS);
        checkName(probabilities, ServingSignatures.PROBABILITIES);
        checkName(images, ServingSignatures.IMAGES);
        ServingLabels top = ServingLabels.build(tf, probabilities, config.numClasses(), topK);
        List<Signature> sigs = new ArrayList<>();
        sigs.add(outputs(Signature.builder().key(ServingSignatures.DEFAULT_KEY), logits, probabilities, top)
            .input(ServingSignatures.IMAGES, images).build());
        if (bytes != null) {
          sigs.add(outputs(Signature.builder().key(ServingSignatures.IMAGE_BYTES_KEY), logits, probabilities, top)
              .input(ServingSignatures.IMAGE_BYTES, bytes).build());
        }
        return new ServingGraph(List.copyOf(sigs), scopeType, owned);
      } catch (RuntimeException | Error e) {
        closeAll(owned);
        throw e;
      }
    }

    /** Every serving signature's outputs: logits, probabilities, classes, scores. */
    private static Signature.Builder outputs(Signature.Builder b, Operand<TFloat32> logits, Operand<TFloat32> probabilities,
        ServingLabels top) {
      return b.methodName(ServingSignatures.PREDICT_METHOD)
          .output(ServingSignatures.LOGITS, logits).output(ServingSignatures.PROBABILITIES, probabilities)
          .output(ServingSignatures.CLASSES, top.classes()).output(ServingSignatures.SCORES, top.scores());
    }

    /** The class of the name scope the model's ops were built with (in the function, with XLA). */
    Class<? extends Scope> modelScopeType() {
      return modelScopeType;
    }

    private static void checkName(Operand<?> op, String name) {
      if (!op.op().name().equals(name)) {
        throw new IllegalStateException("serving tensor '" + name + "' was named '" + op.op().name() + "'");
      }
    }

    List<Signature> signatures() {
      return signatures;
    }

    @Override
    public void close() {
      closeAll(owned);
    }

    private static void closeAll(List<AutoCloseable> owned) {
      for (AutoCloseable c : owned) {
        try {
          c.close();
        } catch (Exception e) {
          // native function handles; nothing to report
        }
      }
    }
  }

  /** Times stages and reports them. */
  private static final class Stopwatch {
    private final ExportProgress progress;
    private long last = System.nanoTime();

    Stopwatch(ExportProgress progress) {
      this.progress = progress;
    }

    void done(String stage) {
      long now = System.nanoTime();
      progress.stageDone(stage, Duration.ofNanos(now - last));
      last = System.nanoTime();
    }
  }
}
