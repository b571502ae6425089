package dev.vittf.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vittf.core.HostTensor;
import dev.vittf.core.ParameterSpec;
import dev.vittf.arch.Architectures;
import dev.vittf.models.ConfigJson;
import dev.vittf.models.ModelConfig;
import dev.vittf.models.ModelParameters;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The starting point of a fine-tuning run: a pretrained checkpoint fitted to a new model for the data's
 * classes (and, optionally, another image size). Every tensor whose shape fits is loaded; what is not
 * loaded is listed with the reason; the classification head is re-initialised for the data's classes unless
 * it is kept on request (then it must fit).
 *
 * <p>Three kinds of checkpoint: a model-hub folder ({@link Pretrained}: transformers, timm, torchvision), one of
 * our {@code model.safetensors} (config, labels and preprocessing in its metadata), or a single {@code .bin} /
 * {@code .safetensors} of a foreign source (vit-pytorch, timm, transformers, torchvision, told apart by the
 * names) for a config the caller gives. At another image size the position embedding is resampled as timm's
 * {@code resample_abs_pos_embed} does.
 *
 * @param checkpoint the checkpoint path
 * @param description what was found, for logs (format, source, architecture)
 * @param config the model to train: the checkpoint's (or the caller's) with the data's classes and image size
 * @param weights the tensors that fit, under our names
 * @param notLoaded our parameters that start from their initialiser, each with the reason
 * @param unused checkpoint tensors not used
 * @param labels the checkpoint's own labels (empty if it has none)
 * @param preprocessing the checkpoint's eval preprocessing as JSON (one of the forms {@code
 *     ImagePipeline.fromJson} reads), or null if it declares none
 */
public record WarmStart(Path checkpoint, String description, ModelConfig config, Map<String, HostTensor> weights,
    List<String> notLoaded, List<String> unused, List<String> labels, String preprocessing) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Copies the collections. */
  public WarmStart {
    weights = Map.copyOf(weights);
    notLoaded = List.copyOf(notLoaded);
    unused = List.copyOf(unused);
    labels = List.copyOf(labels);
  }

  /**
   * What the run asks for.
   *
   * @param model the model to fine-tune, or null to take the checkpoint's config (a hub folder or one of ours)
   * @param numClasses the data's classes
   * @param imageSize a square input size to fine-tune at, 0 for the checkpoint's (or {@code model}'s)
   * @param keepHead keep the checkpoint's head (it must fit {@code numClasses}) instead of re-initialising it
   */
  public record Request(ModelConfig model, int numClasses, int imageSize, boolean keepHead) {}

  /**
   * Reads a checkpoint and fits it to the request.
   *
   * @throws IOException if a file cannot be read
   * @throws CheckpointMismatchException if the checkpoint is of another architecture than {@code request.model},
   *     nothing in it fits, or the kept head does not fit
   * @throws IllegalArgumentException if a single foreign file comes without a model
   */
  public static WarmStart prepare(Path checkpoint, Request request) throws IOException {
    Map<String, HostTensor> ours;
    ModelConfig source;
    List<String> labels;
    String preprocessing;
    String description;
    Map<String, HostTensor> foreign = null;
    if (Files.isDirectory(checkpoint)) {
      Pretrained p = Pretrained.load(checkpoint);
      source = p.config();
      ours = p.weights();
      labels = p.labels();
      preprocessing = preprocessingJson(p);
      description = p.format() + " folder (" + p.modelClass() + ", " + p.checkpoint().getFileName() + ")";
    } else {
      Map<String, String> meta = TorchCheckpoint.isTorchFile(checkpoint) ? Map.of() : SafeTensors.read(checkpoint).metadata();
      Map<String, HostTensor> raw = Checkpoints.tensors(checkpoint);
      if ("vit-tf".equals(meta.get("format"))) {
        String cfg = meta.get("config");
        if (cfg == null && request.model() == null) {
          throw new IllegalArgumentException(checkpoint + ": our weights without a 'config' in the metadata; give the model (--preset or --config)");
        }
        source = cfg != null ? ConfigJson.fromJson(cfg) : request.model();
        String arch = meta.get("architecture");
        if (cfg == null && arch != null && !arch.equals(source.architecture())) {
          throw mismatch(checkpoint, "the checkpoint is a '" + arch + "' model, not '" + source.architecture() + "'");
        }
        ours = raw;
        labels = Checkpoints.labels(checkpoint);
        preprocessing = meta.get(Checkpoints.PREPROCESSING);
        description = "vit-tf weights (" + source.architecture() + ")";
      } else {
        if (request.model() == null) {
          throw new IllegalArgumentException(checkpoint + ": a single foreign weights file has no config; give the model (--preset or --config)");
        }
        source = null;
        ours = null;
        foreign = raw;
        labels = List.of();
        preprocessing = null;
        description = "state dict";
      }
    }
    if (request.model() != null && source != null && !request.model().architecture().equals(source.architecture())) {
      throw mismatch(checkpoint, "the checkpoint is a '" + source.architecture() + "' model, but a '" + request.model().architecture()
          + "' model was asked for");
    }
    ModelConfig target = target(request.model() != null ? request.model() : source, request);
    List<ParameterSpec> params = ModelParameters.of(target);
    Map<String, HostTensor> loaded = new LinkedHashMap<>();
    List<String> notes = new ArrayList<>();
    List<String> unused = new ArrayList<>();
    if (foreign != null) {
      CheckpointMapping.Partial best = null;
      CheckpointSource bestSource = null;
      for (CheckpointSource s : Architectures.of(target).checkpointSources()) {
        CheckpointMapping.Partial p;
        try {
          p = Checkpoints.mapping(target, s).partial(foreign, params, request.imageSize() > 0);
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
          continue; // this source's layout does not fit the config's options
        }
        if (best == null || p.loaded().size() > best.loaded().size()) {
          best = p;
          bestSource = s;
        }
      }
      if (best == null || best.loaded().isEmpty()) {
        throw mismatch(checkpoint, "none of its " + foreign.size() + " tensors fits a '" + target.architecture()
            + "' model under any known naming (" + Architectures.of(target).checkpointSources() + "); is it a checkpoint of another architecture?");
      }
      loaded.putAll(best.loaded());
      best.misshaped().forEach(m -> notes.add(m));
      best.missing().forEach(m -> notes.add(m + " is not in the checkpoint"));
      unused.addAll(best.unexpected());
      description = bestSource.name().toLowerCase(java.util.Locale.ROOT) + " " + description;
    } else {
      Map<String, HostTensor> fitted = request.imageSize() > 0 ? resampled(ours, source, target) : ours;
      Map<String, long[]> shapes = new LinkedHashMap<>();
      params.forEach(p -> shapes.put(p.name(), p.shape()));
      for (ParameterSpec p : params) {
        HostTensor t = fitted.get(p.name());
        if (t == null) {
          notes.add(p.name() + " is not in the checkpoint");
        } else if (!Arrays.equals(t.shape(), p.shape())) {
          notes.add(p.name() + " has " + Arrays.toString(t.shape()) + " in the checkpoint, the model needs " + Arrays.toString(p.shape()));
        } else {
          loaded.put(p.name(), t);
        }
      }
      fitted.keySet().stream().filter(n -> !shapes.containsKey(n)).forEach(unused::add);
    }
    // The head: re-initialised for the data's classes, or kept (then it must have been loaded).
    List<String> heads = params.stream().map(ParameterSpec::name).filter(WarmStart::isHead).toList();
    if (request.keepHead()) {
      List<String> missingHead = heads.stream().filter(h -> !loaded.containsKey(h)).toList();
      if (!missingHead.isEmpty()) {
        throw mismatch(checkpoint, "--keep-head: the checkpoint's head does not fit " + request.numClasses() + " classes: "
            + notes.stream().filter(n -> missingHead.stream().anyMatch(n::contains) || n.contains("head")).toList());
      }
    } else {
      for (String h : heads) {
        loaded.remove(h);
      }
      notes.removeIf(n -> heads.stream().anyMatch(h -> n.startsWith(h + " ") || n.contains("(for " + h + ")")));
      heads.forEach(h -> notes.add(h + " re-initialised for the data's " + request.numClasses() + " classes"));
    }
    long bodyLoaded = loaded.keySet().stream().filter(n -> !isHead(n)).count();
    if (bodyLoaded == 0) {
      throw mismatch(checkpoint, "no tensor of the checkpoint fits the '" + target.architecture() + "' model; is it a checkpoint of another architecture?");
    }
    List<String> notLoaded = new ArrayList<>(notes);
    return new WarmStart(checkpoint, description, target, loaded, notLoaded, unused, labels, preprocessing);
  }

  private static boolean isHead(String parameter) {
    return parameter.startsWith("head/") || parameter.startsWith("head_dist/");
  }

  private static CheckpointMismatchException mismatch(Path checkpoint, String why) {
    return new CheckpointMismatchException(checkpoint + ": " + why);
  }

  /** The model to train: {@code base} with the data's classes and, if asked, another square image size. */
  static ModelConfig target(ModelConfig base, Request request) {
    ObjectNode o = JSON.createObjectNode();
    o.put("numClasses", request.numClasses());
    if (request.imageSize() > 0) {
      o.put("imageHeight", request.imageSize());
      o.put("imageWidth", request.imageSize());
    }
    return ConfigJson.override(base, o);
  }

  /**
   * Our-name weights of {@code source} with their position embeddings resampled to {@code target}'s patch grid,
   * using the grid and prefix rows the architecture's foreign tables declare (the layout is the same).
   */
  static Map<String, HostTensor> resampled(Map<String, HostTensor> weights, ModelConfig source, ModelConfig target) {
    for (CheckpointSource s : Architectures.of(target).checkpointSources()) {
      CheckpointMapping from;
      CheckpointMapping to;
      try {
        from = Checkpoints.mapping(source, s);
        to = Checkpoints.mapping(target, s);
      } catch (IllegalArgumentException | UnsupportedOperationException e) {
        continue;
      }
      if (to.positions().isEmpty()) {
        continue;
      }
      Map<String, HostTensor> out = new LinkedHashMap<>(weights);
      for (int i = 0; i < to.positions().size(); i++) {
        CheckpointMapping.Position want = to.positions().get(i);
        CheckpointMapping.Position had = from.positions().get(i);
        String name = to.entries().stream().filter(e -> e.theirs().equals(want.theirs())).findFirst().orElseThrow().ours();
        HostTensor t = weights.get(name);
        if (t != null && (had.gridHeight() != want.gridHeight() || had.gridWidth() != want.gridWidth())) {
          out.put(name, PositionEmbeddings.resample(t, want.prefix(), had.gridHeight(), had.gridWidth(), want.gridHeight(),
              want.gridWidth()));
        }
      }
      return out;
    }
    return weights;
  }

  /** A hub folder's preprocessing in a form {@code ImagePipeline.fromJson} reads. */
  private static String preprocessingJson(Pretrained p) {
    JsonNode pre = p.preprocessing();
    if (pre == null) {
      return null;
    }
    return switch (p.format()) {
      case TIMM -> JSON.createObjectNode().set("pretrained_cfg", pre).toString();
      case TORCHVISION -> JSON.createObjectNode().set("preprocessing", pre).toString();
      default -> pre.toString();
    };
  }
}
