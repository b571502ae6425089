package dev.vittf.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vittf.ForceBf16;
import dev.vittf.core.GraphParameterStore;
import dev.vittf.core.HostTensor;
import dev.vittf.core.Mode;
import dev.vittf.core.Precision;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TFloat32;

/**
 * A bf16 {@link VitModel} keeps bf16 copies of its weights ({@link GraphParameterStore#cacheConversions}) instead of
 * casting them at every run: same logits bit for bit as casting at use, copies rewritten whenever weights are written
 * (never stale), and only the float32 parameters are visible as weights.
 */
@ExtendWith(ForceBf16.class)
class Bf16WeightCopiesTest {
  private static HostTensor images(ModelConfig c, int n, long seed) {
    Random r = new Random(seed);
    float[] x = new float[n * c.imageHeight() * c.imageWidth() * c.channels()];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextGaussian();
    }
    return new HostTensor(new long[] {n, c.imageHeight(), c.imageWidth(), c.channels()}, x);
  }

  /** The same bf16 graph casting its float32 variables at every run (a store without kept conversions). */
  private static HostTensor castAtUse(ModelConfig c, Map<String, HostTensor> weights, HostTensor x) {
    try (Graph g = new Graph()) {
      GraphParameterStore store = GraphParameterStore.forLoading(g);
      ModelGraph m = ModelGraph.build(g, c, Mode.INFERENCE, Precision.BF16, store);
      try (Session s = new Session(g); TFloat32 in = x.toTensor()) {
        store.assignAll(s, weights);
        try (Result r = s.runner().feed(m.images(), in).fetch(m.logits()).run()) {
          return HostTensor.of((TFloat32) r.get(0));
        }
      }
    }
  }

  @Test
  void copiesGiveTheLogitsOfCastingAtUseAndFollowEveryWrite() {
    ModelConfig c = Presets.get("cait-tiny");
    HostTensor x = images(c, 3, 1);
    Map<String, HostTensor> first;
    Map<String, HostTensor> second;
    try (VitModel a = VitModel.create(c, 1); VitModel b = VitModel.create(c, 2)) {
      first = a.weights();
      second = b.weights();
    }
    VitModel.Options bf16 = VitModel.Options.defaults().withPrecision(Precision.BF16);
    try (VitModel m = VitModel.create(c, first, bf16)) {
      assertEquals(0.0, m.predict(x).maxAbsDiff(castAtUse(c, first, x)), "kept copies vs cast at use");
      m.loadWeights(second);
      HostTensor after = m.predict(x);
      assertEquals(0.0, after.maxAbsDiff(castAtUse(c, second, x)), "copies rewritten when weights are loaded");
      assertTrue(after.maxAbsDiff(castAtUse(c, first, x)) > 1e-3, "the two weight sets give different logits");
      assertEquals(second.keySet(), m.weights().keySet(), "only the float32 parameters are weights");
      int copies = 0;
      for (var it = m.graph().operations(); it.hasNext(); ) {
        GraphOperation op = it.next();
        if (op.type().equals("VariableV2") && op.attributes().getAttrType("dtype") == DataType.DT_BFLOAT16) {
          copies++;
          // a parameter's copy (<weight>/bfloat16), or a derived value kept beside its parameters: the joined
          // q|kv kernel of a Q_KV self-attention (<block>/attn/qkv_joined/kernel next to attn/q and attn/kv)
          String name = op.name();
          boolean parameterCopy = name.endsWith("/bfloat16") && m.weights().containsKey(name.substring(0, name.lastIndexOf('/')));
          String attn = name.replaceFirst("/qkv_joined/(kernel|bias)$", "");
          boolean joinedQkv = !attn.equals(name) && m.weights().containsKey(attn + "/q/kernel")
              && m.weights().containsKey(attn + "/kv/kernel");
          assertTrue(parameterCopy || joinedQkv, name);
        }
      }
      assertTrue(copies > 0, "no bf16 copy");
    }
    // seeded initialisation refreshes the copies too
    try (VitModel m = VitModel.create(c, new VitModel.Options(Mode.INFERENCE, 1, null, Precision.BF16))) {
      assertEquals(0.0, m.predict(x).maxAbsDiff(castAtUse(c, first, x)), "copies written after the random initialisers");
    }
  }

  /** A native checkpoint assigned straight from TensorFlow tensors (Checkpoints.model) rewrites the copies too. */
  @Test
  void copiesFollowANativeCheckpointLoad(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    ModelConfig c = Presets.get("cait-tiny");
    HostTensor x = images(c, 2, 4);
    Map<String, HostTensor> w;
    try (VitModel a = VitModel.create(c, 3)) {
      w = a.weights();
    }
    java.nio.file.Path file = dir.resolve("w.safetensors");
    dev.vittf.io.SafeTensors.write(file, w, Map.of());
    VitModel.Options bf16 = VitModel.Options.defaults().withPrecision(Precision.BF16);
    try (VitModel m = dev.vittf.io.Checkpoints.model(file, c, dev.vittf.io.CheckpointSource.NATIVE, bf16)) {
      assertEquals(0.0, m.predict(x).maxAbsDiff(castAtUse(c, w, x)), "copies written from the loaded tensors");
    }
  }
}
