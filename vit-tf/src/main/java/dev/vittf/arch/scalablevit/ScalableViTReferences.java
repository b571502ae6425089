package dev.vittf.arch.scalablevit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vittf.io.Kwargs;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Reference-model converter for vit-pytorch {@code scalable_vit.ScalableViT(**kwargs)}.
 *
 * <p>vit-pytorch's ScalableViT takes no image size: it is read from the description's {@code
 * image_size_hw}. Nor do its kwargs say which block order the weights were trained with (upstream
 * builds each block as {@code [SSA, FF, PEG, FF, IWSA]} and runs it in that order; the paper runs
 * IWSA before the second FF). The order comes from the description's data, first match wins:
 *
 * <ol>
 *   <li>a top-level {@code "block_order"} field, {@code "paper"} or {@code "upstream"};
 *   <li>the {@code "BLOCK ORDER:"} statement that opens the fixtures' {@code notes}: its first sentence
 *       names either the paper's order ({@code scalable_vit}: "generated with the ScalableViT paper's
 *       order ...", i.e. with a patched {@code forward}) or upstream's ({@code
 *       scalable_vit_upstream_order}: "generated with UNPATCHED upstream vit-pytorch ..."); a statement
 *       naming both or neither is rejected;
 *   <li>otherwise the description's entry point, unpatched upstream {@code ScalableViT}, decides:
 *       upstream's order ({@link ScalableViTConfig#upstreamBlockOrder()} = true), which is what a model
 *       trained with vit-pytorch ran.
 * </ol>
 */
public final class ScalableViTReferences {
  /** Opens the statement of the block order in a description's {@code notes}. */
  public static final String BLOCK_ORDER_NOTE = "BLOCK ORDER:";

  private ScalableViTReferences() {}

  /**
   * Our config for a description of a vit-pytorch ScalableViT: {@code constructor_kwargs}, the image
   * size from {@code image_size_hw}, and the block order by the rule in the class comment.
   */
  public static ScalableViTConfig vitPytorch(JsonNode description) {
    JsonNode hw = description.path("image_size_hw");
    if (!hw.isArray() || hw.size() != 2 || !hw.get(0).isIntegralNumber() || !hw.get(1).isIntegralNumber()) {
      throw new IllegalArgumentException("vit-pytorch ScalableViT takes no image size: the description needs image_size_hw [height, width], got " + hw);
    }
    return vitPytorch(description.get("constructor_kwargs"), hw.get(0).asInt(), hw.get(1).asInt(), upstreamOrder(description));
  }

  /** Whether a description selects vit-pytorch's ScalableViT block order (the rule in the class comment). */
  public static boolean upstreamOrder(JsonNode description) {
    JsonNode order = description.get("block_order");
    if (order != null && !order.isNull()) {
      return switch (order.asText()) {
        case "upstream" -> true;
        case "paper" -> false;
        default -> throw new IllegalArgumentException("block_order must be 'paper' or 'upstream', got " + order);
      };
    }
    String notes = description.path("notes").asText("");
    int at = notes.indexOf(BLOCK_ORDER_NOTE);
    if (at < 0) {
      return true;
    }
    String statement = notes.substring(at);
    int end = statement.indexOf(". ");
    statement = (end < 0 ? statement : statement.substring(0, end + 1)).toLowerCase(Locale.ROOT);
    boolean paper = statement.contains("paper");
    boolean upstream = statement.contains("upstream");
    if (paper == upstream) {
      throw new IllegalArgumentException("the notes' block-order statement must name either the paper's or upstream's order: "
          + notes.substring(at, at + statement.length()));
    }
    return upstream;
  }

  /** vit-pytorch {@code ScalableViT(**kwargs)} for images of {@code height x width}. */
  public static ScalableViTConfig vitPytorch(JsonNode kwargs, int height, int width, boolean upstreamBlockOrder) {
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
    return c;
  }

  private static List<Integer> optionalList(Kwargs k, String key, int stages) {
    return k.has(key) ? k.intList(key, stages) : List.of(32);
  }
}
