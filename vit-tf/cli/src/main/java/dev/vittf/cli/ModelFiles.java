package dev.vittf.cli;

import dev.vittf.classify.ImageClassifier;
import dev.vittf.core.Precision;
import dev.vittf.io.Checkpoints;
import dev.vittf.io.Pretrained;
import dev.vittf.io.ReferenceModels;
import dev.vittf.models.VitModel;
import dev.vittf.preprocess.ImagePipeline;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

/**
 * What {@code classify --model PATH} opens, and the CLI's atomic file writes.
 *
 * <p>PATH is a reference-model description ({@code <case>.json} with {@code family} and {@code
 * constructor_kwargs}, weights in {@code <case>.safetensors} beside it, as in vit-tf/fixtures).
 * A hub folder (transformers, timm, torchvision) is opened by {@link Pretrained#load}, with the labels and
 * the preprocessing pipeline it declares.
 */
final class ModelFiles {
  private ModelFiles() {}

  /** A model with its labels and its preprocessing (null if the files declare none). */
  record Opened(VitModel model, List<String> labels, ImagePipeline pipeline) {}

  static Opened open(Path path, Precision precision) throws IOException {
    VitModel.Options options = VitModel.Options.defaults().withPrecision(precision);
    if (!Files.exists(path)) {
      throw new IllegalArgumentException("--model " + path + ": no such file or folder");
    }
    if (Files.isDirectory(path)) {
      Pretrained hub = Pretrained.load(path);
      List<String> labels = hub.labels().isEmpty()
          ? ImageClassifier.defaultLabels(hub.config().numClasses()) : hub.labels();
      // The folder's own pipeline first (it can be refused), then the model (native memory).
      ImagePipeline pipeline = ImagePipeline.forModel(path);
      return new Opened(hub.model(options), labels, pipeline);
    }
    String file = path.getFileName().toString();
    if (file.endsWith(".safetensors")) {
      // One of our checkpoints (train, convert): config, labels and eval pipeline in its metadata.
      Map<String, String> meta = dev.vittf.io.SafeTensors.read(path).metadata();
      if (meta.get("config") == null) {
        throw new IllegalArgumentException("--model " + path + ": has no 'config' metadata (give the <case>.json description instead)");
      }
      dev.vittf.models.ModelConfig config = dev.vittf.models.ConfigJson.fromJson(meta.get("config"));
      List<String> labels = Checkpoints.labels(path);
      ImagePipeline pipeline = meta.containsKey(Checkpoints.PREPROCESSING) ? ImagePipeline.forModel(path) : null;
      VitModel model = Checkpoints.model(path, config, dev.vittf.io.CheckpointSource.NATIVE, options);
      return new Opened(model, labels.isEmpty() ? ImageClassifier.defaultLabels(config.numClasses()) : labels, pipeline);
    }
    if (!file.endsWith(".json")) {
      throw new IllegalArgumentException("--model " + path + ": expected a hub folder, one of our .safetensors checkpoints, or a "
          + "<case>.json reference description next to its <case>.safetensors");
    }
    ReferenceModels.ReferenceModel ref = ReferenceModels.fromJsonFile(path);
    Path weights = path.resolveSibling(file.substring(0, file.length() - ".json".length()) + ".safetensors");
    if (!Files.isRegularFile(weights)) {
      throw new IllegalArgumentException("--model " + path + ": weights " + weights + " not found");
    }
    VitModel model = Checkpoints.model(weights, ref.config(), ref.source(), options);
    return new Opened(model, ImageClassifier.defaultLabels(ref.config().numClasses()), null);
  }

  /** Refuses to replace an existing file unless {@code overwrite}. */
  static void checkWritable(Path out, boolean overwrite) {
    if (Files.exists(out) && !overwrite) {
      throw new IllegalArgumentException(out + " exists; pass --overwrite to replace it");
    }
  }

  /** Writes a PNG atomically: a temporary file beside the target, renamed over it. */
  static void writePngAtomically(java.awt.image.BufferedImage image, Path out) throws IOException {
    Path dir = out.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, "." + out.getFileName(), ".tmp");
    try {
      if (!javax.imageio.ImageIO.write(image, "png", tmp.toFile())) {
        throw new IOException("no PNG writer available");
      }
      Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
