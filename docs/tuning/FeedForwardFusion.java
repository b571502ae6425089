// A/B of the ViT-B/16 MLP block (768 -> 3072 -> GELU -> 768): the previous FeedForward (Dense on [B, N, D], so
// a Reshape sits between BiasAdd and GELU and grappler cannot fuse the GELU) against the current one (works on
// the [B*N, D] matrix: MatMul + BiasAdd + GELU become one _MklNativeFusedMatMul). Interleaved in one JVM.
//   java -cp "vit-tf/cli/target/vit-tf.jar:vit-tf/cli/target/lib/*" docs/tuning/FeedForwardFusion.java 8
import dev.vittf.blocks.Activations;
import dev.vittf.blocks.Dense;
import dev.vittf.blocks.FeedForward;
import dev.vittf.core.BuildContext;
import dev.vittf.core.GraphParameterStore;
import dev.vittf.core.Mode;
import java.util.Arrays;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

public class FeedForwardFusion {
  public static void main(String[] args) {
    int b = args.length > 0 ? Integer.parseInt(args[0]) : 8;
    int n = 197, d = 768, hidden = 3072, runs = 30;
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      GraphParameterStore store = new GraphParameterStore(g, 0);
      BuildContext ctx = BuildContext.root(tf, store, Mode.INFERENCE);
      Placeholder<TFloat32> x = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, n, d)));
      Operand<TFloat32> current = new FeedForward(d, hidden, 0).apply(ctx.child("current"), x);
      BuildContext o = ctx.child("previous");
      Operand<TFloat32> previous =
          new Dense(hidden, d).apply(o.child("fc2"), Activations.gelu(tf, new Dense(d, hidden).apply(o.child("fc1"), x)));
      try (Session s = new Session(g); TFloat32 in = TFloat32.tensorOf(Shape.of(b, n, d))) {
        store.initialize(s);
        double[] tc = new double[runs];
        double[] tp = new double[runs];
        for (int i = -3; i < runs; i++) {
          long t0 = System.nanoTime();
          s.runner().feed(x, in).fetch(current).run().close();
          long t1 = System.nanoTime();
          s.runner().feed(x, in).fetch(previous).run().close();
          long t2 = System.nanoTime();
          if (i >= 0) {
            tc[i] = (t1 - t0) / 1e6;
            tp[i] = (t2 - t1) / 1e6;
          }
        }
        Arrays.sort(tc);
        Arrays.sort(tp);
        double gflop = 2.0 * 2 * b * n * d * hidden / 1e9;
        System.out.printf("batch %d MLP block: previous %.2f ms (%.0f GFLOP/s), current %.2f ms (%.0f GFLOP/s): %.1f%% less time%n",
            b, tp[runs / 2], gflop / tp[runs / 2] * 1e3, tc[runs / 2], gflop / tc[runs / 2] * 1e3, 100 * (tp[runs / 2] - tc[runs / 2]) / tp[runs / 2]);
      }
    }
  }
}
