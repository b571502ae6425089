package dev.vittf.io;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vittf.models.PatchModelBuilder;
import dev.vittf.models.Pool;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Typed access to a Python constructor's keyword arguments as stored in JSON ({@code null} for
 * {@code None}, arrays for tuples), remembering which keys were read so that unknown ones are
 * reported instead of silently ignored.
 */
public final class Kwargs {
  private final String owner;
  private final JsonNode node;
  private final Set<String> used = new HashSet<>();

  /** Wraps the {@code constructor_kwargs} object of {@code owner} (e.g. {@code vit-pytorch ViT}). */
  public Kwargs(String owner, JsonNode node) {
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException(owner + ": constructor_kwargs must be a JSON object");
    }
    this.owner = owner;
    this.node = node;
  }

  /** Whether the key is present (and not null). */
  public boolean has(String key) {
    used.add(key);
    return node.hasNonNull(key);
  }

  private JsonNode get(String key) {
    used.add(key);
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) {
      throw new IllegalArgumentException(owner + ": missing required argument '" + key + "'");
    }
    return v;
  }

  /** A required int. */
  public int integer(String key) {
    JsonNode v = get(key);
    if (!v.isIntegralNumber() || !v.canConvertToInt()) {
      throw new IllegalArgumentException(owner + ": argument '" + key + "' must be an int, got " + v);
    }
    return v.asInt();
  }

  /** An optional int. */
  public int integer(String key, int fallback) {
    return has(key) ? integer(key) : fallback;
  }

  /** An optional float. */
  public double number(String key, double fallback) {
    return optional(key, fallback, JsonNode::isNumber, "a number", JsonNode::asDouble);
  }

  /** An optional boolean. */
  public boolean bool(String key, boolean fallback) {
    return optional(key, fallback, JsonNode::isBoolean, "a boolean", JsonNode::asBoolean);
  }

  /** An optional string. */
  public String string(String key, String fallback) {
    return optional(key, fallback, JsonNode::isTextual, "a string", JsonNode::asText);
  }

  // The fallback when the key is absent or None; otherwise the value, which must be of the expected JSON type.
  private <T> T optional(String key, T fallback, Predicate<JsonNode> isType, String type, Function<JsonNode, T> read) {
    if (!has(key)) {
      return fallback;
    }
    JsonNode v = get(key);
    if (!isType.test(v)) {
      throw new IllegalArgumentException(owner + ": argument '" + key + "' must be " + type + ", got " + v);
    }
    return read.apply(v);
  }

  /** An int or an {@code (a, b)} pair, as {@code {a, b}} (an int {@code n} gives {@code {n, n}}). */
  public int[] pair(String key) {
    JsonNode v = get(key);
    if (v.isIntegralNumber()) {
      return new int[] {v.asInt(), v.asInt()};
    }
    if (v.isArray() && v.size() == 2 && v.get(0).isIntegralNumber() && v.get(1).isIntegralNumber()) {
      return new int[] {v.get(0).asInt(), v.get(1).asInt()};
    }
    throw new IllegalArgumentException(owner + ": argument '" + key + "' must be an int or a pair of ints, got " + v);
  }

  /**
   * A tuple of nullable ints, or a single value repeated {@code length} times ({@code null} entries
   * stay null: Python {@code None}).
   */
  public List<Integer> intList(String key, int length) {
    JsonNode v = get(key);
    List<Integer> out = new ArrayList<>();
    if (v.isArray()) {
      for (JsonNode e : v) {
        out.add(e.isNull() ? null : asInt(key, e));
      }
    } else {
      for (int i = 0; i < length; i++) {
        out.add(asInt(key, v));
      }
    }
    return out;
  }

  private int asInt(String key, JsonNode e) {
    if (!e.isIntegralNumber()) {
      throw new IllegalArgumentException(owner + ": argument '" + key + "' must hold ints, got " + e);
    }
    return e.asInt();
  }

  /**
   * vit-pytorch's {@code pool} argument ({@code 'cls'} or {@code 'mean'}, default {@code 'cls'}).
   *
   * @throws IllegalArgumentException for any other value
   */
  public Pool vitPytorchPool() {
    String pool = string("pool", "cls");
    if (!pool.equals("cls") && !pool.equals("mean")) {
      throw new IllegalArgumentException(owner + ": pool must be 'cls' or 'mean', got '" + pool + "'");
    }
    return pool.equals("cls") ? Pool.CLS : Pool.MEAN;
  }

  /**
   * Reads the arguments every vit-pytorch ViT-family constructor shares ({@code image_size}, {@code
   * patch_size}, {@code num_classes}, {@code dim}, {@code depth}, {@code heads}, {@code dim_head=64},
   * {@code mlp_dim}, {@code channels=3}, {@code dropout=0}, {@code emb_dropout=0}) into {@code builder}.
   *
   * @param rectangular whether the upstream constructor accepts {@code (height, width)} pairs for the
   *     image and patch sizes (vit.py, parallel_vit.py) or only ints (deepvit.py, cait.py)
   */
  public <B extends PatchModelBuilder<?, B>> B vitPytorchCommon(B builder, boolean rectangular) {
    int[] image = rectangular ? pair("image_size") : square("image_size");
    int[] patch = rectangular ? pair("patch_size") : square("patch_size");
    return builder
        .imageSize(image[0], image[1])
        .patchSize(patch[0], patch[1])
        .numClasses(integer("num_classes"))
        .dim(integer("dim"))
        .depth(integer("depth"))
        .heads(integer("heads"))
        .dimHead(integer("dim_head", 64))
        .mlpDim(integer("mlp_dim"))
        .channels(integer("channels", 3))
        .dropout(number("dropout", 0))
        .embDropout(number("emb_dropout", 0));
  }

  /**
   * Reads the arguments timm's ViT-family constructors share into {@code builder}: {@code pretrained}
   * (must be false), {@code img_size}, {@code patch_size}, {@code embed_dim}, {@code depth}, {@code
   * num_heads} (head width {@code embed_dim / num_heads}), {@code mlp_ratio=4}, {@code num_classes=1000},
   * {@code in_chans=3} and {@code attn_drop_rate=0} ({@code global_pool} is the caller's: the families
   * differ). The sizes are required unless {@code sizeDefaults} gives them (the defaults of a named timm
   * model function).
   *
   * @param sizeDefaults defaults of {@code img_size}, {@code patch_size}, {@code embed_dim}, {@code
   *     depth} and {@code num_heads}, or {@code null} if they are required
   */
  public <B extends PatchModelBuilder<?, B>> B timmCommon(B builder, int[] sizeDefaults) {
    bool("pretrained", false);
    boolean required = sizeDefaults == null;
    int[] image = required || has("img_size") ? pair("img_size") : new int[] {sizeDefaults[0], sizeDefaults[0]};
    int[] patch = required || has("patch_size") ? pair("patch_size") : new int[] {sizeDefaults[1], sizeDefaults[1]};
    int dim = required ? integer("embed_dim") : integer("embed_dim", sizeDefaults[2]);
    int depth = required ? integer("depth") : integer("depth", sizeDefaults[3]);
    int heads = required ? integer("num_heads") : integer("num_heads", sizeDefaults[4]);
    if (heads <= 0 || dim % heads != 0) {
      throw new IllegalArgumentException(owner + ": embed_dim " + dim + " must be divisible by num_heads " + heads);
    }
    return builder
        .imageSize(image[0], image[1])
        .patchSize(patch[0], patch[1])
        .numClasses(integer("num_classes", 1000))
        .channels(integer("in_chans", 3))
        .dim(dim)
        .depth(depth)
        .heads(heads)
        .dimHead(dim / heads)
        .mlpDim((int) (dim * number("mlp_ratio", 4.0)))
        .attnDropout(number("attn_drop_rate", 0));
  }

  /**
   * An optional string that must be one of {@code allowed} (the first is the default).
   *
   * @throws IllegalArgumentException naming the argument, the value and the supported values
   */
  public String choice(String key, String... allowed) {
    String v = string(key, allowed[0]);
    if (!List.of(allowed).contains(v)) {
      throw new IllegalArgumentException(owner + ": " + key + "='" + v + "' is not supported (supported: "
          + String.join(", ", allowed) + ")");
    }
    return v;
  }

  /**
   * An optional argument that this library supports only at its default value (it would change the
   * function otherwise).
   *
   * @throws IllegalArgumentException naming the argument and the value
   */
  public void onlyDefault(String key, Object fallback) {
    if (!has(key)) {
      return;
    }
    JsonNode v = get(key);
    boolean same = fallback instanceof Boolean b ? v.isBoolean() && v.asBoolean() == b
        : fallback instanceof Number n ? v.isNumber() && v.asDouble() == n.doubleValue()
        : v.isTextual() && v.asText().equals(fallback);
    if (!same) {
      throw new IllegalArgumentException(owner + ": argument '" + key + "'=" + v + " is not supported (only "
          + fallback + ")");
    }
  }

  /** The owner named in error messages. */
  public String owner() {
    return owner;
  }

  private int[] square(String key) {
    int v = integer(key);
    return new int[] {v, v};
  }

  /** Fails if any key was never read. */
  public void finish() {
    List<String> unknown = new ArrayList<>();
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!used.contains(k)) {
        unknown.add(k);
      }
    }
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException(owner + ": unsupported arguments " + unknown);
    }
  }
}
