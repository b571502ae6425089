// A/B of two ways to cut NHWC images into vit-pytorch's (p1 p2 c) patch vectors, interleaved run by run in one JVM:
// (a) what blocks/Patches does: reshape to [B, h, p, w, p, C], transpose, reshape; (b) SpaceToDepth, then reshape.
// Both give identical tensors (checked first). From the project root, after `mvn -B -ntp -DskipTests package`:
//   java -cp "vit-tf/cli/target/vit-tf.jar:vit-tf/cli/target/lib/*" docs/tuning/PatchExtraction.java 1 256 32
import java.util.List;
import java.util.Random;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;

public class PatchExtraction {
  public static void main(String[] args) {
    if (args.length != 0 && args.length != 3) {
      System.err.println("usage: PatchExtraction [BATCH SIZE PATCH] (default: 1 256 32)");
      System.exit(2);
    }
    int batch = args.length == 0 ? 1 : Integer.parseInt(args[0]);
    int size = args.length == 0 ? 256 : Integer.parseInt(args[1]);
    int patch = args.length == 0 ? 32 : Integer.parseInt(args[2]);
    if (batch < 1 || patch < 1 || size % patch != 0) {
      System.err.println("PatchExtraction: need BATCH >= 1 and SIZE a multiple of PATCH, got " + String.join(" ", args));
      System.exit(2);
    }
    int grid = size / patch;
    int runs = 100;
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> images = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, size, size, 3)));
      Operand<TFloat32> split = tf.reshape(images, tf.constant(new int[] {-1, grid, patch, grid, patch, 3}));
      Operand<TFloat32> transposed = tf.reshape(tf.linalg.transpose(split, tf.constant(new int[] {0, 1, 3, 2, 4, 5})),
          tf.constant(new int[] {-1, grid * grid, patch * patch * 3}));
      Operand<TFloat32> spaceToDepth = tf.reshape(tf.nn.spaceToDepth(images, (long) patch),
          tf.constant(new int[] {-1, grid * grid, patch * patch * 3}));
      List<Operand<TFloat32>> variants = List.of(sum(tf, transposed), sum(tf, spaceToDepth));
      List<String> names = List.of("(a) reshape + transpose (current)", "(b) SpaceToDepth");
      float[] pixels = new float[batch * size * size * 3];
      Random random = new Random(3);
      for (int i = 0; i < pixels.length; i++) {
        pixels[i] = random.nextFloat();
      }
      try (Session s = new Session(g);
          TFloat32 input = TFloat32.tensorOf(Shape.of(batch, size, size, 3), DataBuffers.of(pixels))) {
        Operand<TBool> same = tf.reduceAll(tf.math.equal(transposed, spaceToDepth), tf.constant(new int[] {0, 1, 2}));
        try (Result r = s.runner().feed(images, input).fetch(same).run()) {
          System.out.println("identical patches: " + ((TBool) r.get(0)).getBoolean());
        }
        double[] ms = new double[variants.size()];
        for (int it = 0; it < runs + 10; it++) {
          for (int v = 0; v < variants.size(); v++) {
            long t0 = System.nanoTime();
            try (Result r = s.runner().feed(images, input).fetch(variants.get(v)).run()) {
              // only the time matters
            }
            if (it >= 10) {
              ms[v] += (System.nanoTime() - t0) / 1e6 / runs;
            }
          }
        }
        for (int v = 0; v < variants.size(); v++) {
          System.out.printf("batch %d, %dx%d, patch %d: %-36s %.3f ms per run%n", batch, size, size, patch, names.get(v), ms[v]);
        }
      }
    }
  }

  private static Operand<TFloat32> sum(Ops tf, Operand<TFloat32> y) {
    return tf.sum(y, tf.constant(new int[] {0, 1, 2}));
  }
}
