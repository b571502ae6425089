package dev.vittf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vittf.core.HostTensor;
import dev.vittf.core.Mode;
import dev.vittf.io.CheckpointSource;
import dev.vittf.io.Checkpoints;
import dev.vittf.io.ReferenceModels;
import dev.vittf.models.EagerRunner;
import dev.vittf.models.ModelConfig;
import dev.vittf.models.ModelParameters;
import dev.vittf.models.Network;
import dev.vittf.models.VitModel;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * ViT configurations the fixtures do not cover (rectangular images and patches, one channel, one head
 * with dim_head == dim (no output projection), heads x dim_head != dim, mean pooling, batch 1 and 3),
 * checked against the independent plain-Java implementation in {@link TorchViTReference}: random
 * weights are drawn in PyTorch layout, converted through our checkpoint mapping, and run in graph and
 * eager mode.
 */
class ViTReferenceTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  static Stream<Arguments> configs() {
    return Stream.of(
        // vit-pytorch: rectangular image and patch, 3 heads of 10 (inner 30 != dim 24), batch 3
        Arguments.of(new TorchViTReference.Cfg(false, 24, 40, 8, 10, 3, 24, 2, 3, 10, 40, 7, true), 3),
        // vit-pytorch: mean pooling (no class token), one channel, batch 1
        Arguments.of(new TorchViTReference.Cfg(false, 16, 16, 4, 8, 1, 16, 1, 2, 12, 24, 5, false), 1),
        // vit-pytorch: one head with dim_head == dim -> no output projection
        Arguments.of(new TorchViTReference.Cfg(false, 16, 24, 8, 8, 3, 16, 2, 1, 16, 32, 4, true), 2),
        // timm: rectangular, 6 heads of 4, batch 3
        Arguments.of(new TorchViTReference.Cfg(true, 16, 24, 8, 6, 3, 24, 2, 6, 4, 96, 5, true), 3));
  }

  @ParameterizedTest
  @MethodSource("configs")
  void matchesIndependentImplementation(TorchViTReference.Cfg c, int batch) {
    ModelConfig config = ReferenceModels.fromKwargs(c.timm() ? "timm_vit" : "vit", kwargs(c)).config();
    Map<String, HostTensor> torch = TorchViTReference.randomStateDict(c, 42);
    CheckpointSource source = c.timm() ? CheckpointSource.TIMM : CheckpointSource.VIT_PYTORCH;
    Map<String, HostTensor> weights = Checkpoints.convert(torch, config, source, ModelParameters.of(config));
    HostTensor input = TorchViTReference.normal(new Random(7), 1.0, batch, c.h(), c.w(), c.c());
    HostTensor expected = new TorchViTReference(torch, c).forward(input);

    HostTensor graph;
    try (VitModel model = VitModel.create(config)) {
      model.loadWeights(weights);
      graph = model.predict(input);
    }
    HostTensor eager = EagerRunner.forward(config, weights, 0, Mode.INFERENCE, input).get(Network.LOGITS);
    assertArrayEquals(new long[] {batch, c.classes()}, graph.shape());
    double dg = graph.maxAbsDiff(expected);
    double de = eager.maxAbsDiff(expected);
    assertTrue(dg <= 1e-4, "graph max|diff| " + dg);
    assertTrue(de <= 1e-4, "eager max|diff| " + de);
  }

  private static ObjectNode kwargs(TorchViTReference.Cfg c) {
    ObjectNode k = JSON.createObjectNode();
    if (c.timm()) {
      k.putArray("img_size").add(c.h()).add(c.w());
      k.putArray("patch_size").add(c.ph()).add(c.pw());
      k.put("embed_dim", c.dim()).put("depth", c.depth()).put("num_heads", c.heads())
          .put("num_classes", c.classes()).put("in_chans", c.c()).put("mlp_ratio", (double) c.mlp() / c.dim());
    } else {
      k.putArray("image_size").add(c.h()).add(c.w());
      k.putArray("patch_size").add(c.ph()).add(c.pw());
      k.put("num_classes", c.classes()).put("dim", c.dim()).put("depth", c.depth()).put("heads", c.heads())
          .put("mlp_dim", c.mlp()).put("pool", c.clsPool() ? "cls" : "mean").put("channels", c.c())
          .put("dim_head", c.dimHead()).put("dropout", 0.0).put("emb_dropout", 0.0);
    }
    return k;
  }
}
