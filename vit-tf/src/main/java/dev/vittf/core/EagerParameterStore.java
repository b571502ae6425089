package dev.vittf.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.tensorflow.EagerSession;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Parameter store for eager execution. Eager mode has no {@code VariableV2}, so a parameter is a
 * constant: the given weight when one is supplied under the parameter's name, otherwise the
 * deterministic initial value (identical to what {@link GraphParameterStore} would initialise with
 * the same seed).
 *
 * <p>Close the store after the eager session that used it: it owns the native tensors it created.
 */
public final class EagerParameterStore extends ParameterStore implements AutoCloseable {
  private final Ops tf;
  private final Map<String, HostTensor> weights;
  private final List<TFloat32> owned = new ArrayList<>();

  /**
   * @param session the eager session that will run the model
   * @param seed seed for parameters not found in {@code weights}
   * @param weights values by parameter name (may be empty)
   */
  public EagerParameterStore(EagerSession session, long seed, Map<String, HostTensor> weights) {
    super(seed);
    this.tf = Ops.create(session);
    this.weights = Map.copyOf(weights);
  }

  @Override
  protected Operand<TFloat32> create(Ops scoped, ParameterSpec spec) {
    HostTensor w = weights.get(spec.name());
    if (w == null) {
      return initialValue(tf, spec);
    }
    if (!Arrays.equals(w.shape(), spec.shape())) {
      throw new IllegalArgumentException(
          "weight '" + spec.name() + "' has shape " + Arrays.toString(w.shape())
              + ", expected " + Arrays.toString(spec.shape()));
    }
    TFloat32 t = w.toTensor();
    owned.add(t);
    return tf.constantOf(t);
  }

  /** Names of supplied weights that no parameter used (a mapping error when non-empty). */
  public List<String> unusedWeights() {
    return weights.keySet().stream().filter(n -> spec(n) == null).sorted().toList();
  }

  @Override
  public void close() {
    owned.forEach(TFloat32::close);
    owned.clear();
  }
}
