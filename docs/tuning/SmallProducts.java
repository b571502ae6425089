// Batch-1 dense products at the seed presets' sizes (65 tokens of width 1024): how fast one fused MatMul+BiasAdd
// runs with its weights as a variable, as a constant, and when every product reads its own weights (as the layers
// of a network do, so the weights come from memory rather than the cache). Interleaved run by run in one JVM.
// From the project root, after `mvn -B -ntp -DskipTests package`:
//   java -cp "vit-tf/cli/target/vit-tf.jar:vit-tf/cli/target/lib/*" docs/tuning/SmallProducts.java 65 1024 3072
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

public class SmallProducts {
  public static void main(String[] args) {
    if (args.length != 0 && args.length != 3) {
      System.err.println("usage: SmallProducts [ROWS IN OUT] (default: 65 1024 3072)");
      System.exit(2);
    }
    int m = args.length == 0 ? 65 : Integer.parseInt(args[0]);
    int k = args.length == 0 ? 1024 : Integer.parseInt(args[1]);
    int n = args.length == 0 ? 3072 : Integer.parseInt(args[2]);
    int layers = 12;
    int runs = 50;
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Random random = new Random(1);
      Placeholder<TFloat32> x = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, k)));
      Operand<TFloat32> bias = tf.constant(new float[n]);
      List<org.tensorflow.op.Op> inits = new ArrayList<>();
      List<Operand<TFloat32>> perLayer = new ArrayList<>();
      Operand<TFloat32> constant = null;
      Operand<TFloat32> variable = null;
      for (int l = 0; l < layers; l++) {
        float[] w = new float[k * n];
        for (int i = 0; i < w.length; i++) {
          w[i] = (float) random.nextGaussian();
        }
        Operand<TFloat32> value = tf.constant(NdArrays.wrap(Shape.of(k, n), DataBuffers.of(w)));
        Variable<TFloat32> v = tf.withName("w" + l).variable(Shape.of(k, n), TFloat32.class);
        inits.add(tf.assign(v, value));
        Operand<TFloat32> y = sum(tf, tf.nn.biasAdd(tf.linalg.matMul(x, v), bias));
        perLayer.add(y);
        if (l == 0) {
          variable = y;
          constant = sum(tf, tf.nn.biasAdd(tf.linalg.matMul(x, value), bias));
        }
      }
      Operand<TFloat32> distinct = tf.math.addN(perLayer);
      List<Operand<TFloat32>> variants = List.of(variable, constant, distinct);
      List<String> names = List.of("one product, variable weights", "one product, constant weights",
          layers + " products, each its own variable weights (per product)");
      int[] products = {1, 1, layers};
      try (Session s = new Session(g); TFloat32 input = TFloat32.tensorOf(Shape.of(m, k))) {
        Session.Runner init = s.runner();
        inits.forEach(init::addTarget);
        init.run();
        double[] ms = new double[variants.size()];
        for (int it = 0; it < runs + 5; it++) {
          for (int v = 0; v < variants.size(); v++) {
            long t0 = System.nanoTime();
            try (Result r = s.runner().feed(x, input).fetch(variants.get(v)).run()) {
              // only the time matters
            }
            if (it >= 5) {
              ms[v] += (System.nanoTime() - t0) / 1e6 / runs / products[v];
            }
          }
        }
        double gflop = 2.0 * m * k * n / 1e9;
        for (int v = 0; v < variants.size(); v++) {
          System.out.printf("%d x %d by %d x %d, %-58s %.3f ms  %.0f GFLOP/s%n", m, k, k, n, names.get(v), ms[v],
              gflop / (ms[v] / 1e3));
        }
      }
    }
  }

  private static Operand<TFloat32> sum(Ops tf, Operand<TFloat32> y) {
    return tf.sum(y, tf.constant(new int[] {0, 1}));
  }
}
