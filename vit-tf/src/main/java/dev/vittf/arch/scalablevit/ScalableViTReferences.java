package dev.vittf.arch.scalablevit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vittf.io.CheckpointSource;
import dev.vittf.io.Kwargs;
import dev.vittf.io.ReferenceModels.ReferenceModel;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Reference-model converter for vit-pytorch {@code scalable_vit.ScalableViT(**kwargs)}.
 *
 * <p><b>ScalableViT block order.</b> vit-pytorch's ScalableViT takes no image size (it is read from
 * the fixture's {@code image_size_hw}) and its kwargs do not say which block order the weights were
 * trained with. The rule: an explicit top-level {@code "block_order"} field ({@code "paper"} or {@code
 * "upstream"}) wins; otherwise a case whose name ends with {@code _upstream_order} (the fixture {@code
 * scalable_vit_upstream_order}, whose notes say it was generated with unpatched upstream code) runs
 * vit-pytorch's order ({@link ScalableViTConfig#upstreamBlockOrder()} = true); every other case runs the
 * paper's order.
 */
public final class ScalableViTReferences {
  /** Suffix of a case name that selects vit-pytorch's ScalableViT block order. */
  public static final String UPSTREAM_ORDER_SUFFIX = "_upstream_order";

  private ScalableViTReferences() {}

  /**
   * A fixture-style description of a vit-pytorch ScalableViT: {@code constructor_kwargs}, the image
   * size from {@code image_size_hw}, and the block order by the rule in the class comment.
   */
  public static ReferenceModel scalableVit(JsonNode root) {
    JsonNode hw = root.path("image_size_hw");
    if (!hw.isArray() || hw.size() != 2 || !hw.get(0).isIntegralNumber() || !hw.get(1).isIntegralNumber()) {
      throw new IllegalArgumentException("vit-pytorch ScalableViT takes no image size: the description needs image_size_hw [height, width], got " + hw);
    }
    return scalableVit(root.get("constructor_kwargs"), hw.get(0).asInt(), hw.get(1).asInt(), upstreamOrder(root));
  }

  /** Whether a fixture-style description selects vit-pytorch's ScalableViT block order (see the class comment). */
  public static boolean upstreamOrder(JsonNode root) {
    JsonNode order = root.get("block_order");
    if (order != null && !order.isNull()) {
      return switch (order.asText()) {
        case "upstream" -> true;
        case "paper" -> false;
        default -> throw new IllegalArgumentException("block_order must be 'paper' or 'upstream', got " + order);
      };
    }
    return root.path("case").asText("").endsWith(UPSTREAM_ORDER_SUFFIX);
  }

  /** vit-pytorch {@code ScalableViT(**kwargs)} for images of {@code height x width}. */
  public static ReferenceModel scalableVit(JsonNode kwargs, int height, int width, boolean upstreamBlockOrder) {
    Kwargs k = new Kwargs("vit-pytorch ScalableViT", kwargs);
    JsonNode depthNode = kwargs.get("depth");
    if (depthNode == null || !depthNode.isArray()) {
      throw new IllegalArgumentException("vit-pytorch ScalableViT: argument 'depth' must be a tuple (one entry per stage), got " + depthNode);
    }
    List<Integer> depth = k.intList("depth", 1);
    int stages = depth.size();
    List<Integer> window = k.has("window_size") ? k.intList("window_size", stages) : Collections.nCopies(stages, null);
    ScalableViTConfig c = new ScalableViTConfig(height, width, k.integer("channels", 3), k.integer("num_classes"),
        k.integer("dim"), depth, k.intList("heads", stages),
        optionalList(k, "ssa_dim_key", stages), optionalList(k, "ssa_dim_value", stages),
        k.intList("reduction_factor", stages),
        optionalList(k, "iwsa_dim_key", stages), optionalList(k, "iwsa_dim_value", stages),
        new ArrayList<>(window), k.integer("ff_expansion_factor", 4), k.number("dropout", 0), 1e-5, upstreamBlockOrder);
    k.finish();
    return new ReferenceModel("scalable_vit", c, CheckpointSource.VIT_PYTORCH);
  }

  private static List<Integer> optionalList(Kwargs k, String key, int stages) {
    return k.has(key) ? k.intList(key, stages) : List.of(32);
  }
}
