package dev.vittf.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vittf.core.HostTensor;
import dev.vittf.data.FolderAugmentation;
import dev.vittf.data.FolderBatches;
import dev.vittf.data.ImageFiles;
import dev.vittf.data.ImageTransforms;
import dev.vittf.data.Normalization;
import dev.vittf.io.Checkpoints;
import dev.vittf.io.WarmStart;
import dev.vittf.models.ConfigJson;
import dev.vittf.models.ModelConfig;
import dev.vittf.preprocess.ImageDecoder;
import dev.vittf.preprocess.ImagePipeline;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * A training run on an image folder, from a pretrained checkpoint or from scratch, assembled and checked
 * before any training: the files are scanned ({@link ImageFiles}), the checkpoint fitted to the data's
 * classes ({@link WarmStart}), the eval pipeline taken from the checkpoint (or, from scratch, a resize to the
 * model's size with the training photos' statistics), the augmentation and batches set up ({@link
 * FolderBatches}, streamed from disk), and the output's metadata (labels = the class folder names, the
 * eval pipeline) decided. {@link Fit#run(Fit.Job, Path, boolean, Fit.Listener)} runs the job.
 *
 * <pre>{@code
 * try (ImageDecoder decoder = new ImageDecoder()) {
 *   FineTuning.Plan plan = FineTuning.imageFolder(new FineTuning.Options(Path.of("photos"), null, 0.1, false,
 *       null, Path.of("vit-base-patch16-224"), 0, false, FolderAugmentation.cropAndFlip(0.08), 0, 0), train, decoder);
 *   Fit.run(plan.job(), Path.of("out"), true, new Fit.Listener() {});
 * }
 * }</pre>
 */
public final class FineTuning {
  private static final ObjectMapper JSON = new ObjectMapper();

  private FineTuning() {}

  /**
   * What to train on and from.
   *
   * @param data the image folder ({@link ImageFiles} layouts)
   * @param valData a separate validation folder, or null
   * @param valSplit fraction of each class held out when there is no validation folder
   * @param skipBadImages skip unreadable files (and colour photos for a grey model) instead of failing
   * @param model the model asked for, or null to take the checkpoint's
   * @param initFrom the pretrained checkpoint, or null to train from scratch
   * @param imageSize a square training size, 0 for the model's
   * @param keepHead keep the checkpoint's head
   * @param augmentation the training augmentation
   * @param limitTrain use only the first N training files (0 = all)
   * @param limitVal use only the first N validation files (0 = all)
   */
  public record Options(Path data, Path valData, double valSplit, boolean skipBadImages, ModelConfig model, Path initFrom,
      int imageSize, boolean keepHead, FolderAugmentation augmentation, int limitTrain, int limitVal) {
    /** Checks that there is a model to train. */
    public Options {
      if (model == null && initFrom == null) {
        throw new IllegalArgumentException("give a model or a checkpoint to start from");
      }
    }
  }

  /**
   * An assembled run.
   *
   * @param job the job for {@link Fit}
   * @param warmStart what was loaded from the checkpoint, or null from scratch
   * @param files the checked files
   * @param transforms the preprocessing
   * @param train the training files used
   * @param validation the validation files used
   */
  public record Plan(Fit.Job job, WarmStart warmStart, ImageFiles files, ImageTransforms transforms, List<ImageFiles.Sample> train,
      List<ImageFiles.Sample> validation) {}

  /**
   * Checks everything and assembles the run.
   *
   * @throws dev.vittf.data.DataException for bad data (naming the files)
   * @throws dev.vittf.io.CheckpointMismatchException for a checkpoint that does not fit
   */
  public static Plan imageFolder(Options o, TrainConfig train, ImageDecoder decoder) throws IOException {
    ImageFiles files = ImageFiles.scan(o.data(), o.valData(), o.valSplit(), train.seed(), o.skipBadImages(), decoder);
    int k = files.classes().size();
    WarmStart w = o.initFrom() == null ? null
        : WarmStart.prepare(o.initFrom(), new WarmStart.Request(o.model(), k, o.imageSize(), o.keepHead()));
    ModelConfig model = modelFor(w, o.model(), k, o.imageSize());
    files = files.forChannels(model.channels(), o.skipBadImages());
    ImagePipeline eval;
    if (w != null && w.preprocessing() != null) {
      eval = ImagePipeline.fromJson(JSON.readTree(w.preprocessing()), o.initFrom() + " preprocessing");
    } else {
      dev.vittf.models.Preprocessing p = model.preprocessing();
      Normalization stats = w == null ? files.statistics() : new Normalization(p.meanArray(), p.stdArray());
      eval = ImagePipeline.fromJson(JSON.readTree(ImageTransforms.exactSizeJson(model, stats)), "preprocessing");
    }
    ImageTransforms transforms = ImageTransforms.forModel(model, eval, o.augmentation());
    List<ImageFiles.Sample> trainFiles = limit(files.train(), o.limitTrain());
    List<ImageFiles.Sample> valFiles = limit(files.validation(), o.limitVal());
    FolderBatches.training(trainFiles, train.batchSize(), train.seed(), transforms, decoder); // fails now if less than a batch
    Map<String, String> meta = new LinkedHashMap<>();
    if (o.initFrom() != null) {
      meta.put("init_from", o.initFrom().toString());
    }
    Fit.Job job = new Fit.Job(model, train, s -> FolderBatches.training(trainFiles, train.batchSize(), s, transforms, decoder),
        FolderBatches.evaluation(valFiles, Math.max(train.batchSize(), 64), transforms, decoder), files.classes(),
        Map.of(Checkpoints.PREPROCESSING, transforms.eval().toJson()), meta, overlay(w));
    return new Plan(job, w, files, transforms, trainFiles, valFiles);
  }

  private static List<ImageFiles.Sample> limit(List<ImageFiles.Sample> files, int n) {
    return n > 0 && n < files.size() ? files.subList(0, n) : files;
  }

  /**
   * The model for the data: the warm start's, else {@code asked} with {@code numClasses} classes and the
   * square {@code imageSize} (0 = its own).
   */
  public static ModelConfig modelFor(WarmStart w, ModelConfig asked, int numClasses, int imageSize) {
    if (w != null) {
      return w.config();
    }
    ObjectNode o = JSON.createObjectNode();
    if (asked.numClasses() != numClasses) {
      o.put("numClasses", numClasses);
    }
    if (imageSize > 0) {
      o.put("imageHeight", imageSize).put("imageWidth", imageSize);
    }
    return o.isEmpty() ? asked : ConfigJson.override(asked, o);
  }

  /** The initial weights of a run: the trainer's seeded ones with the warm start's tensors over them. */
  public static UnaryOperator<Map<String, HostTensor>> overlay(WarmStart w) {
    if (w == null) {
      return x -> x;
    }
    return initial -> {
      Map<String, HostTensor> m = new LinkedHashMap<>(initial);
      m.putAll(w.weights());
      return m;
    };
  }
}
