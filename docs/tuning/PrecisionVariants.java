// A/B/C of the two ways to run bf16 (docs/precision.md): float32 as the baseline, the explicit casts that
// Precision.BF16 puts in the graph, and float32 graphs rewritten by grappler's oneDNN auto-mixed-precision pass
// (RewriterConfig.auto_mixed_precision_onednn_bfloat16 = ON in the session config). Same weights, same input; the
// three models run interleaved run by run in one JVM, so load changes hit all three alike.
//   java -Xmx8g -Dorg.bytedeco.javacpp.maxPhysicalBytes=0 -cp "vit-tf/cli/target/vit-tf.jar:vit-tf/cli/target/lib/*" \
//     docs/tuning/PrecisionVariants.java vit-b16 8 10
import dev.vittf.core.HostTensor;
import dev.vittf.core.Mode;
import dev.vittf.core.Precision;
import dev.vittf.models.ModelConfig;
import dev.vittf.models.Presets;
import dev.vittf.models.VitModel;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.GraphOptions;
import org.tensorflow.proto.RewriterConfig;

public class PrecisionVariants {
  public static void main(String[] args) {
    String preset = args.length > 0 ? args[0] : "vit-b16";
    int batch = args.length > 1 ? Integer.parseInt(args[1]) : 8;
    int runs = args.length > 2 ? Integer.parseInt(args[2]) : 10;
    ModelConfig c = Presets.get(preset);
    ConfigProto amp = ConfigProto.newBuilder().setGraphOptions(GraphOptions.newBuilder().setRewriteOptions(
        RewriterConfig.newBuilder().setAutoMixedPrecisionOnednnBfloat16(RewriterConfig.Toggle.ON))).build();
    String[] names = {"fp32", "bf16 explicit casts", "fp32 + grappler AMP"};
    VitModel[] m = {
      VitModel.create(c, new VitModel.Options(Mode.INFERENCE, 0, null, Precision.FP32)),
      VitModel.create(c, new VitModel.Options(Mode.INFERENCE, 0, null, Precision.BF16)),
      VitModel.create(c, new VitModel.Options(Mode.INFERENCE, 0, amp, Precision.FP32))};
    try {
      Map<String, HostTensor> w = m[0].weights();
      m[1].loadWeights(w);
      m[2].loadWeights(w);
      Random r = new Random(1);
      float[] x = new float[batch * c.imageHeight() * c.imageWidth() * c.channels()];
      for (int i = 0; i < x.length; i++) {
        x[i] = (float) r.nextGaussian();
      }
      HostTensor in = new HostTensor(new long[] {batch, c.imageHeight(), c.imageWidth(), c.channels()}, x);
      HostTensor[] out = new HostTensor[3];
      double[][] t = new double[3][runs];
      for (int k = 0; k < 3; k++) {
        for (int i = 0; i < 3; i++) {
          out[k] = m[k].predict(in);
        }
      }
      for (int i = 0; i < runs; i++) {
        for (int k = 0; k < 3; k++) {
          long t0 = System.nanoTime();
          m[k].predict(in);
          t[k][i] = (System.nanoTime() - t0) / 1e6;
        }
      }
      double[] base = t[0].clone();
      Arrays.sort(base);
      for (int k = 0; k < 3; k++) {
        double[] s = t[k].clone();
        Arrays.sort(s);
        double num = 0;
        double den = 0;
        for (int i = 0; i < out[0].data().length; i++) {
          double d = out[k].data()[i] - out[0].data()[i];
          num += d * d;
          den += (double) out[0].data()[i] * out[0].data()[i];
        }
        System.out.printf("%s batch %d %-22s median %7.1f ms  %6.2f images/s  %.2fx fp32  relative L2 vs fp32 %.1e%n",
            preset, batch, names[k], s[runs / 2], batch * 1000 / s[runs / 2], base[runs / 2] / s[runs / 2], Math.sqrt(num / den));
      }
    } finally {
      for (VitModel v : m) {
        v.close();
      }
    }
  }
}
