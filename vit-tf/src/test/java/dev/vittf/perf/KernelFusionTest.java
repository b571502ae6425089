package dev.vittf.perf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vittf.arch.vit.ViTConfig;
import dev.vittf.blocks.FeedForward;
import dev.vittf.core.BuildContext;
import dev.vittf.core.GraphParameterStore;
import dev.vittf.core.Mode;
import dev.vittf.models.VitModel;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.proto.DeviceStepStats;
import org.tensorflow.proto.NodeExecStats;
import org.tensorflow.proto.RunOptions;
import org.tensorflow.types.TFloat32;

/**
 * Guards the graph shapes that make inference fast on CPU: grappler must fuse each dense layer's
 * MatMul + BiasAdd, and the feed-forward's exact GELU, into single oneDNN kernels (measured: the
 * unfused GELU and bias passes cost ~4% of ViT-B/16's time at batch 8).
 */
class KernelFusionTest {

  @Test
  void denseLayersAndGeluRunAsFusedKernels() {
    try (VitModel model = VitModel.create(ViTConfig.tiny(), 0);
        TFloat32 in = TFloat32.tensorOf(Shape.of(2, 32, 32, 3))) {
      Operand<TFloat32> logits = model.output("logits");
      RunOptions trace = RunOptions.newBuilder().setTraceLevel(RunOptions.TraceLevel.FULL_TRACE).build();
      Set<String> kernels = new TreeSet<>();
      try (Result r = model.session().runner().feed(model.input(), in).fetch(logits).setOptions(trace).runAndFetchMetadata()) {
        for (DeviceStepStats d : r.getMetadata().orElseThrow().getStepStats().getDevStatsList()) {
          for (NodeExecStats ns : d.getNodeStatsList()) {
            String label = ns.getTimelineLabel();
            int eq = label.indexOf("= ");
            if (eq >= 0) {
              kernels.add(label.substring(eq + 2).replaceAll("\\(.*", "").trim());
            }
          }
        }
      }
      assertTrue(kernels.contains("_MklNativeFusedMatMul"), "expected fused MatMul kernels, ran " + kernels);
      assertFalse(kernels.contains("Erf"), "GELU not fused into fc1: ran " + kernels);
      assertFalse(kernels.contains("BiasAdd"), "a bias was not fused into its MatMul: ran " + kernels);
    }
  }

  @Test
  void feedForwardKeepsTheStaticTokenShape() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> x = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 17, 64)));
      Operand<TFloat32> y = new FeedForward(64, 128, 0)
          .apply(BuildContext.root(tf, new GraphParameterStore(g, 0), Mode.INFERENCE), x);
      assertArrayEquals(new long[] {-1, 17, 64}, y.shape().asArray());
    }
  }
}
