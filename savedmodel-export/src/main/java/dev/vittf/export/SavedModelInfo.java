package dev.vittf.export;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.SavedModel;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;
import org.tensorflow.proto.TensorShapeProto;

/**
 * What a SavedModel directory contains, read from {@code saved_model.pb} with the protobuf classes
 * only (no TensorFlow runtime): tag sets, signatures (inputs and outputs with dtype, shape and tensor
 * name), function call nodes marked for XLA, and the vit-tf export metadata if present.
 *
 * @param directory the version directory
 * @param savedModel the parsed proto
 * @param metadata {@code assets.extra/vittf.json}, or null
 */
public record SavedModelInfo(Path directory, SavedModel savedModel, JsonNode metadata) {

  /**
   * Reads a SavedModel directory.
   *
   * @throws IllegalArgumentException if there is no readable {@code saved_model.pb}
   */
  public static SavedModelInfo read(Path directory) {
    Path pb = directory.resolve("saved_model.pb");
    if (!Files.isRegularFile(pb)) {
      throw new IllegalArgumentException("not a SavedModel directory (no saved_model.pb): " + directory
          + (Files.isDirectory(directory) && VersionDirectories.latest(directory).isPresent()
              ? "; it holds versions, e.g. " + directory.resolve(Long.toString(VersionDirectories.latest(directory).getAsLong()))
              : ""));
    }
    SavedModel sm;
    try (InputStream in = Files.newInputStream(pb)) {
      sm = SavedModel.parseFrom(in);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("corrupt saved_model.pb in " + directory + ": " + e.getMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    JsonNode meta = null;
    Path metaFile = directory.resolve(ServingSignatures.EXTRA_DIR).resolve(ServingSignatures.METADATA_FILE);
    if (Files.isRegularFile(metaFile)) {
      try {
        meta = dev.vittf.core.StrictJson.mapper().readTree(metaFile.toFile());
      } catch (IOException e) {
        throw new IllegalArgumentException("corrupt " + metaFile + ": " + e.getMessage(), e);
      }
    }
    return new SavedModelInfo(directory, sm, meta);
  }

  /**
   * The directory to read for {@code path}: itself if it holds {@code saved_model.pb}, otherwise, for
   * a model base directory, its highest numeric version.
   */
  public static Path resolveVersion(Path path) {
    if (Files.isRegularFile(path.resolve("saved_model.pb"))) {
      return path;
    }
    if (!Files.exists(path)) {
      throw new IllegalArgumentException("no such directory: " + path);
    }
    java.util.OptionalLong latest = VersionDirectories.latest(path);
    if (latest.isPresent()) {
      return path.resolve(Long.toString(latest.getAsLong()));
    }
    throw new IllegalArgumentException("not a SavedModel directory (no saved_model.pb) and no version directories: " + path);
  }

  /** The meta graph tagged {@value ServingSignatures#SERVE_TAG}. */
  public MetaGraphDef serveGraph() {
    return savedModel.getMetaGraphsList().stream()
        .filter(m -> m.getMetaInfoDef().getTagsList().contains(ServingSignatures.SERVE_TAG))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException(directory + " has no meta graph tagged '" + ServingSignatures.SERVE_TAG + "'"));
  }

  /** Tag sets of all meta graphs. */
  public List<List<String>> tagSets() {
    return savedModel.getMetaGraphsList().stream().map(m -> List.copyOf(m.getMetaInfoDef().getTagsList())).toList();
  }

  /** Signatures of the serving meta graph, sorted by key. */
  public Map<String, SignatureDef> signatures() {
    return new TreeMap<>(serveGraph().getSignatureDefMap());
  }

  /** Names of the function-call nodes carrying {@code _XlaMustCompile=true}, with the function they call. */
  public Map<String, String> xlaCalls() {
    Map<String, String> out = new TreeMap<>();
    for (NodeDef n : serveGraph().getGraphDef().getNodeList()) {
      AttrValue must = n.getAttrMap().get("_XlaMustCompile");
      if (must != null && must.getB()) {
        AttrValue f = n.getAttrMap().get("f");
        out.put(n.getName(), f == null ? n.getOp() : f.getFunc().getName());
      }
    }
    return out;
  }

  /** Number of {@code VariableV2} nodes (one per parameter). */
  public long variableCount() {
    return serveGraph().getGraphDef().getNodeList().stream().filter(n -> n.getOp().equals("VariableV2")).count();
  }

  /** The shape as {@code saved_model_cli} prints it, e.g. {@code (-1, 32, 32, 3)}. */
  public static String shape(TensorShapeProto s) {
    if (s.getUnknownRank()) {
      return "unknown_rank";
    }
    String dims = s.getDimList().stream().map(d -> Long.toString(d.getSize())).collect(Collectors.joining(", "));
    return "(" + dims + (s.getDimCount() == 1 ? "," : "") + ")";
  }

  /** A report in the layout of {@code saved_model_cli show --all}, plus XLA and metadata lines. */
  public String format() {
    StringBuilder b = new StringBuilder();
    for (MetaGraphDef m : savedModel.getMetaGraphsList()) {
      b.append("MetaGraphDef with tag-set: '").append(String.join(", ", m.getMetaInfoDef().getTagsList()))
          .append("' contains the following SignatureDefs:\n");
      for (Map.Entry<String, SignatureDef> e : new TreeMap<>(m.getSignatureDefMap()).entrySet()) {
        b.append("\nsignature_def['").append(e.getKey()).append("']:\n");
        b.append("  The given SavedModel SignatureDef contains the following input(s):\n");
        tensors(b, "inputs", e.getValue().getInputsMap());
        b.append("  The given SavedModel SignatureDef contains the following output(s):\n");
        tensors(b, "outputs", e.getValue().getOutputsMap());
        b.append("  Method name is: ").append(e.getValue().getMethodName()).append('\n');
      }
    }
    b.append("\nVariables: ").append(variableCount()).append(" (restored from variables/ by the saver)\n");
    Map<String, String> xla = xlaCalls();
    b.append("XLA: ").append(xla.isEmpty() ? "not compiled at export (plain graph; XLA JIT possible at load time)"
        : "forward pass compiled by XLA (" + xla.entrySet().stream().map(x -> x.getKey() + " -> " + x.getValue())
            .collect(Collectors.joining(", ")) + ", _XlaMustCompile=true)").append('\n');
    if (metadata != null) {
      JsonNode cfg = metadata.path("config");
      b.append("vit-tf: architecture ").append(cfg.path("architecture").asText("?"))
          .append(", ").append(metadata.path("parameters").asLong()).append(" parameters, weights ")
          .append(metadata.path("weights").asText("?")).append('\n');
      JsonNode pre = metadata.path("preprocessing");
      b.append("preprocessing: mean ").append(pre.path("mean")).append(", std ").append(pre.path("std"))
          .append(" (").append(pre.path("scale").asText()).append(")\n");
    }
    return b.toString();
  }

  private static void tensors(StringBuilder b, String kind, Map<String, TensorInfo> map) {
    List<String> keys = new ArrayList<>(new TreeMap<>(map).keySet());
    for (String k : keys) {
      TensorInfo t = map.get(k);
      b.append("    ").append(kind).append("['").append(k).append("'] tensor_info:\n");
      b.append("        dtype: ").append(t.getDtype().name()).append('\n');
      b.append("        shape: ").append(shape(t.getTensorShape())).append('\n');
      b.append("        name: ").append(t.getName()).append('\n');
    }
  }
}
