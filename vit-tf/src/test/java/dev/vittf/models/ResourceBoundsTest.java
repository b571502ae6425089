package dev.vittf.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vittf.arch.Architecture;
import dev.vittf.arch.Architectures;
import dev.vittf.core.InvalidConfigException;
import dev.vittf.core.Mode;
import dev.vittf.core.ModelSize;
import dev.vittf.core.ResourceLimits;
import dev.vittf.core.ShapeOnlyParameterStore;
import java.time.Duration;
import java.util.Iterator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;

/**
 * Issue 16, row 3: configs that cannot fit are refused when they are validated, naming the field and
 * the size, before anything is allocated; and the size estimate the refusal rests on stays true for
 * every preset.
 */
class ResourceBoundsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @AfterEach
  void resetLimits() {
    ResourceLimits.set(null);
  }

  private static InvalidConfigException refused(String preset, String json) {
    return assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
      ObjectNode o = (ObjectNode) JSON.readTree(json);
      return assertThrows(InvalidConfigException.class, () -> ConfigJson.override(Presets.get(preset), o), json);
    });
  }

  /** The violations name {@code field}, and the message starts as the issue asks: "field=value: ...". */
  private static void assertBlames(InvalidConfigException e, String field, String... words) {
    assertEquals(field, e.violations().get(0).field(), e.getMessage());
    String m = e.violations().get(0).toString();
    for (String w : words) {
      assertTrue(m.contains(w), m);
    }
  }

  @Test
  void theIssuesConfigsAreRefusedBeforeAllocation() {
    assertBlames(refused("vit-tiny", "{\"depth\": 1000000}"), "depth", "depth=1000000: the model would have",
        "parameters (", "GiB", "-Dvittf.maxParameterBytes");
    assertBlames(refused("vit-tiny", "{\"dim\": 1048576}"), "dim", "dim=1048576");
    assertBlames(refused("vit-tiny", "{\"channels\": 1048576}"), "channels", "channels=1048576");
    assertBlames(refused("vit-tiny", "{\"numClasses\": 2147483647}"), "numClasses", "numClasses=2147483647");
    assertBlames(refused("vit-tiny", "{\"imageHeight\": 65536, \"imageWidth\": 65536, \"patchHeight\": 1, \"patchWidth\": 1}"),
        "imageHeight", "imageHeight=65536");
    assertBlames(refused("vit-tiny", "{\"imageHeight\": 46341, \"imageWidth\": 46341, \"patchHeight\": 1, \"patchWidth\": 1}"),
        "imageHeight", "imageHeight=46341");
    assertBlames(refused("cait-tiny", "{\"clsDepth\": 100000000}"), "clsDepth", "clsDepth=100000000");
    assertBlames(refused("parallel-vit-tiny", "{\"numParallelBranches\": 100000}"), "numParallelBranches");
    assertBlames(refused("scalable-vit-tiny", "{\"depth\": [1, 1000000]}"), "depth[1]", "depth[1]=1000000");
  }

  @Test
  void theGraphOpLimitRefusesDeepModelsThatWouldFitInMemory() {
    // 10,000 tiny blocks hold 1.3 GiB of weights, but building over 10^6 ops would take many minutes.
    InvalidConfigException e = refused("vit-tiny", "{\"depth\": 10000}");
    assertBlames(e, "depth", "ops, over the limit of 1000000", "-Dvittf.maxGraphOps");
  }

  @Test
  void limitsAreSettableAndTheMessageSaysHow() {
    ModelConfig tiny = Presets.get("vit-tiny");
    long params = ModelParameters.count(tiny);
    ResourceLimits.set(new ResourceLimits.Limits(4 * params / 2, 1L << 40, 1_000_000, "a test"));
    InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> Presets.get("vit-tiny"));
    assertTrue(e.getMessage().contains("(a test; set -Dvittf.maxParameterBytes=SIZE or ResourceLimits.set(...))"),
        e.getMessage());
    ResourceLimits.set(null);
    System.setProperty(ResourceLimits.MAX_ACTIVATION_BYTES, "1k");
    try {
      InvalidConfigException a = assertThrows(InvalidConfigException.class, () -> Presets.get("vit-tiny"));
      assertTrue(a.getMessage().contains("over the limit of 1.0 KiB"), a.getMessage());
    } finally {
      System.clearProperty(ResourceLimits.MAX_ACTIVATION_BYTES);
    }
    assertEquals(tiny, Presets.get("vit-tiny"));
    assertEquals(8L << 30, ResourceLimits.parseSize("8g"));
    assertThrows(IllegalArgumentException.class, () -> ResourceLimits.parseSize("9999999999t"));
  }

  @Test
  void theDefaultLimitsComeFromThisMachinesMemory() {
    long mem = ResourceLimits.memoryBytes();
    assertTrue(mem > (256L << 20) && mem < (1L << 50), "memory " + mem);
    assertEquals(Math.min(mem / 5, Runtime.getRuntime().maxMemory() / 2), ResourceLimits.current().maxParameterBytes());
  }

  /**
   * The estimate is close to the truth for every preset: parameters within [0.7, 1.6] of the exact
   * count, and never fewer graph ops than the inference graph really has.
   */
  @Test
  void theSizeEstimateHoldsForEveryPreset() {
    for (Architecture<?> arch : Architectures.ALL) {
      for (Architecture.Preset p : arch.presets()) {
        ModelConfig c = p.config();
        ModelSize size = c.size();
        long exact;
        long ops;
        try (Graph g = new Graph()) {
          ModelGraph m = ModelGraph.build(g, c, Mode.INFERENCE, new ShapeOnlyParameterStore(g));
          exact = m.parameters().parameters().stream().mapToLong(dev.vittf.core.ParameterSpec::size).sum();
          ops = 0;
          for (Iterator<?> it = g.operations(); it.hasNext(); it.next()) {
            ops++;
          }
        }
        double ratio = size.parameterCount() / exact;
        assertTrue(ratio >= 0.7 && ratio <= 1.6, p.name() + ": estimate " + size.parameterCount() + " vs " + exact);
        assertTrue(size.graphOps() >= ops, p.name() + ": estimated " + size.graphOps() + " ops, the graph has " + ops);
        assertTrue(size.graphOps() <= 4 * ops, p.name() + ": estimated " + size.graphOps() + " ops, the graph has " + ops);
      }
    }
  }
}
