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
 * MatMul + BiasAdd, and, where TensorFlow runs oneDNN, the feed-forward's exact GELU, into single kernels (measured: the
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
      // Which fusions grappler can make depends on whether TensorFlow runs its oneDNN kernels, which it decides
      // per CPU (on by default only where the CPU has VNNI/bf16/AMX units, or with TF_ENABLE_ONEDNN_OPTS=1).
      // The graph shape must allow the best fusion of either kind: MatMul+BiasAdd always (TensorFlow's own
      // _FusedMatMul or oneDNN's), MatMul+BiasAdd+GELU where oneDNN runs (TensorFlow has no CPU kernel for it).
      boolean oneDnn = kernels.stream().anyMatch(k -> k.startsWith("_Mkl"));
      assertTrue(kernels.contains(oneDnn ? "_MklNativeFusedMatMul" : "_FusedMatMul"),
          "expected fused MatMul kernels (oneDNN " + (oneDnn ? "on" : "off") + "), ran " + kernels);
      assertFalse(kernels.contains("BiasAdd"), "a bias was not fused into its MatMul: ran " + kernels);
      if (oneDnn) {
        assertFalse(kernels.contains("Erf"), "GELU not fused into fc1 although oneDNN runs: ran " + kernels);
      }
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
