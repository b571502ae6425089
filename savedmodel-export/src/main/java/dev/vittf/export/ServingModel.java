package dev.vittf.export;

import dev.vittf.core.CallGate;
import dev.vittf.core.HostTensor;
import dev.vittf.models.InputCheck;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.GraphOptions;
import org.tensorflow.proto.NodeExecStats;
import org.tensorflow.proto.OptimizerOptions;
import org.tensorflow.proto.RunMetadata;
import org.tensorflow.proto.RunOptions;
import org.tensorflow.proto.DeviceStepStats;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorShapeProto;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TString;

/**
 * A loaded SavedModel export, called through its signatures by name. Owns native memory: close it.
 *
 * <p>XLA JIT ({@link Options#xlaJit()}): sets the session's {@code global_jit_level=ON_1} so that
 * TensorFlow clusters the graph and compiles the clusters with XLA. On CPU this only takes effect if
 * the process was started with {@code TF_XLA_FLAGS=--tf_xla_cpu_global_jit} (TensorFlow reads the
 * variable once, when the native library loads); {@link #cpuJitFlagSet()} tells whether it was.
 * Exports made with {@link ExportOptions#xla()} are compiled regardless of these settings.
 */
public final class ServingModel implements AutoCloseable {
  /** Environment variable TensorFlow reads its XLA flags from. */
  public static final String XLA_FLAGS_ENV = "TF_XLA_FLAGS";
  /** The flag enabling XLA auto-clustering on CPU. */
  public static final String CPU_GLOBAL_JIT_FLAG = "--tf_xla_cpu_global_jit";

  /**
   * Load options.
   *
   * @param xlaJit whether to run with XLA JIT (auto-clustering)
   * @param intraOpThreads intra-op threads (0 = TensorFlow's default)
   * @param interOpThreads inter-op threads (0 = TensorFlow's default)
   */
  public record Options(boolean xlaJit, int intraOpThreads, int interOpThreads) {
    /** No JIT, default threads. */
    public static Options defaults() {
      return new Options(false, 0, 0);
    }

    /** The session config these options describe. */
    public ConfigProto configProto() {
      ConfigProto.Builder b = ConfigProto.newBuilder()
          .setIntraOpParallelismThreads(intraOpThreads)
          .setInterOpParallelismThreads(interOpThreads);
      if (xlaJit) {
        b.setGraphOptions(GraphOptions.newBuilder().setOptimizerOptions(
            OptimizerOptions.newBuilder().setGlobalJitLevel(OptimizerOptions.GlobalJitLevel.ON_1)));
      }
      return b.build();
    }
  }

  private final Path directory;
  private final SavedModelBundle bundle;
  private final SavedModelInfo info;
  /** The {@code images} input's {@code [H, W, C]}, from the signature. */
  private final long[] imageShape;
  /** Admits calls and closes the bundle once no call is in flight. */
  private final CallGate gate;

  private ServingModel(Path directory, SavedModelBundle bundle, SavedModelInfo info) {
    this.directory = directory;
    this.bundle = bundle;
    this.info = info;
    this.imageShape = imageShape(info);
    this.gate = new CallGate("this ServingModel (" + directory + ")", bundle::close);
  }

  /** {@code [H, W, C]} of the default signature's images input, or null if the export does not declare it. */
  private static long[] imageShape(SavedModelInfo info) {
    SignatureDef sig = info.signatures().get(ServingSignatures.DEFAULT_KEY);
    if (sig == null || !sig.getInputsMap().containsKey(ServingSignatures.IMAGES)) {
      return null;
    }
    List<TensorShapeProto.Dim> dims = sig.getInputsMap().get(ServingSignatures.IMAGES).getTensorShape().getDimList();
    if (dims.size() != 4) {
      return null;
    }
    return new long[] {dims.get(1).getSize(), dims.get(2).getSize(), dims.get(3).getSize()};
  }

  /** Loads a version directory with default options. */
  public static ServingModel load(Path versionDir) {
    return load(versionDir, Options.defaults());
  }

  /**
   * Loads a version directory (the one holding {@code saved_model.pb}).
   *
   * @throws IllegalArgumentException if it is not a SavedModel directory
   */
  public static ServingModel load(Path versionDir, Options options) {
    SavedModelInfo info = SavedModelInfo.read(versionDir);
    SavedModelBundle bundle = SavedModelBundle.loader(versionDir.toString())
        .withTags(ServingSignatures.SERVE_TAG)
        .withConfigProto(options.configProto())
        .load();
    try {
      return new ServingModel(versionDir, bundle, info);
    } catch (RuntimeException | Error e) {
      bundle.close();
      throw e;
    }
  }

  /** Whether this process was started with {@value #CPU_GLOBAL_JIT_FLAG} in {@value #XLA_FLAGS_ENV}. */
  public static boolean cpuJitFlagSet() {
    String flags = System.getenv(XLA_FLAGS_ENV);
    return flags != null && List.of(flags.trim().split("\\s+")).contains(CPU_GLOBAL_JIT_FLAG);
  }

  /** The directory loaded. */
  public Path directory() {
    return directory;
  }

  /** The parsed {@code saved_model.pb} (signatures, XLA call nodes) and metadata. */
  public SavedModelInfo info() {
    return info;
  }

  /** The underlying bundle (owned by this object). */
  public SavedModelBundle bundle() {
    gate.checkOpen();
    return bundle;
  }

  /**
   * The {@code images} input's {@code [H, W, C]}.
   *
   * @throws IllegalStateException if the export's default signature declares no NHWC images input
   */
  public long[] imageShape() {
    if (imageShape == null) {
      throw new IllegalStateException(directory + ": the '" + ServingSignatures.DEFAULT_KEY
          + "' signature has no NHWC '" + ServingSignatures.IMAGES + "' input");
    }
    return imageShape.clone();
  }

  /**
   * What a signature returns.
   *
   * @param tensors the float outputs by name: {@code logits}, {@code probabilities} and (exports with labels)
   *     {@code scores}
   * @param classes the {@code classes} output, one list of k labels per image, best first; empty for exports
   *     made before the SavedModel carried labels
   */
  public record Outputs(Map<String, HostTensor> tensors, List<List<String>> classes) {
    /** Copies both. */
    public Outputs {
      tensors = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
      classes = classes.stream().map(List::copyOf).toList();
    }
  }

  /**
   * Calls {@value ServingSignatures#DEFAULT_KEY} by name on an NHWC batch.
   *
   * @return {@code logits}, {@code probabilities} (and {@code scores})
   * @throws IllegalArgumentException if the batch fails {@link InputCheck} (never reinterpreted)
   * @throws ArithmeticException if the outputs are not finite
   */
  public Map<String, HostTensor> predict(HostTensor images) {
    return outputs(images).tensors();
  }

  /** {@link #predict} with the {@code classes} output too. */
  public Outputs outputs(HostTensor images) {
    long[] hwc = imageShape();
    InputCheck.check(hwc[0], hwc[1], hwc[2], images);
    try (TFloat32 in = images.toTensor()) {
      return call(ServingSignatures.DEFAULT_KEY, Map.of(ServingSignatures.IMAGES, in));
    }
  }

  /**
   * Calls {@value ServingSignatures#IMAGE_BYTES_KEY} on encoded images.
   *
   * @throws IllegalStateException if the export has no such signature
   */
  public Map<String, HostTensor> predictEncoded(List<byte[]> encoded) {
    return outputsEncoded(encoded).tensors();
  }

  /** {@link #predictEncoded} with the {@code classes} output too. */
  public Outputs outputsEncoded(List<byte[]> encoded) {
    if (!info.signatures().containsKey(ServingSignatures.IMAGE_BYTES_KEY)) {
      throw new IllegalStateException(directory + " has no '" + ServingSignatures.IMAGE_BYTES_KEY
          + "' signature (export it with the image-bytes signature)");
    }
    try (TString in = TString.tensorOfBytes(NdArrays.vectorOfObjects(encoded.toArray(new byte[0][])))) {
      return call(ServingSignatures.IMAGE_BYTES_KEY, Map.of(ServingSignatures.IMAGE_BYTES, in));
    }
  }

  private Outputs call(String key, Map<String, Tensor> inputs) {
    Map<String, HostTensor> out = new LinkedHashMap<>();
    List<List<String>> classes = new ArrayList<>();
    gate.enter();
    try {
      try (Result r = bundle.function(key).call(inputs)) {
        for (String name : List.of(ServingSignatures.LOGITS, ServingSignatures.PROBABILITIES, ServingSignatures.SCORES)) {
          java.util.Optional<Tensor> t = r.get(name);
          if (t.isPresent()) {
            out.put(name, InputCheck.requireFiniteOutput(name, HostTensor.of((TFloat32) t.get())));
          }
        }
        java.util.Optional<Tensor> c = r.get(ServingSignatures.CLASSES);
        if (c.isPresent()) {
          TString names = (TString) c.get();
          for (long i = 0; i < names.shape().get(0); i++) {
            List<String> row = new ArrayList<>();
            for (long j = 0; j < names.shape().get(1); j++) {
              row.add(names.getObject(i, j));
            }
            classes.add(row);
          }
        }
      }
    } finally {
      gate.leave();
    }
    return new Outputs(out, classes);
  }

  /**
   * Runs {@value ServingSignatures#DEFAULT_KEY} once with full tracing and returns the op types of the
   * executed kernels (from the step stats), e.g. {@code _XlaRun} for JIT-compiled clusters or {@code
   * MatMul} for plain execution.
   */
  public Set<String> executedKernels(HostTensor images) {
    gate.checkOpen();
    SignatureDef sig = bundle.metaGraphDef().getSignatureDefMap().get(ServingSignatures.DEFAULT_KEY);
    String in = sig.getInputsMap().get(ServingSignatures.IMAGES).getName();
    String out = sig.getOutputsMap().get(ServingSignatures.LOGITS).getName();
    Session.Runner runner = bundle.session().runner()
        .setOptions(RunOptions.newBuilder().setTraceLevel(RunOptions.TraceLevel.FULL_TRACE).build());
    Set<String> kernels = new TreeSet<>();
    long[] hwc = imageShape();
    InputCheck.checkShape(hwc[0], hwc[1], hwc[2], images.shape());
    gate.enter();
    try {
      try (TFloat32 t = images.toTensor()) {
        try (Result r = runner.feed(in, t).fetch(out).runAndFetchMetadata()) {
          RunMetadata md = r.getMetadata().orElseThrow();
          for (DeviceStepStats d : md.getStepStats().getDevStatsList()) {
            for (NodeExecStats n : d.getNodeStatsList()) {
              kernels.add(opType(n));
            }
          }
        }
      }
    } finally {
      gate.leave();
    }
    return kernels;
  }

  /** The op type of a traced node: {@code timeline_label} reads {@code "name = Op(inputs)"}. */
  private static String opType(NodeExecStats n) {
    String label = n.getTimelineLabel();
    int eq = label.indexOf(" = ");
    if (eq < 0) {
      return n.getNodeName();
    }
    String rest = label.substring(eq + 3);
    int paren = rest.indexOf('(');
    return paren < 0 ? rest : rest.substring(0, paren);
  }

  /** Whether {@link #close} was called. */
  public boolean isClosed() {
    return gate.isClosed();
  }

  /**
   * Closes the model: later calls fail at once with an {@code IllegalStateException}; waits for the
   * calls in flight, at most {@link CallGate#DEFAULT_CLOSE_WAIT}; the bundle is freed when the last of
   * them ends. Idempotent.
   */
  @Override
  public void close() {
    gate.close();
  }
}
