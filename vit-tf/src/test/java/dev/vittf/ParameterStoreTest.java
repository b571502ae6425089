package dev.vittf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vittf.arch.vit.ViTConfig;
import dev.vittf.core.BuildContext;
import dev.vittf.core.EagerParameterStore;
import dev.vittf.core.GraphParameterStore;
import dev.vittf.core.HostTensor;
import dev.vittf.core.Initializer;
import dev.vittf.core.Mode;
import dev.vittf.core.ParameterRole;
import dev.vittf.core.ParameterSpec;
import dev.vittf.models.VitModel;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tensorflow.EagerSession;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** Names, duplicates, deterministic initialisation and listing of the parameter store. */
class ParameterStoreTest {

  private static ParameterSpec spec(String name, Initializer init, long... shape) {
    return new ParameterSpec(name, shape, ParameterRole.WEIGHT, init);
  }

  @Test
  void duplicateNamesAreRejected() {
    try (Graph g = new Graph()) {
      GraphParameterStore store = new GraphParameterStore(g, 0);
      store.parameter(spec("blocks/0/attn/qkv/kernel", Initializer.zeros(), 2, 2));
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> store.parameter(spec("blocks/0/attn/qkv/kernel", Initializer.zeros(), 2, 2)));
      assertEquals("duplicate parameter name 'blocks/0/attn/qkv/kernel'", e.getMessage());
    }
  }

  @Test
  void malformedNamesAreRejected() {
    try (Graph g = new Graph()) {
      GraphParameterStore store = new GraphParameterStore(g, 0);
      for (String bad : new String[] {"", "a//b", "/a", "a/", "has space", "_lead"}) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> store.parameter(spec(bad, Initializer.zeros(), 1)), bad);
        assertTrue(e.getMessage().contains("name"), e.getMessage());
      }
      assertThrows(IllegalArgumentException.class, () -> store.parameter(spec("w", Initializer.zeros(), 0, 3)));
      assertThrows(IllegalArgumentException.class, () -> store.parameter(spec("eye", Initializer.identity(), 2, 3)));
    }
  }

  @Test
  void aNameTakenByAnotherOpIsRejected() {
    try (Graph g = new Graph()) {
      Ops.create(g).withName("taken").constant(1f);
      GraphParameterStore store = new GraphParameterStore(g, 0);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> store.parameter(spec("taken", Initializer.zeros(), 1)));
      assertEquals("the graph already has an operation named 'taken'", e.getMessage());
    }
  }

  @Test
  void variablesCarryExactlyTheParameterNames() {
    try (VitModel model = VitModel.create(ViTConfig.tiny())) {
      for (ParameterSpec p : model.parameters()) {
        assertEquals("VariableV2", model.graph().operation(p.name()).type(), p.name());
      }
      // The same scope names used twice by compute code must not leak into parameter names.
      assertTrue(model.parameters().stream().noneMatch(p -> p.name().matches(".*_\\d+(/.*)?")));
    }
  }

  @Test
  void listsEveryParameterWithShapeAndCount() {
    try (VitModel model = VitModel.create(ViTConfig.tiny())) {
      List<ParameterSpec> ps = model.parameters();
      assertEquals("patch_embed/pre_norm/scale", ps.get(0).name());
      ParameterSpec qkv = ps.stream().filter(p -> p.name().equals("blocks/1/attn/qkv/kernel")).findFirst().orElseThrow();
      assertArrayEquals(new long[] {64, 192}, qkv.shape());
      assertEquals(ps.stream().mapToLong(ParameterSpec::size).sum(), model.parameterCount());
      assertEquals(false, ps.stream().filter(p -> p.name().equals("pos_embed")).findFirst().orElseThrow().role().weightDecay());
    }
  }

  @Test
  void initialisationIsDeterministicAndHasTheRequestedStatistics() {
    Map<String, HostTensor> a = initialValues(7);
    Map<String, HostTensor> b = initialValues(7);
    Map<String, HostTensor> c = initialValues(8);
    assertEquals(a, b);
    assertNotEquals(a.get("w"), c.get("w"));
    HostTensor w = a.get("w");
    double mean = 0;
    double sq = 0;
    double max = 0;
    for (float v : w.data()) {
      mean += v;
      sq += v * v;
      max = Math.max(max, Math.abs(v));
    }
    mean /= w.size();
    double std = Math.sqrt(sq / w.size() - mean * mean);
    // truncated at 2 sigma: std of the truncated unit normal is 0.8796
    assertEquals(0.02 * 0.8796, std, 0.02 * 0.8796 * 0.03);
    assertTrue(max <= 0.04 + 1e-6, "values beyond two standard deviations: " + max);
    assertEquals(0, mean, 0.001);
    HostTensor conv = a.get("conv");
    double convStd = Math.sqrt(java.util.stream.IntStream.range(0, conv.size()).mapToDouble(i -> conv.data()[i] * conv.data()[i]).sum() / conv.size());
    // fan-in of an HWIO kernel [3, 3, 16, 32] is 3*3*16 = 144 (not 3*3*16*16)
    assertEquals(Math.sqrt(2.0 / 144) * 0.8796, convStd, Math.sqrt(2.0 / 144) * 0.8796 * 0.05);
    assertArrayEquals(new float[] {1, 0, 0, 0, 1, 0, 0, 0, 1}, a.get("eye").data());
    assertArrayEquals(new float[] {0.5f, 0.5f}, a.get("const").data());
  }

  @Test
  void graphAndEagerStoresInitialiseIdentically() {
    Map<String, HostTensor> graph = initialValues(3);
    try (EagerSession s = EagerSession.create(); EagerParameterStore store = new EagerParameterStore(s, 3, Map.of())) {
      Operand<TFloat32> w = store.parameter(spec("w", Initializer.truncatedNormal(0.02), 64, 64));
      assertEquals(graph.get("w"), HostTensor.of(w.asTensor()));
    }
  }

  private static Map<String, HostTensor> initialValues(long seed) {
    try (Graph g = new Graph()) {
      GraphParameterStore store = new GraphParameterStore(g, seed);
      store.parameter(spec("w", Initializer.truncatedNormal(0.02), 64, 64));
      store.parameter(spec("conv", new Initializer.FanInTruncatedNormal(2.0), 3, 3, 16, 32));
      store.parameter(spec("eye", Initializer.identity(), 3, 3));
      store.parameter(spec("const", Initializer.constant(0.5), 2));
      try (Session s = new Session(g)) {
        store.initialize(s);
        return store.read(s);
      }
    }
  }

  @Test
  void buildContextScopesParameterNames() {
    try (Graph g = new Graph()) {
      GraphParameterStore store = new GraphParameterStore(g, 0);
      BuildContext root = BuildContext.root(Ops.create(g), store, Mode.INFERENCE);
      root.child("blocks").child(3).child("attn").parameter("kernel", ParameterRole.WEIGHT, Initializer.zeros(), 2);
      root.child("blocks").child(3).child("mlp").parameter("kernel", ParameterRole.WEIGHT, Initializer.zeros(), 2);
      assertEquals(List.of("blocks/3/attn/kernel", "blocks/3/mlp/kernel"),
          store.parameters().stream().map(ParameterSpec::name).toList());
      assertThrows(IllegalArgumentException.class, () -> root.child("a/b"));
    }
  }
}
