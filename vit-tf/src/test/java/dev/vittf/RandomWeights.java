package dev.vittf;

import dev.vittf.core.HostTensor;
import dev.vittf.core.Initializer;
import dev.vittf.core.ParameterRole;
import dev.vittf.core.ParameterSpec;
import dev.vittf.models.ModelConfig;
import dev.vittf.models.ModelParameters;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Random, non-trivial weights for a model (the fixtures' scheme: kernels {@code N(0, 1/fan_in)},
 * biases {@code 0.1 N}, norm scales {@code 1 + 0.1 N}, shifts {@code 0.1 N}, LayerScale {@code 0.5 +
 * 0.2 N}, embeddings {@code 0.5 N}), so that a confused or ignored parameter shows in the logits.
 */
public final class RandomWeights {
  private RandomWeights() {}

  /** Weights for every parameter of {@code config}. */
  public static Map<String, HostTensor> of(ModelConfig config, long seed) {
    return of(ModelParameters.of(config), seed);
  }

  /** Weights for the given parameters. */
  public static Map<String, HostTensor> of(List<ParameterSpec> specs, long seed) {
    Random rnd = new Random(seed);
    Map<String, HostTensor> out = new LinkedHashMap<>();
    for (ParameterSpec p : specs) {
      float[] v = new float[(int) p.size()];
      double std = switch (p.role()) {
        case WEIGHT, HEAD_MIXING -> 1 / Math.sqrt(fanIn(p));
        case BIAS, NORM_SCALE, NORM_SHIFT -> 0.1;
        case LAYER_SCALE -> 0.2;
        case EMBEDDING -> 0.5;
      };
      double mean = p.role() == ParameterRole.NORM_SCALE ? 1 : p.role() == ParameterRole.LAYER_SCALE ? 0.5 : 0;
      for (int i = 0; i < v.length; i++) {
        v[i] = (float) (mean + std * rnd.nextGaussian());
      }
      out.put(p.name(), new HostTensor(p.shape(), v));
    }
    return out;
  }

  private static long fanIn(ParameterSpec p) {
    long[] s = p.shape();
    // depthwise kernels [k, k, C, 1]: fan-in k*k
    if (s.length == 4 && s[3] == 1) {
      return s[0] * s[1];
    }
    return Initializer.fanIn(s);
  }

  /** A random NHWC batch. */
  public static HostTensor images(long seed, long... shape) {
    Random rnd = new Random(seed);
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    float[] v = new float[(int) n];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) rnd.nextGaussian();
    }
    return new HostTensor(shape, v);
  }
}
