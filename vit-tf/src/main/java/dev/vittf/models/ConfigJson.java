package dev.vittf.models;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import dev.vittf.core.StrictJson;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vittf.arch.Architectures;
import dev.vittf.core.InvalidConfigException;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON form of model configs: a JSON object with an {@code architecture} discriminator and one field
 * per record component of the config type registered for that architecture, e.g.
 *
 * <pre>{@code {"architecture": "vit", "imageHeight": 32, "imageWidth": 32, "patchHeight": 8, ...}}</pre>
 *
 * <p>Reading is strict: an unknown architecture, an unknown or missing field and a value of the wrong
 * type are reported as {@link ConfigJsonException} (naming the field); a config that parses but breaks
 * a rule fails with the record's own {@link InvalidConfigException}. Instead of listing every field,
 * a document can start from a preset and override some fields: {@code {"preset": "vit-tiny",
 * "numClasses": 100}} (an {@code architecture} given alongside must match the preset's).
 *
 * <p>Configs must be records implementing {@link ModelConfig}; the architecture names and their record
 * types come from the descriptors in {@link Architectures}.
 */
public final class ConfigJson {
  /** Name of the discriminator field. */
  public static final String ARCHITECTURE = "architecture";
  /** Name of the optional field naming a preset to start from. */
  public static final String PRESET = "preset";

  private static final ObjectMapper JSON =
      StrictJson.builder() // duplicate keys are errors, not "the last one wins"
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
          .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
          .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
          .enable(SerializationFeature.INDENT_OUTPUT)
          .build();

  private ConfigJson() {}

  /** Registered architecture names, in registration order. */
  public static List<String> architectures() {
    return Architectures.names();
  }

  /**
   * The config record type of an architecture.
   *
   * @throws ConfigJsonException naming the known architectures if there is none
   */
  public static Class<? extends ModelConfig> configType(String architecture) {
    return Architectures.find(architecture).orElseThrow(() -> new ConfigJsonException(
        "unknown architecture '" + architecture + "'; known: " + String.join(", ", Architectures.names()))).configType();
  }

  /** The JSON tree of a config: the discriminator first, then its fields in order (groups inline). */
  public static ObjectNode toTree(ModelConfig config) {
    Class<?> type = config.getClass();
    if (!type.isRecord()) {
      throw new IllegalArgumentException(type.getName() + " is not a record");
    }
    Class<? extends ModelConfig> registered = configType(config.architecture());
    if (registered != type) {
      throw new IllegalArgumentException(
          "architecture '" + config.architecture() + "' is registered as " + registered.getName() + ", not " + type.getName());
    }
    ObjectNode node = JSON.createObjectNode();
    node.put(ARCHITECTURE, config.architecture());
    Records.values(config).forEach((name, value) -> node.set(name, JSON.valueToTree(value)));
    return node;
  }

  /** Pretty-printed JSON of a config. */
  public static String toJson(ModelConfig config) {
    try {
      return JSON.writeValueAsString(toTree(config));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Parses a JSON document.
   *
   * @throws ConfigJsonException if it is not valid JSON or does not describe a config
   * @throws InvalidConfigException if the config breaks a rule
   */
  public static ModelConfig fromJson(String json) {
    JsonNode tree;
    try {
      tree = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new ConfigJsonException("malformed JSON: " + e.getOriginalMessage()
          + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")"));
    }
    return fromTree(tree);
  }

  /** Reads a config JSON file (see {@link #fromJson(String)}). */
  public static ModelConfig read(Path file) throws IOException {
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new NoSuchFileException(file.toString(), null, "config file not found");
    }
    try {
      return fromJson(text);
    } catch (ConfigJsonException e) {
      throw new ConfigJsonException(file + ": " + e.getMessage());
    }
  }

  /** Writes a config as JSON (UTF-8, pretty-printed), atomically ({@link dev.vittf.core.AtomicFiles}). */
  public static void write(Path file, ModelConfig config) throws IOException {
    dev.vittf.core.AtomicFiles.writeString(file, toJson(config) + "\n");
  }

  /**
   * Builds a config from a JSON tree (see the class documentation).
   *
   * @throws ConfigJsonException if the tree does not describe a config
   * @throws InvalidConfigException if the config breaks a rule
   */
  public static ModelConfig fromTree(JsonNode tree) {
    if (tree == null || !tree.isObject()) {
      throw new ConfigJsonException("a config must be a JSON object, got " + (tree == null ? "nothing" : tree.getNodeType()));
    }
    ObjectNode fields = ((ObjectNode) tree).deepCopy();
    JsonNode preset = fields.remove(PRESET);
    JsonNode arch = fields.remove(ARCHITECTURE);
    if (arch != null && !arch.isTextual()) {
      throw new ConfigJsonException("field '" + ARCHITECTURE + "' must be a string, got " + arch);
    }
    if (preset != null) {
      if (!preset.isTextual()) {
        throw new ConfigJsonException("field '" + PRESET + "' must be a string, got " + preset);
      }
      ModelConfig base;
      try {
        base = Presets.get(preset.asText());
      } catch (IllegalArgumentException e) {
        throw new ConfigJsonException(e.getMessage());
      }
      if (arch != null && !arch.asText().equals(base.architecture())) {
        throw new ConfigJsonException("preset '" + preset.asText() + "' is a '" + base.architecture()
            + "' model but the document says architecture '" + arch.asText() + "'");
      }
      return override(base, fields);
    }
    if (arch == null) {
      throw new ConfigJsonException("missing field '" + ARCHITECTURE + "' (one of " + String.join(", ", Architectures.names())
          + "), or '" + PRESET + "' to start from a preset");
    }
    return build(configType(arch.asText()), arch.asText(), fields, false);
  }

  /**
   * A copy of {@code base} with some fields replaced, e.g. {@code {"numClasses": 100}}. The result is
   * validated like any config.
   *
   * @throws ConfigJsonException for unknown fields or values of the wrong type
   * @throws InvalidConfigException if the result breaks a rule
   */
  public static ModelConfig override(ModelConfig base, ObjectNode overrides) {
    ObjectNode merged = toTree(base);
    merged.remove(ARCHITECTURE);
    List<String> unknown = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = overrides.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getKey().equals(ARCHITECTURE)) {
        if (!e.getValue().asText().equals(base.architecture())) {
          throw new ConfigJsonException("cannot change architecture '" + base.architecture() + "' to '" + e.getValue().asText() + "'");
        }
        continue;
      }
      if (!merged.has(e.getKey())) {
        unknown.add(e.getKey());
      }
      merged.set(e.getKey(), e.getValue());
    }
    if (!unknown.isEmpty()) {
      throw unknownFields(base.architecture(), base.getClass(), unknown);
    }
    return build(base.getClass(), base.architecture(), merged, true);
  }

  private static ModelConfig build(Class<? extends ModelConfig> type, String arch, ObjectNode fields, boolean complete) {
    List<RecordComponent> components = Records.fields(type);
    List<String> known = Records.names(type);
    List<String> unknown = new ArrayList<>();
    fields.fieldNames().forEachRemaining(n -> {
      if (!known.contains(n)) {
        unknown.add(n);
      }
    });
    if (!unknown.isEmpty()) {
      throw unknownFields(arch, type, unknown);
    }
    List<String> missing = known.stream().filter(n -> !fields.has(n)).toList();
    if (!missing.isEmpty() && !complete) {
      throw new ConfigJsonException("config for architecture '" + arch + "' is missing " + (missing.size() == 1 ? "field " : "fields ")
          + String.join(", ", missing) + " (or start from a preset with \"" + PRESET + "\")");
    }
    Map<String, Object> values = new LinkedHashMap<>();
    for (RecordComponent rc : components) {
      JavaType jt = JSON.getTypeFactory().constructType(rc.getGenericType());
      JsonNode value = fields.get(rc.getName());
      Object v;
      try {
        v = JSON.treeToValue(value, jt);
      } catch (JsonProcessingException | IllegalArgumentException e) {
        throw new ConfigJsonException("field '" + rc.getName() + "' of architecture '" + arch + "': cannot read " + value
            + " as " + describe(rc) + allowedValues(rc.getType()));
      }
      if (v == null && rc.getType().isPrimitive()) {
        throw new ConfigJsonException("field '" + rc.getName() + "' of architecture '" + arch + "' must not be null");
      }
      values.put(rc.getName(), v);
    }
    return Records.construct(type, values);
  }

  private static ConfigJsonException unknownFields(String arch, Class<?> type, List<String> unknown) {
    List<String> known = Records.names(type);
    return new ConfigJsonException("unknown " + (unknown.size() == 1 ? "field " : "fields ") + String.join(", ", unknown)
        + " for architecture '" + arch + "'; known: " + String.join(", ", known));
  }

  private static String describe(RecordComponent rc) {
    return rc.getGenericType().getTypeName().replaceAll("[a-z]+(\\.[a-z0-9]+)*\\.", "");
  }

  private static String allowedValues(Class<?> type) {
    if (!type.isEnum()) {
      return "";
    }
    List<String> names = new ArrayList<>();
    for (Object c : type.getEnumConstants()) {
      names.add(((Enum<?>) c).name());
    }
    return " (one of " + String.join(", ", names) + ")";
  }
}
