package dev.vittf.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vittf.models.ModelConfig;
import dev.vittf.models.ModelGraph;
import dev.vittf.models.Presets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.proto.DataType;

/** Parsing, the hardware fallback, and where a bf16 graph computes in which type. */
class PrecisionTest {
  @Test
  void parsesNamesAndRejectsOthers() {
    assertEquals(Precision.FP32, Precision.parse("fp32"));
    assertEquals(Precision.FP32, Precision.parse("Float32"));
    assertEquals(Precision.BF16, Precision.parse("BF16"));
    assertEquals(Precision.BF16, Precision.parse(" bfloat16 "));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Precision.parse("fp16"));
    assertEquals("precision 'fp16' is not one of fp32, bf16", e.getMessage());
    assertEquals("bf16", Precision.BF16.label());
  }

  @Test
  void readsBf16FlagsFromCpuInfo() {
    String zen3 = "processor\t: 0\nflags\t\t: fpu sse2 avx2 avx512f avx512_vnni\nbogomips\t: 1\n";
    String zen4 = "processor\t: 0\nflags\t\t: fpu avx512f avx512_bf16 avx512_vnni\n";
    String spr = "processor\t: 0\nflags\t\t: fpu avx512f amx_bf16 amx_tile\n";
    assertFalse(Precision.cpuInfoHasBf16(zen3));
    assertTrue(Precision.cpuInfoHasBf16(zen4));
    assertTrue(Precision.cpuInfoHasBf16(spr));
    assertFalse(Precision.cpuInfoHasBf16("flags : avx512_bf16x\n"), "whole flags only");
  }

  @Test
  void fallsBackToFp32WithoutHardwareUnlessForced() {
    assertEquals(Precision.FP32, Precision.resolve(Precision.BF16, false, false));
    assertEquals(Precision.BF16, Precision.resolve(Precision.BF16, false, true));
    assertEquals(Precision.BF16, Precision.resolve(Precision.BF16, true, false));
    assertEquals(Precision.FP32, Precision.resolve(Precision.FP32, true, true));
  }

  /** Value type (attribute T) of every op of the given types, by op type and name. */
  private static Map<String, List<String>> types(Graph g, String... opTypes) {
    Map<String, List<String>> out = new TreeMap<>();
    List<String> wanted = List.of(opTypes);
    for (var it = g.operations(); it.hasNext(); ) {
      GraphOperation op = it.next();
      if (wanted.contains(op.type())) {
        out.computeIfAbsent(op.type() + " " + op.attributes().getAttrType("T"), k -> new ArrayList<>()).add(op.name());
      }
    }
    return out;
  }

  @Test
  void bf16GraphRunsProductsInBf16AndNormsSoftmaxHeadInFloat32() {
    String previous = System.setProperty(Precision.FORCE_PROPERTY, "true");
    try (Graph g = new Graph()) {
      ModelConfig config = Presets.get("cait-tiny");
      ModelGraph model = ModelGraph.build(g, config, Mode.INFERENCE, Precision.BF16, new ShapeOnlyParameterStore(g));
      assertEquals(Precision.BF16, model.precision());
      Map<String, List<String>> t = types(g, "MatMul", "Einsum", "Softmax", "Rsqrt", "AddV2");
      for (String name : t.getOrDefault("MatMul " + DataType.DT_FLOAT, List.of())) {
        assertTrue(name.startsWith("head/"), "float32 MatMul outside the head: " + name);
      }
      assertFalse(t.getOrDefault("MatMul " + DataType.DT_BFLOAT16, List.of()).isEmpty(), "no bf16 MatMul: " + t.keySet());
      // attention products bf16; the talking-heads mixes and every softmax and LayerNorm float32
      assertFalse(t.getOrDefault("Einsum " + DataType.DT_BFLOAT16, List.of()).isEmpty(), t.keySet().toString());
      assertFalse(t.containsKey("Softmax " + DataType.DT_BFLOAT16), t.keySet().toString());
      assertFalse(t.containsKey("Rsqrt " + DataType.DT_BFLOAT16), t.keySet().toString());
      // residual sums stay float32: every bf16 AddV2 is inside a GELU
      for (String name : t.getOrDefault("AddV2 " + DataType.DT_BFLOAT16, List.of())) {
        assertTrue(name.contains("/mlp/"), "bf16 add outside the MLP: " + name);
      }
      assertEquals(DataType.DT_FLOAT, ((GraphOperation) model.logits().op()).attributes().getAttrType("T"));
    } finally {
      if (previous == null) {
        System.clearProperty(Precision.FORCE_PROPERTY);
      } else {
        System.setProperty(Precision.FORCE_PROPERTY, previous);
      }
    }
  }

  @Test
  void fp32GraphHasNoCast() {
    try (Graph g = new Graph()) {
      ModelGraph.build(g, Presets.get("vit-tiny"), Mode.INFERENCE, Precision.FP32, new ShapeOnlyParameterStore(g));
      assertTrue(types(g, "Cast").isEmpty(), "a float32 graph needs no Cast");
    }
  }
}
