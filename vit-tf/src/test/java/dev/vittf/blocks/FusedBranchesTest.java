package dev.vittf.blocks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vittf.RandomWeights;
import dev.vittf.core.HostTensor;
import dev.vittf.models.EagerRunner;
import dev.vittf.models.Network;
import dev.vittf.models.ParallelViTConfig;
import dev.vittf.models.Pool;
import dev.vittf.models.VitModel;
import java.util.Iterator;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.tensorflow.GraphOperation;

/**
 * The fused evaluation of parallel branches ({@link FusedBranches}) computes the same function as the
 * branch-by-branch one, to 1e-5, with the same parameters (names, shapes, order) and the same named
 * outputs, including each branch's attention map.
 */
class FusedBranchesTest {
  static final double TOLERANCE = 1e-5;

  static Stream<ParallelViTConfig> configs() {
    return Stream.of(
        ParallelViTConfig.tiny(),
        // timm form: qkv bias, LayerScale folded into the output kernels, conv embedding, final token norm
        ParallelViTConfig.timmBuilder().imageSize(16, 32).patchSize(8).numClasses(4).dim(24).depth(2).heads(3)
            .dimHead(8).mlpDim(48).numParallelBranches(3).layerScaleInit(0.3).build(),
        ParallelViTConfig.builder().imageSize(24, 40).patchSize(8, 10).numClasses(5).dim(24).depth(1).heads(4)
            .dimHead(6).mlpDim(40).numParallelBranches(4).pool(Pool.MEAN).build());
  }

  @ParameterizedTest
  @MethodSource("configs")
  void fusedEqualsUnfused(ParallelViTConfig base) {
    ParallelViTConfig fusedCfg = base.toBuilder().fuseBranches(true).build();
    ParallelViTConfig plainCfg = base.toBuilder().fuseBranches(false).build();
    Map<String, HostTensor> weights = RandomWeights.of(plainCfg, 21);
    HostTensor images = RandomWeights.images(8, 3, base.imageHeight(), base.imageWidth(), base.channels());
    String probs = "blocks/0/attns/" + (base.numParallelBranches() - 1) + "/attn/probs";
    try (VitModel fused = VitModel.create(fusedCfg); VitModel plain = VitModel.create(plainCfg)) {
      assertEquals(plain.parameters(), fused.parameters(), "same parameters, names, shapes and order");
      // same named outputs; fused graphs also expose each layer's joint map attns/probs (branch-major heads)
      java.util.Set<String> extra = new java.util.TreeSet<>(fused.outputNames());
      assertTrue(extra.containsAll(plain.outputNames()), "fused outputs " + extra);
      extra.removeAll(plain.outputNames());
      java.util.Set<String> joint = new java.util.TreeSet<>();
      for (int i = 0; i < base.depth(); i++) {
        joint.add("blocks/" + i + "/attns/probs");
      }
      assertEquals(joint, extra);
      // the fused graph really is fused: one softmax per layer instead of one per branch
      assertEquals(base.depth(), count(fused, "Softmax"));
      assertEquals(base.depth() * base.numParallelBranches(), count(plain, "Softmax"));
      fused.loadWeights(weights);
      plain.loadWeights(weights);
      Map<String, HostTensor> a = fused.run(images, Network.LOGITS, Network.TOKENS, probs);
      Map<String, HostTensor> b = plain.run(images, Network.LOGITS, Network.TOKENS, probs);
      assertArrayEquals(new long[] {3, base.heads(), base.numPatches() + 1, base.numPatches() + 1}, a.get(probs).shape());
      for (String name : a.keySet()) {
        double diff = a.get(name).maxAbsDiff(b.get(name));
        assertTrue(diff <= TOLERANCE, name + ": fused vs unfused " + diff);
      }
      double eager = EagerRunner.logits(fusedCfg, weights, images).maxAbsDiff(b.get(Network.LOGITS));
      assertTrue(eager <= TOLERANCE, "eager fused vs graph unfused " + eager);
    }
  }

  private static int count(VitModel model, String type) {
    int n = 0;
    for (Iterator<GraphOperation> it = model.graph().operations(); it.hasNext(); ) {
      if (it.next().type().equals(type)) {
        n++;
      }
    }
    return n;
  }
}
