package dev.vittf.models;

import dev.vittf.core.FunctionInputParameterStore;
import dev.vittf.core.Mode;
import dev.vittf.core.ParameterSpec;
import dev.vittf.core.Precision;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.ConcreteFunction;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Signature;
import org.tensorflow.op.Ops;
import org.tensorflow.op.Scope;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TFloat32;

/**
 * A model's inference forward pass as a TensorFlow function: {@code (images, parameters...) ->
 * (logits, probabilities)}, with every parameter a function input ({@link
 * FunctionInputParameterStore}). A graph calls it through a {@code PartitionedCall} node; marking
 * that node {@code _XlaMustCompile=true} makes TensorFlow compile the whole forward pass with XLA
 * (no flags needed, also after a SavedModel reload). Inference only: TF Java 1.1 cannot differentiate
 * through such a call.
 *
 * <p>Owns the native function: close it (after the graphs it was attached to have been used).
 */
public final class ModelFunction implements AutoCloseable {
  /** Name of the image input. */
  public static final String IMAGES = ModelGraph.IMAGES;
  /** Name of the logits output. */
  public static final String LOGITS = "logits";
  /** Name of the softmax output. */
  public static final String PROBABILITIES = "probabilities";

  private final ModelConfig config;
  private final ConcreteFunction function;
  private final List<ParameterSpec> parameters;

  private final Class<? extends Scope> scopeType;

  private ModelFunction(
      ModelConfig config, ConcreteFunction function, List<ParameterSpec> parameters, Class<? extends Scope> scopeType) {
    this.config = config;
    this.function = function;
    this.parameters = List.copyOf(parameters);
    this.scopeType = scopeType;
  }

  /** Builds the float32 inference forward pass of {@code config} as a function. */
  public static ModelFunction create(ModelConfig config) {
    return create(config, Precision.FP32);
  }

  /** Builds the inference forward pass of {@code config} as a function computing in {@code precision}. */
  public static ModelFunction create(ModelConfig config, Precision precision) {
    List<ParameterSpec> specs = new ArrayList<>();
    List<Class<? extends Scope>> scope = new ArrayList<>(1);
    ConcreteFunction fn =
        ConcreteFunction.create(
            functionOps -> {
              FunctionInputParameterStore store = new FunctionInputParameterStore(functionOps);
              ModelGraph model = ModelGraph.build(functionOps.scope().env(), config, Mode.INFERENCE, precision, store);
              specs.addAll(store.parameters());
              scope.add(model.scopeType());
              Ops tf = model.tf();
              Signature.Builder sig =
                  Signature.builder().key(config.architecture() + "_forward").input(IMAGES, model.images());
              store.inputs().forEach(sig::input);
              Operand<TFloat32> out = tf.withName(LOGITS).identity(model.logits());
              return sig.output(LOGITS, out)
                  .output(PROBABILITIES, tf.withName(PROBABILITIES).nn.softmax(out))
                  .build();
            });
    return new ModelFunction(config, fn, specs, scope.get(0));
  }

  /** The config. */
  public ModelConfig config() {
    return config;
  }

  /** The class of the name scope the forward pass was built with (see {@link ModelGraph#scopeType()}). */
  public Class<? extends Scope> scopeType() {
    return scopeType;
  }

  /** The TensorFlow function. */
  public ConcreteFunction function() {
    return function;
  }

  /** The parameters, in the order the function takes them (after the images). */
  public List<ParameterSpec> parameters() {
    return parameters;
  }

  /**
   * Adds a call of this function to the graph of {@code tf} (attaching the function to that graph).
   *
   * @param tf ops of the calling graph
   * @param name name of the call node
   * @param images NHWC images
   * @param params a value for every parameter, by name
   * @param xlaMustCompile whether to mark the call {@code _XlaMustCompile=true}
   * @return the {@code logits} and {@code probabilities} outputs of the call
   */
  public Map<String, Output<TFloat32>> call(
      Ops tf, String name, Operand<TFloat32> images, Map<String, ? extends Operand<TFloat32>> params, boolean xlaMustCompile) {
    if (!(tf.scope().env() instanceof Graph graph)) {
      throw new IllegalArgumentException("a function call node needs a graph");
    }
    List<Operand<?>> inputs = new ArrayList<>();
    inputs.add(images);
    List<String> missing = new ArrayList<>();
    for (ParameterSpec p : parameters) {
      Operand<TFloat32> v = params.get(p.name());
      if (v == null) {
        missing.add(p.name());
      }
      inputs.add(v);
    }
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException("no value for parameters " + missing);
    }
    if (params.size() != parameters.size()) {
      List<String> extra = params.keySet().stream().filter(n -> parameters.stream().noneMatch(p -> p.name().equals(n))).toList();
      throw new IllegalArgumentException("unknown parameters " + extra);
    }
    graph.attachFunction(function);
    DataType[] tin = new DataType[inputs.size()];
    java.util.Arrays.fill(tin, DataType.DT_FLOAT);
    GraphOperation call =
        (GraphOperation)
            graph.opBuilder("PartitionedCall", name, tf.scope())
                .addInputList(inputs.stream().map(Operand::asOutput).toArray(Output<?>[]::new))
                .setAttr("Tin", tin)
                .setAttr("Tout", new DataType[] {DataType.DT_FLOAT, DataType.DT_FLOAT})
                .setAttr("_XlaMustCompile", xlaMustCompile)
                .setAttr("f", function)
                .build();
    Map<String, Output<TFloat32>> out = new LinkedHashMap<>();
    out.put(LOGITS, call.output(0));
    out.put(PROBABILITIES, call.output(1));
    return out;
  }

  @Override
  public void close() {
    function.close();
  }
}
