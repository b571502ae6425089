package dev.vittf.models;

import dev.vittf.core.BuildContext;
import dev.vittf.core.GraphOps;
import dev.vittf.core.Mode;
import dev.vittf.core.ParameterStore;
import dev.vittf.core.Precision;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.tensorflow.ExecutionEnvironment;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.Scope;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * The one step that turns a config into a model's ops: every entry point (inference {@link VitModel},
 * training, SavedModel export plain and as an XLA function, {@link EagerRunner}, benchmarks, {@link
 * ModelParameters}) builds through {@link #build}; nothing else applies a {@link Network}.
 *
 * <p>What varies between entry points is passed in, not re-implemented: the execution environment (a
 * graph, a function's graph, an eager session), the {@link Mode}, the {@link ParameterStore} (variables
 * with or without initialisers, function inputs, eager constants, shapes only) and, optionally, the image
 * input. The ops are always named through {@link GraphOps} (a {@link dev.vittf.core.ScanFreeScope}): same
 * names as {@code Ops.create}, linear build time. The result holds the input, the named outputs, the
 * parameter store, the analytic FLOPs, and the root {@link Ops} for callers that keep building (loss,
 * optimizer, serving signatures).
 *
 * <p>The {@link Precision} is a build option too (float32 when not given). A requested {@link Precision#BF16}
 * passes through {@link Precision#resolve} here, so every entry point falls back to float32 alike on a CPU
 * without bf16 instructions; {@link #precision()} is what the graph was built with.
 *
 * @param config the config
 * @param mode the mode the model was built for
 * @param precision the precision the model computes in (float32 if bf16 was requested on a CPU without bf16)
 * @param tf root ops of the environment, with the scope the model was built with (to keep building)
 * @param images the image input
 * @param outputs every named output ({@code logits}, {@code pooled}, {@code tokens}, attention maps...), in build order
 * @param parameters the parameter store the model registered its parameters in
 * @param flopsPerImage analytic FLOPs of one forward pass per image (2 per multiply-accumulate)
 */
public record ModelGraph(ModelConfig config, Mode mode, Precision precision, Ops tf, Operand<TFloat32> images,
    Map<String, Operand<TFloat32>> outputs, ParameterStore parameters, long flopsPerImage) {
  /** Name of the image input placeholder, {@code float32 [-1, H, W, C]}. */
  public static final String IMAGES = "images";

  /** Checks what {@link #build} guarantees: the scan-free scope, and the logits among the outputs. */
  public ModelGraph {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(precision, "precision");
    Objects.requireNonNull(parameters, "parameters");
    requireScanFree(tf);
    if (!outputs.containsKey(Network.LOGITS)) {
      throw new IllegalStateException(config.architecture() + " network did not tap its logits");
    }
  }

  /**
   * Builds the model on a new placeholder {@value #IMAGES} {@code float32 [-1, H, W, C]}.
   *
   * @param env a graph (also a function's graph); eager sessions have no placeholders, use the other overload
   * @param config the model
   * @param mode inference or training
   * @param parameters where the parameters are registered and what holds their values
   */
  public static ModelGraph build(ExecutionEnvironment env, ModelConfig config, Mode mode, ParameterStore parameters) {
    return build(env, config, mode, Precision.FP32, parameters);
  }

  /**
   * Like {@link #build(ExecutionEnvironment, ModelConfig, Mode, ParameterStore)}, computing in {@code precision}
   * (after {@link Precision#resolve}).
   */
  public static ModelGraph build(
      ExecutionEnvironment env, ModelConfig config, Mode mode, Precision precision, ParameterStore parameters) {
    Ops tf = GraphOps.create(env);
    Placeholder<TFloat32> images = tf.withName(IMAGES).placeholder(TFloat32.class,
        Placeholder.shape(Shape.of(-1, config.imageHeight(), config.imageWidth(), config.channels())));
    return build(tf, config, mode, precision, parameters, images);
  }

  /**
   * Builds the model on given NHWC images (e.g. an eager constant, or a serving graph's decoded bytes).
   *
   * @param env the environment {@code images} lives in
   */
  public static ModelGraph build(
      ExecutionEnvironment env, ModelConfig config, Mode mode, ParameterStore parameters, Operand<TFloat32> images) {
    return build(GraphOps.create(env), config, mode, Precision.FP32, parameters, images);
  }

  /** Builds the model on given NHWC images, computing in {@code precision} (after {@link Precision#resolve}). */
  public static ModelGraph build(ExecutionEnvironment env, ModelConfig config, Mode mode, Precision precision,
      ParameterStore parameters, Operand<TFloat32> images) {
    return build(GraphOps.create(env), config, mode, precision, parameters, images);
  }

  private static ModelGraph build(Ops tf, ModelConfig config, Mode mode, Precision requested,
      ParameterStore parameters, Operand<TFloat32> images) {
    Objects.requireNonNull(config, "config");
    Precision precision = Precision.resolve(Objects.requireNonNull(requested, "precision"));
    requireScanFree(tf); // before the ops: the record's own check would come after a quadratic build
    Network network = config.network();
    BuildContext ctx = BuildContext.root(tf, parameters, mode, precision);
    network.apply(ctx, images);
    return new ModelGraph(config, mode, precision, tf, images, ctx.taps(), parameters, network.flopsPerImage());
  }

  private static void requireScanFree(Ops tf) {
    if (!GraphOps.isScanFree(tf)) {
      // Would still be correct, but quadratic: ScalableViT's training graph would take minutes.
      throw new IllegalStateException("model ops must be named by the scan-free scope, got " + tf.scope().getClass().getName());
    }
  }

  /** The class of the name scope the model's ops were built with ({@link dev.vittf.core.ScanFreeScope}). */
  public Class<? extends Scope> scopeType() {
    return tf.scope().getClass();
  }

  /** The logits {@code [B, classes]}. */
  public Operand<TFloat32> logits() {
    return outputs.get(Network.LOGITS);
  }

  /** Names of the outputs, sorted. */
  public Set<String> outputNames() {
    return new TreeSet<>(outputs.keySet());
  }

  /**
   * One named output.
   *
   * @throws IllegalArgumentException naming the available outputs if there is none by that name
   */
  public Operand<TFloat32> output(String name) {
    Operand<TFloat32> o = outputs.get(name);
    if (o == null) {
      throw new IllegalArgumentException("unknown output '" + name + "'; available: " + outputNames());
    }
    return o;
  }
}
