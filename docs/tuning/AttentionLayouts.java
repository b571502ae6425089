// A/B of three ways to compute ViT-B/16's attention core (12 heads of 64, 197 tokens) in TensorFlow Java,
// interleaved run by run in one JVM. From the project root, after `mvn -B -ntp -DskipTests package`:
//   java -cp "vit-tf/cli/target/vit-tf.jar:vit-tf/cli/target/lib/*" docs/tuning/AttentionLayouts.java 8
// (a) what blocks/Attention does: reshape, transpose to [3, B, H, N, d], unstack, Einsum x2, transpose back
// (b) the same with BatchMatMulV3 (adj_y) instead of Einsum
// (c) no explicit transposes: unstack [B, N, 3, H, d] on axis 2 and Einsum in token-major layout
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Unstack;
import org.tensorflow.op.train.BatchMatMul;
import org.tensorflow.types.TFloat32;

public class AttentionLayouts {
  public static void main(String[] args) {
    int b = args.length > 0 ? Integer.parseInt(args[0]) : 8;
    int n = 197, h = 12, d = 64, runs = 40;
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> qkv = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, n, 3 * h * d)));
      Operand<TFloat32> scale = tf.constant((float) (1 / Math.sqrt(d)));
      Operand<TFloat32> r = tf.reshape(qkv, tf.constant(new int[] {-1, n, 3, h, d}));
      List<org.tensorflow.Output<TFloat32>> p = tf.unstack(tf.linalg.transpose(r, tf.constant(new int[] {2, 0, 3, 1, 4})), 3L).output();
      Operand<TFloat32> a = tf.linalg.einsum(List.of(tf.nn.softmax(tf.linalg.einsum(List.of(tf.math.mul(p.get(0), scale), p.get(1)), "bhid,bhjd->bhij")), p.get(2)), "bhij,bhjd->bhid");
      a = tf.reshape(tf.linalg.transpose(a, tf.constant(new int[] {0, 2, 1, 3})), tf.constant(new int[] {-1, n, h * d}));
      Operand<TFloat32> bm = tf.train.batchMatMul(tf.nn.softmax(tf.train.batchMatMul(tf.math.mul(p.get(0), scale), p.get(1), TFloat32.class, BatchMatMul.adjY(true))), p.get(2), TFloat32.class);
      bm = tf.reshape(tf.linalg.transpose(bm, tf.constant(new int[] {0, 2, 1, 3})), tf.constant(new int[] {-1, n, h * d}));
      List<org.tensorflow.Output<TFloat32>> t = tf.unstack(r, 3L, Unstack.axis(2L)).output();
      Operand<TFloat32> c = tf.linalg.einsum(List.of(tf.nn.softmax(tf.linalg.einsum(List.of(tf.math.mul(t.get(0), scale), t.get(1)), "bihd,bjhd->bhij")), t.get(2)), "bhij,bjhd->bihd");
      c = tf.reshape(c, tf.constant(new int[] {-1, n, h * d}));
      List<Operand<TFloat32>> outs = List.of(a, bm, c);
      List<String> names = List.of("(a) transpose + Einsum (current)", "(b) transpose + BatchMatMulV3", "(c) token-major Einsum");
      float[] data = new float[b * n * 3 * h * d];
      Random rnd = new Random(0);
      for (int i = 0; i < data.length; i++) {
        data[i] = (float) rnd.nextGaussian();
      }
      try (Session s = new Session(g);
          TFloat32 in = TFloat32.tensorOf(Shape.of(b, n, 3 * h * d), x -> x.asRawTensor().data().asFloats().write(data))) {
        float[][] values = new float[3][b * n * h * d];
        for (int v = 0; v < 3; v++) {
          try (Result res = s.runner().feed(qkv, in).fetch(outs.get(v)).run()) {
            ((TFloat32) res.get(0)).asRawTensor().data().asFloats().read(values[v]);
          }
        }
        double[][] ms = new double[3][runs];
        for (int i = -3; i < runs; i++) {
          for (int v = 0; v < 3; v++) {
            long t0 = System.nanoTime();
            s.runner().feed(qkv, in).fetch(outs.get(v)).run().close();
            if (i >= 0) {
              ms[v][i] = (System.nanoTime() - t0) / 1e6;
            }
          }
        }
        for (int v = 0; v < 3; v++) {
          Arrays.sort(ms[v]);
          double diff = 0;
          for (int i = 0; i < values[0].length; i++) {
            diff = Math.max(diff, Math.abs(values[v][i] - values[0][i]));
          }
          System.out.printf("batch %d %-36s median %7.2f ms   max |diff vs (a)| %.1e%n", b, names.get(v), ms[v][runs / 2], diff);
        }
      }
    }
  }
}
