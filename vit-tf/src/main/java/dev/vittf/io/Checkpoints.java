package dev.vittf.io;

import dev.vittf.arch.Architectures;
import dev.vittf.core.HostTensor;
import dev.vittf.core.NonFiniteWeightsException;
import dev.vittf.core.ParameterSpec;
import dev.vittf.models.ModelConfig;
import dev.vittf.models.ModelParameters;
import dev.vittf.models.VitModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.tensorflow.types.TFloat32;

/**
 * Loading and saving weights. Foreign checkpoints (vit-pytorch, timm) go through the declared {@link
 * CheckpointMapping} of their family; native checkpoints use our parameter names directly. Loading is
 * strict either way.
 */
public final class Checkpoints {
  private Checkpoints() {}

  /**
   * The mapping table for a config and a foreign source: the one its architecture's descriptor declares.
   *
   * @throws UnsupportedOperationException if the architecture has no table for the source
   */
  public static CheckpointMapping mapping(ModelConfig config, CheckpointSource source) {
    if (source == CheckpointSource.NATIVE) {
      throw new IllegalArgumentException("native checkpoints need no mapping");
    }
    return Architectures.of(config).mapping(config, source);
  }

  /**
   * Every tensor of a checkpoint file, under its own names: safetensors, or a PyTorch {@code torch.save}
   * zip archive ({@code pytorch_model.bin}, {@code .pth}, {@code .pt}), told apart by content, read by the
   * safe {@link TorchCheckpoint} reader (a pickle is data, never code).
   *
   * @throws SafeTensorsException or {@link TorchCheckpointException} if the file is malformed or refused
   */
  public static Map<String, HostTensor> tensors(Path file) throws IOException {
    return TorchCheckpoint.isTorchFile(file) ? TorchCheckpoint.read(file) : SafeTensors.read(file).tensors();
  }

  /**
   * Reads a checkpoint and returns our weights for {@code config}, checked strictly against the
   * model's parameters.
   *
   * @throws CheckpointMismatchException if tensors are missing, unexpected or mis-shaped
   * @throws SafeTensorsException if the file is malformed
   */
  public static Map<String, HostTensor> read(Path file, ModelConfig config, CheckpointSource source) throws IOException {
    Map<String, HostTensor> raw = tensors(file);
    return convert(raw, config, source, ModelParameters.of(config));
  }

  /**
   * Like {@link #read}, for a model run at another image size than the checkpoint was trained at: the
   * learned position embeddings the table declares are resampled to the config's patch grid as timm's
   * {@code resample_abs_pos_embed} does (bicubic, antialias, prefix rows kept), and logged. Only on
   * request: {@link #read} reports such a tensor as mis-shaped.
   */
  public static Map<String, HostTensor> readResampled(Path file, ModelConfig config, CheckpointSource source)
      throws IOException {
    Map<String, HostTensor> raw = tensors(file);
    return convert(raw, config, source, ModelParameters.of(config), true);
  }

  /** Converts an in-memory state dict (see {@link #read}). */
  public static Map<String, HostTensor> convert(
      Map<String, HostTensor> raw, ModelConfig config, CheckpointSource source, List<ParameterSpec> params) {
    return convert(raw, config, source, params, false);
  }

  /** Converts an in-memory state dict, resampling position embeddings if asked (see {@link #readResampled}). */
  public static Map<String, HostTensor> convert(Map<String, HostTensor> raw, ModelConfig config, CheckpointSource source,
      List<ParameterSpec> params, boolean resamplePositions) {
    if (source == CheckpointSource.NATIVE) {
      CheckpointMapping.Builder identity = CheckpointMapping.builder("native (vit-tf names)");
      params.forEach(p -> identity.add(p.name(), p.name(), Conversion.IDENTITY));
      return identity.build().toOurs(raw, params);
    }
    return mapping(config, source).toOurs(raw, params, resamplePositions);
  }

  /**
   * Builds an inference model holding a checkpoint's weights, without any random initialiser: the file is
   * read while the graph is built, then converted to the model's parameters (strictly) and assigned.
   *
   * @throws CheckpointMismatchException if tensors are missing, unexpected or mis-shaped
   * @throws SafeTensorsException if the file is malformed
   */
  public static VitModel model(Path file, ModelConfig config, CheckpointSource source) throws IOException {
    return model(file, config, source, VitModel.Options.defaults());
  }

  /** Like {@link #model(Path, ModelConfig, CheckpointSource)} with the given mode and session config. */
  public static VitModel model(Path file, ModelConfig config, CheckpointSource source, VitModel.Options options)
      throws IOException {
    if (source == CheckpointSource.NATIVE && !TorchCheckpoint.isTorchFile(file)) {
      return nativeModel(file, config, options);
    }
    CompletableFuture<Map<String, HostTensor>> raw = readChecked(file);
    VitModel model = null;
    try {
      model = VitModel.createWithoutInitializers(config, options);
      // Finiteness was checked while reading; conversion (renames, transposes, resampling) keeps values finite.
      model.loadWeights(convert(join(raw), config, source, model.parameters()), true);
      return model;
    } catch (IOException | RuntimeException | Error e) {
      raw.cancel(false);
      if (model != null) {
        model.close();
      }
      throw e;
    }
  }

  /**
   * A native safetensors checkpoint: while the graph is built, its F32 tensors are copied from the mapped file
   * straight into TensorFlow tensors (no Java arrays to fill and collect) and checked finite; if they are exactly
   * the model's parameters they are assigned as they are. Anything else (another dtype, a non-finite value, a
   * name or shape that does not fit) takes the general path, which reports it.
   */
  private static VitModel nativeModel(Path file, ModelConfig config, VitModel.Options options) throws IOException {
    CompletableFuture<Optional<Map<String, TFloat32>>> fast = CompletableFuture.supplyAsync(() -> {
      try {
        return SafeTensors.readFloat32Tensors(file, !NonFiniteWeightsException.allowedByProperty());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    VitModel model = null;
    try {
      model = VitModel.createWithoutInitializers(config, options);
      Optional<Map<String, TFloat32>> tensors = join(fast);
      if (tensors.isPresent()) {
        try {
          if (fits(tensors.get(), model.parameters())) {
            model.loadTensors(tensors.get());
            return model;
          }
        } finally {
          tensors.get().values().forEach(TFloat32::close);
        }
      }
      model.loadWeights(convert(tensors(file), config, CheckpointSource.NATIVE, model.parameters()));
      return model;
    } catch (IOException | RuntimeException | Error e) {
      fast.thenAccept(t -> t.ifPresent(m -> m.values().forEach(TFloat32::close))); // if it is still reading
      if (model != null) {
        model.close();
      }
      throw e;
    }
  }

  private static boolean fits(Map<String, TFloat32> tensors, List<ParameterSpec> params) {
    return tensors.size() == params.size() && params.stream().allMatch(
        p -> tensors.containsKey(p.name()) && Arrays.equals(p.shape(), tensors.get(p.name()).shape().asArray()));
  }

  /**
   * Reads a checkpoint and checks that every value is finite (unless the property allows otherwise) on another
   * thread: none of it needs TensorFlow, so it overlaps the graph build.
   */
  private static CompletableFuture<Map<String, HostTensor>> readChecked(Path file) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        Map<String, HostTensor> raw = tensors(file);
        if (!NonFiniteWeightsException.allowedByProperty()) {
          NonFiniteWeightsException.check(raw);
        }
        return raw;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }

  /** The result of {@link #readChecked}, with its exception as thrown by the reader. */
  private static <T> T join(CompletableFuture<T> raw) throws IOException {
    try {
      return raw.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof UncheckedIOException io) {
        throw io.getCause();
      }
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw e;
    }
  }

  /**
   * Loads a checkpoint into a model. A model fresh from {@code VitModel.create} never runs its random
   * initialisers: every parameter is overwritten, so they are skipped.
   */
  public static void load(VitModel model, Path file, CheckpointSource source) throws IOException {
    Map<String, HostTensor> raw = tensors(file);
    model.loadWeights(convert(raw, model.config(), source, model.parameters()));
  }

  /** Saves a model's weights under our names (atomically). */
  public static void save(VitModel model, Path file) throws IOException {
    save(model, file, List.of());
  }

  /**
   * Saves a model's weights under our names (atomically), with its config ({@code config}, config JSON) and
   * its class labels ({@code labels}, a JSON array, if any) as metadata, so that they travel with it.
   */
  public static void save(VitModel model, Path file, List<String> labels) throws IOException {
    save(model.weights(), model.config(), labels, file);
  }

  /** Saves weights under our names with config and labels as metadata (see {@link #save(VitModel, Path, List)}). */
  public static void save(Map<String, HostTensor> weights, ModelConfig config, List<String> labels, Path file)
      throws IOException {
    save(weights, config, labels, Map.of(), file);
  }

  /**
   * Like {@link #save(Map, ModelConfig, List, Path)}, with more metadata (e.g. {@value #PREPROCESSING}, the
   * eval preprocessing as JSON, which {@code ImagePipeline.forModel} reads back).
   */
  public static void save(Map<String, HostTensor> weights, ModelConfig config, List<String> labels, Map<String, String> extra,
      Path file) throws IOException {
    Map<String, String> meta = new java.util.LinkedHashMap<>(extra);
    meta.put("format", "vit-tf");
    meta.put("architecture", config.architecture());
    meta.put("config", dev.vittf.models.ConfigJson.toJson(config));
    if (!labels.isEmpty()) {
      meta.put(LABELS, LABEL_JSON.writeValueAsString(labels));
    }
    SafeTensors.write(file, weights, meta);
  }

  /** The metadata key of the eval preprocessing (a JSON object in one of the forms {@code ImagePipeline} reads). */
  public static final String PREPROCESSING = "preprocessing";

  /**
   * The config saved with one of our checkpoints ({@link #save(Map, ModelConfig, List, Path)}), or empty if the
   * file has none (a PyTorch, timm or vit-pytorch checkpoint, or a safetensors file without our metadata).
   *
   * @throws SafeTensorsException if the file is malformed
   * @throws dev.vittf.models.ConfigJsonException if the saved config is invalid
   */
  public static java.util.Optional<ModelConfig> config(Path file) throws IOException {
    if (TorchCheckpoint.isTorchFile(file)) {
      return java.util.Optional.empty();
    }
    String json = SafeTensors.read(file).metadata().get("config");
    return json == null ? java.util.Optional.empty() : java.util.Optional.of(dev.vittf.models.ConfigJson.fromJson(json));
  }

  /** The metadata key of the class labels in our checkpoints. */
  public static final String LABELS = "labels";
  private static final com.fasterxml.jackson.databind.ObjectMapper LABEL_JSON = new com.fasterxml.jackson.databind.ObjectMapper();

  /**
   * The class labels saved with one of our checkpoints, indexed by logit; empty if it has none.
   *
   * @throws SafeTensorsException if the file is malformed or its labels are not a JSON array of strings
   */
  public static List<String> labels(Path file) throws IOException {
    String json = SafeTensors.read(file).metadata().get(LABELS);
    if (json == null) {
      return List.of();
    }
    try {
      return List.of(LABEL_JSON.readValue(json, String[].class));
    } catch (IOException e) {
      throw new SafeTensorsException(file + ": metadata '" + LABELS + "' is not a JSON array of strings");
    }
  }
}
