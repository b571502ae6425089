package dev.vittf.bench;

import dev.vittf.core.HostTensor;
import dev.vittf.core.Mode;
import dev.vittf.models.ParallelViTConfig;
import dev.vittf.models.VitModel;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.tensorflow.Result;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;

/**
 * Standalone measurement (not a test): inference throughput of Parallel ViT with the branches of a
 * layer evaluated one by one versus fused into one matmul per projection. Both graphs get the same
 * weights; the max logit difference is printed too. Graph mode, default session config, the input
 * tensor reused, 3 warm-up runs discarded, median of the timed runs; the two variants are timed in
 * alternating rounds so that load from other processes hits both alike.
 *
 * <p>Run: {@code java -cp <test classpath> dev.vittf.bench.ParallelBranchBench [preset] [batch] [runs]
 * [threads]} with preset {@code seed} (the seed usage, 256/16, dim 1024), {@code small} (224/16, dim
 * 192, depth 12, 3 heads, 2 branches) or {@code tiny}; threads {@code default} (TensorFlow's) or
 * {@code intra,inter} (e.g. {@code 1,1}).
 */
public final class ParallelBranchBench {
  private ParallelBranchBench() {}

  /** Entry point. */
  public static void main(String[] args) {
    String preset = args.length > 0 ? args[0] : "small";
    int batch = args.length > 1 ? Integer.parseInt(args[1]) : 4;
    int runs = args.length > 2 ? Integer.parseInt(args[2]) : 10;
    String threads = args.length > 3 ? args[3] : "default";
    ConfigProto session = null;
    if (!threads.equals("default")) {
      String[] t = threads.split(",");
      session = ConfigProto.newBuilder().setIntraOpParallelismThreads(Integer.parseInt(t[0]))
          .setInterOpParallelismThreads(Integer.parseInt(t[1])).build();
    }
    ParallelViTConfig base = switch (preset) {
      case "seed" -> ParallelViTConfig.seed();
      case "small" -> ParallelViTConfig.builder().imageSize(224).patchSize(16).numClasses(1000).dim(192).depth(12)
          .heads(3).mlpDim(768).numParallelBranches(2).build();
      case "tiny" -> ParallelViTConfig.tiny();
      default -> throw new IllegalArgumentException("preset must be seed, small or tiny");
    };
    ParallelViTConfig unfusedCfg = base.toBuilder().fuseBranches(false).build();
    ParallelViTConfig fusedCfg = base.toBuilder().fuseBranches(true).build();
    Random rnd = new Random(7);
    float[] data = new float[batch * base.imageHeight() * base.imageWidth() * base.channels()];
    for (int i = 0; i < data.length; i++) {
      data[i] = (float) rnd.nextGaussian();
    }
    HostTensor input = new HostTensor(new long[] {batch, base.imageHeight(), base.imageWidth(), base.channels()}, data);
    try (VitModel unfused = VitModel.create(unfusedCfg, new VitModel.Options(Mode.INFERENCE, 1, session));
        VitModel fused = VitModel.create(fusedCfg, new VitModel.Options(Mode.INFERENCE, 2, session));
        TFloat32 in = input.toTensor()) {
      Map<String, HostTensor> weights = unfused.weights();
      fused.loadWeights(weights);
      double diff = unfused.predict(input).maxAbsDiff(fused.predict(input));
      for (int i = 0; i < 3; i++) {
        time(unfused, in);
        time(fused, in);
      }
      double[] tu = new double[runs];
      double[] tf = new double[runs];
      for (int r = 0; r < runs; r++) {
        tu[r] = time(unfused, in);
        tf[r] = time(fused, in);
      }
      double mu = median(tu);
      double mf = median(tf);
      System.out.printf("preset=%s batch=%d runs=%d threads=%s params=%d%n", preset, batch, runs, threads, unfused.parameterCount());
      System.out.printf("unfused: median %.1f ms/batch = %.2f img/s%n", mu, batch * 1000 / mu);
      System.out.printf("fused:   median %.1f ms/batch = %.2f img/s%n", mf, batch * 1000 / mf);
      System.out.printf("speed-up fused/unfused: %.3fx; max |logits fused - unfused| = %.3e%n", mu / mf, diff);
    }
  }

  private static double time(VitModel model, TFloat32 in) {
    long t0 = System.nanoTime();
    try (Result r = model.session().runner().feed(model.input(), in).fetch(model.output("logits")).run()) {
      r.get(0);
    }
    return (System.nanoTime() - t0) / 1e6;
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }
}
