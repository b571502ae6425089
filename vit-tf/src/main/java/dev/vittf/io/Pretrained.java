package dev.vittf.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vittf.arch.Architectures;
import dev.vittf.core.HostTensor;
import dev.vittf.models.ConfigJson;
import dev.vittf.models.ModelConfig;
import dev.vittf.models.ModelParameters;
import dev.vittf.models.VitModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A model-hub snapshot folder opened as a model: the format is detected from {@code config.json}
 * (transformers {@code model_type}, timm {@code architecture}, or this project's torchvision description
 * with {@code library: torchvision}), the weights are read from {@code model.safetensors} or {@code
 * pytorch_model.bin} (any other single {@code .safetensors}/{@code .bin}/{@code .pth}/{@code .pt}), strictly
 * through the architecture's declared table for the source, and the labels come from {@code id2label},
 * {@code label_names} (timm, torchvision) or a {@code labels.txt}. The preprocessing description is
 * carried as the raw JSON it was read from ({@link #preprocessing()}): {@code preprocessor_config.json},
 * timm's {@code pretrained_cfg}, or the torchvision {@code preprocessing} block.
 *
 * <pre>{@code
 * Pretrained p = Pretrained.load(Path.of("vit-base-patch16-224"));
 * try (VitModel model = p.model()) { HostTensor logits = model.predict(pixels); }
 * }</pre>
 *
 * @param folder the folder
 * @param format the detected format
 * @param modelClass the upstream model class or name: {@code ViTForImageClassification}, {@code vit_base_patch16_224}, ...
 * @param config our config
 * @param source the checkpoint's naming and layout
 * @param checkpoint the weights file read
 * @param weights the weights under our names and layouts (checked strictly against the config)
 * @param labels the class labels, indexed by logit (empty if the folder names none; a pooler has none)
 * @param preprocessing the preprocessing description as read, unchanged: {@code preprocessor_config.json}
 *     (transformers), {@code pretrained_cfg} (timm) or the torchvision {@code preprocessing} block; {@code null} if none
 * @param preprocessingOrigin where {@link #preprocessing()} came from, or {@code null}
 */
public record Pretrained(Path folder, Format format, String modelClass, ModelConfig config, CheckpointSource source,
    Path checkpoint, Map<String, HostTensor> weights, List<String> labels, JsonNode preprocessing, String preprocessingOrigin) {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> WEIGHT_FILES = List.of("model.safetensors", "pytorch_model.bin");
  /** The timm model-name families this loader builds, with their reference family. */
  private static final Map<String, String> TIMM_PREFIXES = Map.of("vit_", "timm_vit", "deit_", "timm_vit", "cait_", "timm_cait");
  private static final Pattern TIMM_VIT_NAME =
      Pattern.compile("(?:vit|deit)_(tiny|small|base|large|huge)_(?:distilled_)?patch(\\d+)_(?:[a-z0-9_]*?)?(\\d{2,3})(?:_.*)?");

  /** The checkpoint layouts this loader detects. */
  public enum Format {
    /** Hugging Face transformers ({@code config.json} with {@code model_type}). */
    TRANSFORMERS,
    /** timm hub folder ({@code config.json} with {@code architecture}, {@code model_args}, {@code pretrained_cfg}). */
    TIMM,
    /** torchvision {@code VisionTransformer} ({@code config.json} with {@code library: torchvision}). */
    TORCHVISION
  }

  /** Checks the parts and copies the labels. */
  public Pretrained {
    Objects.requireNonNull(folder, "folder");
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(weights, "weights");
    labels = List.copyOf(labels);
  }

  /**
   * Opens a hub folder at the checkpoint's own image size.
   *
   * @throws IOException if a file cannot be read, or the checkpoint is malformed or refused
   * @throws IllegalArgumentException for an unknown {@code model_type} / {@code architecture} (naming it and
   *     listing the supported ones), an unsupported setting, or a config.json that contradicts the weights
   *     (naming both)
   */
  public static Pretrained load(Path folder) throws IOException {
    return load(folder, 0, 0);
  }

  /**
   * Opens a hub folder to run at {@code height x width} instead of the checkpoint's image size: the
   * position embedding is resampled as timm's {@code resample_abs_pos_embed} does (logged). {@code 0, 0}
   * keeps the checkpoint's size.
   */
  public static Pretrained load(Path folder, int height, int width) throws IOException {
    Path configFile = folder.resolve("config.json");
    if (!Files.isRegularFile(configFile)) {
      throw new IOException(folder + ": no config.json (a hub snapshot folder has config.json beside its weights)");
    }
    JsonNode cfg = JSON.readTree(configFile.toFile());
    if (!cfg.isObject()) {
      throw new IllegalArgumentException(configFile + ": not a JSON object");
    }
    Path weightsFile = weightsFile(folder);
    Map<String, HostTensor> raw = Checkpoints.tensors(weightsFile);
    Format format;
    String family;
    String modelClass;
    JsonNode description;
    List<String> labels;
    JsonNode pre = null;
    String origin = null;
    if (cfg.has("model_type")) {
      format = Format.TRANSFORMERS;
      family = "hf_vit";
      description = cfg;
      JsonNode archs = cfg.path("architectures");
      modelClass = archs.isArray() && archs.size() > 0 ? archs.get(0).asText() : cfg.path("model_type").asText();
      raw = stripPrefix(raw, cfg.path("model_type").asText() + ".");
      labels = id2label(cfg.path("id2label"));
      Path pp = folder.resolve("preprocessor_config.json");
      if (Files.isRegularFile(pp)) {
        pre = JSON.readTree(pp.toFile());
        origin = "preprocessor_config.json";
      }
    } else if (cfg.has("architecture")) {
      format = Format.TIMM;
      modelClass = cfg.path("architecture").asText();
      description = timmKwargs(cfg, modelClass);
      family = timmFamily(modelClass, description);
      labels = strings(cfg.has("label_names") ? cfg.get("label_names") : cfg.path("pretrained_cfg").path("label_names"));
      if (cfg.has("pretrained_cfg")) {
        pre = cfg.get("pretrained_cfg");
        origin = "config.json pretrained_cfg";
      }
    } else if ("torchvision".equals(cfg.path("library").asText())) {
      format = Format.TORCHVISION;
      modelClass = cfg.path("class").asText("torchvision.models.vision_transformer.VisionTransformer");
      if (!modelClass.endsWith("VisionTransformer")) {
        throw new IllegalArgumentException(configFile + ": torchvision class '" + modelClass
            + "' is not supported (supported: torchvision.models.vision_transformer.VisionTransformer)");
      }
      family = "torchvision_vit";
      description = cfg.path("constructor_kwargs");
      labels = strings(cfg.path("label_names"));
      if (cfg.has("preprocessing")) {
        pre = cfg.get("preprocessing");
        origin = "config.json preprocessing";
      }
    } else {
      throw new IllegalArgumentException(configFile + ": unknown format: neither model_type (transformers: vit, deit),"
          + " architecture (timm: vit_*, deit_*, cait_*) nor library 'torchvision'");
    }
    if (labels.isEmpty() && Files.isRegularFile(folder.resolve("labels.txt"))) {
      labels = Files.readAllLines(folder.resolve("labels.txt")).stream().map(String::strip).filter(l -> !l.isEmpty()).toList();
    }
    // the descriptor registry knows each source's converter and table (families hf_vit, timm_*, torchvision_vit)
    ObjectNode d = JSON.createObjectNode();
    d.put("family", family);
    d.set("constructor_kwargs", description);
    d.put("distilled", format == Format.TIMM && modelClass.contains("_distilled_"));
    ReferenceModels.ReferenceModel ref = ReferenceModels.fromJson(d);
    ModelConfig config = ref.config();
    CheckpointSource source = ref.source();
    boolean resample = height > 0 || width > 0;
    if (resample) {
      ObjectNode tree = ConfigJson.toTree(config);
      tree.put("imageHeight", height).put("imageWidth", width);
      config = ConfigJson.fromTree(tree);
    }
    Map<String, HostTensor> ours;
    try {
      ours = Checkpoints.convert(raw, config, source, ModelParameters.of(config), resample);
    } catch (CheckpointMismatchException e) {
      if (e.misshaped().isEmpty()) {
        throw e;
      }
      throw new IllegalArgumentException(configFile + " contradicts " + weightsFile.getFileName() + ": the config gives "
          + summary(config) + ", but " + String.join("; ", e.misshaped()), e);
    }
    if (!labels.isEmpty() && labels.size() != config.numClasses() && !isPooler(config)) {
      throw new IllegalArgumentException(configFile + ": " + labels.size() + " labels, but the head of "
          + weightsFile.getFileName() + " has " + config.numClasses() + " outputs");
    }
    return new Pretrained(folder, format, modelClass, config, source, weightsFile, ours, labels, pre, origin);
  }

  private static boolean isPooler(ModelConfig c) {
    return c instanceof dev.vittf.arch.vit.ViTConfig v && v.tanhHead();
  }

  private static String summary(ModelConfig c) {
    if (c instanceof dev.vittf.models.PatchTransformerConfig p) {
      return "width " + p.dim() + ", depth " + p.depth() + ", " + p.heads() + " heads, MLP " + p.mlpDim() + ", "
          + p.numClasses() + " classes, image " + p.imageHeight() + "x" + p.imageWidth() + ", patch " + p.patchHeight();
    }
    return c.toString();
  }

  private static Path weightsFile(Path folder) throws IOException {
    for (String name : WEIGHT_FILES) {
      if (Files.isRegularFile(folder.resolve(name))) {
        return folder.resolve(name);
      }
    }
    List<Path> candidates = new ArrayList<>();
    try (var s = Files.list(folder)) {
      s.filter(p -> p.getFileName().toString().matches(".*\\.(safetensors|bin|pth|pt)")
          && !p.getFileName().toString().startsWith("expected.")).forEach(candidates::add);
    }
    if (candidates.size() != 1) {
      throw new IOException(folder + ": " + (candidates.isEmpty() ? "no weights file" : "several weights files " + candidates)
          + " (expected model.safetensors or pytorch_model.bin)");
    }
    return candidates.get(0);
  }

  // transformers' base-model prefix (vit., deit.), stripped from every key that has it, as from_pretrained does.
  private static Map<String, HostTensor> stripPrefix(Map<String, HostTensor> raw, String prefix) {
    Map<String, HostTensor> out = new LinkedHashMap<>();
    raw.forEach((k, v) -> out.put(k.startsWith(prefix) ? k.substring(prefix.length()) : k, v));
    return out;
  }

  private static List<String> id2label(JsonNode node) {
    if (!node.isObject()) {
      return List.of();
    }
    TreeMap<Integer, String> byId = new TreeMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      try {
        byId.put(Integer.parseInt(e.getKey()), e.getValue().asText());
      } catch (NumberFormatException ex) {
        throw new IllegalArgumentException("config.json: id2label key '" + e.getKey() + "' is not an integer");
      }
    }
    if (!byId.isEmpty() && (byId.firstKey() != 0 || byId.lastKey() != byId.size() - 1)) {
      throw new IllegalArgumentException("config.json: id2label ids must be 0.." + (byId.size() - 1) + ", got " + byId.keySet());
    }
    return new ArrayList<>(byId.values());
  }

  private static List<String> strings(JsonNode node) {
    List<String> out = new ArrayList<>();
    if (node.isArray()) {
      node.forEach(n -> out.add(n.asText()));
    }
    return out;
  }

  /**
   * The timm constructor kwargs of a hub config: the sizes its model name implies ({@code
   * vit_base_patch16_224}: 768 wide, 12 deep, 12 heads, patch 16, 224), overridden by {@code model_args},
   * plus {@code num_classes} and {@code global_pool} from the config.
   */
  private static ObjectNode timmKwargs(JsonNode cfg, String architecture) {
    ObjectNode k = JSON.createObjectNode();
    Matcher m = TIMM_VIT_NAME.matcher(architecture);
    if (m.matches()) {
      int[] size = switch (m.group(1)) {
        case "tiny" -> new int[] {192, 12, 3};
        case "small" -> new int[] {384, 12, 6};
        case "base" -> new int[] {768, 12, 12};
        case "large" -> new int[] {1024, 24, 16};
        default -> new int[] {1280, 32, 16};
      };
      k.put("embed_dim", size[0]).put("depth", size[1]).put("num_heads", size[2]);
      k.put("patch_size", Integer.parseInt(m.group(2))).put("img_size", Integer.parseInt(m.group(3)));
    }
    if (cfg.has("num_classes")) {
      k.set("num_classes", cfg.get("num_classes"));
    }
    if (cfg.has("global_pool")) {
      k.set("global_pool", cfg.get("global_pool"));
    }
    if (cfg.path("model_args").isObject()) {
      k.setAll((ObjectNode) cfg.get("model_args"));
    }
    return k;
  }

  private static String timmFamily(String architecture, JsonNode kwargs) {
    if (architecture.contains("18x2") || kwargs.has("block_fn")) {
      return "timm_parallel_vit";
    }
    for (Map.Entry<String, String> e : TIMM_PREFIXES.entrySet()) {
      if (architecture.startsWith(e.getKey())) {
        return e.getValue();
      }
    }
    throw new IllegalArgumentException("config.json: timm architecture '" + architecture + "' is not supported (supported: "
        + "vit_*, deit_* (including *_distilled_*), cait_*, vit_*_18x2_*; reference families "
        + String.join(", ", Architectures.referenceFamilies()) + ")");
  }

  /**
   * The upstream output names and the tapped outputs of our model that hold them: {@code logits} for a
   * classifier (plus {@code cls_logits}, {@code distillation_logits} of a distilled DeiT); {@code
   * last_hidden_state} ({@code tokens}) and {@code pooler_output} ({@code logits}) for a {@code ViTModel}.
   */
  public Map<String, String> outputs() {
    Map<String, String> out = new LinkedHashMap<>();
    if (isPooler(config)) {
      out.put("last_hidden_state", "tokens");
      out.put("pooler_output", "logits");
      return out;
    }
    out.put("logits", "logits");
    if (config instanceof dev.vittf.arch.vit.ViTConfig v && v.distillationToken()) {
      out.put("cls_logits", dev.vittf.arch.vit.VisionTransformer.CLS_LOGITS);
      out.put("distillation_logits", dev.vittf.arch.vit.VisionTransformer.DISTILLATION_LOGITS);
    }
    return out;
  }

  /** Builds an inference model holding these weights (no random initialiser); the caller closes it. */
  public VitModel model() {
    return VitModel.create(config, weights);
  }

  /** A new inference model holding these weights, built with {@code options} (e.g. a bf16 precision). */
  public VitModel model(VitModel.Options options) {
    return VitModel.create(config, weights, options);
  }

  /** The parameter count. */
  public long parameterCount() {
    return ModelParameters.count(config);
  }

  /** What {@code vit-tf inspect} prints: format, class, architecture, config, parameters, labels, preprocessing. */
  public String describe() {
    StringBuilder b = new StringBuilder();
    b.append("folder:        ").append(folder).append('\n');
    b.append("format:        ").append(format).append(" (").append(modelClass).append(")\n");
    b.append("weights:       ").append(checkpoint.getFileName()).append(" (").append(source).append(" names, ")
        .append(weights.size()).append(" tensors)\n");
    b.append("architecture:  ").append(config.architecture()).append('\n');
    b.append("config:        ").append(ConfigJson.toJson(config).replaceAll("\\s+", " ")).append('\n');
    b.append("parameters:    ").append(String.format(java.util.Locale.ROOT, "%,d", parameterCount())).append('\n');
    b.append("outputs:       ").append(outputs()).append('\n');
    b.append("labels:        ").append(labels.size())
        .append(labels.isEmpty() ? "" : " (" + String.join(", ", labels.subList(0, Math.min(5, labels.size())))
            + (labels.size() > 5 ? ", ..." : "") + ")").append('\n');
    b.append("preprocessing: ").append(preprocessing == null ? "none in the folder"
        : preprocessingOrigin + " " + preprocessing.toString()).append('\n');
    return b.toString();
  }
}
