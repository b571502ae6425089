package dev.vittf.models;

import dev.vittf.core.EagerParameterStore;
import dev.vittf.core.HostTensor;
import dev.vittf.core.Mode;
import dev.vittf.core.ParameterSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.EagerSession;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Runs a model eagerly, op by op, with the same block code as the graph path. Each call opens and
 * closes its own short-lived {@link EagerSession} (eager sessions keep every intermediate alive until
 * closed), so nothing native outlives the call.
 */
public final class EagerRunner {
  private EagerRunner() {}

  /**
   * Forward pass with the given weights.
   *
   * @param config the model
   * @param weights parameter values by name; if non-empty it must cover every parameter exactly
   * @param seed initialisation seed for parameters when {@code weights} is empty
   * @param mode inference or training (dropout active)
   * @param images NHWC batch
   * @return every named output (logits, pooled, tokens, attention maps)
   */
  public static Map<String, HostTensor> forward(
      ModelConfig config, Map<String, HostTensor> weights, long seed, Mode mode, HostTensor images) {
    VitModel.checkInputShape(config, images.shape());
    try (EagerSession session = EagerSession.create();
        EagerParameterStore store = new EagerParameterStore(session, seed, weights);
        TFloat32 input = images.toTensor()) {
      ModelGraph model = ModelGraph.build(session, config, mode, store, Ops.create(session).constantOf(input));
      if (!weights.isEmpty()) {
        List<String> unused = store.unusedWeights();
        List<String> missing =
            store.parameters().stream().map(ParameterSpec::name).filter(n -> !weights.containsKey(n)).toList();
        if (!unused.isEmpty() || !missing.isEmpty()) {
          throw new IllegalArgumentException("weights do not match the model: missing " + missing + ", unexpected " + unused);
        }
      }
      Map<String, HostTensor> out = new LinkedHashMap<>();
      for (Map.Entry<String, Operand<TFloat32>> e : model.outputs().entrySet()) {
        out.put(e.getKey(), HostTensor.of(e.getValue().asTensor()));
      }
      return out;
    }
  }

  /** Inference logits with the given weights. */
  public static HostTensor logits(ModelConfig config, Map<String, HostTensor> weights, HostTensor images) {
    return forward(config, weights, 0, Mode.INFERENCE, images).get(Network.LOGITS);
  }
}
