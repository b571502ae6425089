package dev.vittf.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Weights holding {@code NaN} or an infinity were refused: such a tensor makes every logit {@code NaN}.
 * The message names each offending tensor and the position of its first non-finite value. Load anyway
 * with {@code allowNonFinite} ({@link GraphParameterStore#assign(org.tensorflow.Session, Map, boolean)},
 * {@code VitModel.loadWeights(weights, true)}) or {@code -D}{@value #ALLOW_PROPERTY}{@code =true}.
 */
public final class NonFiniteWeightsException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;
  /** System property that allows non-finite weights process-wide. */
  public static final String ALLOW_PROPERTY = "vittf.allowNonFiniteWeights";

  private NonFiniteWeightsException(String message) {
    super(message);
  }

  /** Whether {@value #ALLOW_PROPERTY} is set to true. */
  public static boolean allowedByProperty() {
    return Boolean.getBoolean(ALLOW_PROPERTY);
  }

  /**
   * Throws if any tensor holds a non-finite value, naming every such tensor (in map order).
   *
   * @throws NonFiniteWeightsException naming the tensors and the first index of each
   */
  public static void check(Map<String, HostTensor> values) {
    List<String> bad = new ArrayList<>();
    for (Map.Entry<String, HostTensor> e : values.entrySet()) {
      float[] d = e.getValue().data();
      for (int i = 0; i < d.length; i++) {
        if (!Float.isFinite(d[i])) {
          bad.add("'" + e.getKey() + "' has " + d[i] + " at " + Arrays.toString(HostTensor.unravel(e.getValue().shape(), i)));
          break;
        }
      }
    }
    if (!bad.isEmpty()) {
      throw new NonFiniteWeightsException("refusing non-finite weights: " + String.join("; ", bad)
          + " (to load them anyway pass allowNonFinite=true or set -D" + ALLOW_PROPERTY + "=true)");
    }
  }
}
