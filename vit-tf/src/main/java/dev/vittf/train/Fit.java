package dev.vittf.train;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vittf.core.AtomicFiles;
import dev.vittf.core.HostTensor;
import dev.vittf.data.BatchLoader;
import dev.vittf.data.BatchSource;
import dev.vittf.data.ImageTransforms;
import dev.vittf.io.Checkpoints;
import dev.vittf.data.ImageDataset;
import dev.vittf.data.Normalization;
import dev.vittf.models.ModelConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongFunction;
import java.util.function.UnaryOperator;

/**
 * The training loop: epochs of {@link Trainer#step} over a shuffled {@link BatchLoader}, evaluation
 * on the test set after every epoch, and after every epoch, atomically, in the output directory:
 *
 * <ul>
 *   <li>{@value #CHECKPOINT}: the full training state (weights, AdamW moments, step, seed, history,
 *       normalisation), from which {@code resume} continues exactly where it stopped;
 *   <li>{@value #WEIGHTS}: the model weights only, loadable into an inference {@code VitModel} with
 *       {@code Checkpoints.load(model, file, CheckpointSource.NATIVE)}, with the config, the labels and the
 *       eval preprocessing as metadata (what the classifier and the SavedModel exporter read);
 *   <li>{@value #METRICS}: one CSV line per epoch.
 * </ul>

 * Progress and extra outputs belong to the caller, through a {@link Listener} (the command line draws a
 * progress bar and writes the learning-curve PNG), so the library needs no UI or plotting dependency.
 *
 * A non-finite loss stops training with a {@link NonFiniteLossException} naming the step and the last
 * good checkpoint, which is left untouched.
 */
public final class Fit {
  /** File name of the training checkpoint. */
  public static final String CHECKPOINT = "checkpoint.safetensors";
  /** File name of the exported model weights. */
  public static final String WEIGHTS = "model.safetensors";
  /** File name of the per-epoch metrics. */
  public static final String METRICS = "metrics.csv";

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Callbacks for progress reporting. All methods are optional. */
  public interface Listener {
    /** Before the first step. */
    default void started(long totalSteps, long startStep, int stepsPerEpoch, int batchSize) {}

    /** After every step. */
    default void stepped(Trainer.StepResult result, int epoch) {}

    /**
     * After every epoch's evaluation, once its checkpoint, weights and metrics are written: {@code history}
     * holds every epoch so far (including those before a resume), {@code outputDir} is where the files are.
     */
    default void epochEnded(EpochRecord record, List<EpochRecord> history, Path outputDir) throws IOException {}
  }

  /**
   * Outcome of a run.
   *
   * @param history every epoch so far (including those before a resume)
   * @param outputDir where the files were written
   * @param trainSeconds wall-clock training time of this process (excluding evaluation)
   * @param parameterCount number of trained scalars
   */
  public record Result(List<EpochRecord> history, Path outputDir, double trainSeconds, long parameterCount) {
    /** The last epoch. */
    public EpochRecord last() {
      return history.get(history.size() - 1);
    }
  }

  private Fit() {}

  /**
   * Everything a run needs besides its output folder.
   *
   * @param model the model to train
   * @param train the hyper-parameters
   * @param trainBatches the training batches for a seed (the trainer's, restored on resume)
   * @param evalBatches the evaluation batches, run after every epoch
   * @param labels class names by logit, saved with the weights
   * @param exportMetadata more metadata of {@value #WEIGHTS} (e.g. {@link dev.vittf.io.Checkpoints#PREPROCESSING})
   * @param checkpointMetadata more metadata of {@value #CHECKPOINT}
   * @param initialWeights from the trainer's seeded initial weights to the weights training starts from
   *     (a warm start overlays a pretrained checkpoint); not called when a run resumes
   */
  public record Job(ModelConfig model, TrainConfig train, LongFunction<BatchSource> trainBatches, BatchSource evalBatches,
      List<String> labels, Map<String, String> exportMetadata, Map<String, String> checkpointMetadata,
      UnaryOperator<Map<String, HostTensor>> initialWeights) {
    /** Copies the lists and maps. */
    public Job {
      labels = List.copyOf(labels);
      exportMetadata = Map.copyOf(exportMetadata);
      checkpointMetadata = Map.copyOf(checkpointMetadata);
    }
  }

  /**
   * Trains {@code model} on {@code trainData}, evaluating on {@code testData} after every epoch.
   *
   * @param resume continue from {@code outputDir/checkpoint.safetensors} if it exists
   * @throws dev.vittf.data.DataException if the data does not fit the model
   * @throws NonFiniteLossException if the loss becomes NaN or infinite
   */
  public static Result run(ModelConfig model, TrainConfig train, ImageDataset trainData, ImageDataset testData,
      Path outputDir, boolean resume, Listener listener) throws IOException {
    Trainer.checkCompatible(trainData, model, "training data");
    Trainer.checkCompatible(testData, model, "test data");
    Normalization norm = Normalization.of(trainData);
    if (trainData.size() < train.batchSize()) {
      throw new dev.vittf.data.DataException("training data has " + trainData.size() + " images, fewer than one batch of " + train.batchSize());
    }
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("normalization_mean", Arrays.toString(norm.mean()));
    meta.put("normalization_std", Arrays.toString(norm.std()));
    Job job = new Job(model, train, seed -> new BatchLoader(trainData, train.batchSize(), seed, true, true, norm, train.augmentation()),
        BatchLoader.evaluation(testData, Math.max(train.batchSize(), 256), norm), trainData.classNames(),
        Map.of(Checkpoints.PREPROCESSING, ImageTransforms.exactSizeJson(model, norm)), meta, w -> w);
    return run(job, outputDir, resume, listener);
  }

  /**
   * Runs a job: epochs of steps, an evaluation after each, and the files of this class written after each.
   *
   * @param resume continue from {@code outputDir/checkpoint.safetensors} if it exists (it must have been
   *     written for the same classes)
   * @throws dev.vittf.data.DataException if the data does not fit the model or the checkpoint
   * @throws NonFiniteLossException if the loss becomes NaN or infinite
   */
  public static Result run(Job job, Path outputDir, boolean resume, Listener listener) throws IOException {
    ModelConfig model = job.model();
    TrainConfig train = job.train();
    Files.createDirectories(outputDir);
    Path checkpoint = outputDir.resolve(CHECKPOINT);
    List<EpochRecord> history = new ArrayList<>();
    double trainSeconds = 0;
    String labelsJson = JSON.writeValueAsString(job.labels());
    try (Trainer trainer = Trainer.create(model, train, 1)) {
      boolean resumed = resume && Files.exists(checkpoint);
      if (resumed) {
        // The classes first: a run on other data would otherwise fail on the head's shape, less clearly.
        String saved = dev.vittf.io.SafeTensors.read(checkpoint).metadata().get(Checkpoints.LABELS);
        if (saved != null && !saved.equals(labelsJson)) {
          throw new dev.vittf.data.DataException(checkpoint + ": was trained on the classes " + saved + ", the data has "
              + labelsJson + "; resume with the same data, or use another --output");
        }
        Map<String, String> meta = trainer.restore(checkpoint);
        history.addAll(parseHistory(meta.getOrDefault("history", "[]")));
      }
      BatchSource loader = job.trainBatches().apply(trainer.seed());
      int perEpoch = loader.batchesPerEpoch();
      if (perEpoch == 0) {
        throw new dev.vittf.data.DataException("training data has " + loader.size() + " images, fewer than one batch of "
            + train.batchSize());
      }
      long totalSteps = (long) train.epochs() * perEpoch;
      trainer.setTotalSteps(totalSteps);
      if (!resumed) {
        trainer.loadWeights(job.initialWeights().apply(trainer.weights()));
      }
      listener.started(totalSteps, trainer.globalStep(), perEpoch, train.batchSize());
      long lastGoodStep = Files.exists(checkpoint) ? trainer.globalStep() : -1;
      while (trainer.globalStep() < totalSteps) {
        int epoch = (int) (trainer.globalStep() / perEpoch);
        int first = (int) (trainer.globalStep() % perEpoch);
        double lossSum = 0;
        long t0 = System.nanoTime();
        for (int i = first; i < perEpoch; i++) {
          Trainer.StepResult r;
          try {
            r = trainer.step(loader.batch(epoch, i));
          } catch (NonFiniteLossException e) {
            throw new NonFiniteLossException(e.step(), e.loss(), "training stopped (epoch " + (epoch + 1) + ", batch " + (i + 1)
                + " of " + perEpoch + "); " + (lastGoodStep >= 0
                    ? "the last good checkpoint is " + checkpoint + " (step " + lastGoodStep + ")"
                    : "no checkpoint was written yet")
                + "; lower the learning rate or clip gradients");
          }
          lossSum += r.loss();
          listener.stepped(r, epoch);
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        trainSeconds += secs;
        int steps = perEpoch - first;
        long e0 = System.nanoTime();
        Trainer.Evaluation ev = trainer.evaluate(job.evalBatches());
        double evalSecs = (System.nanoTime() - e0) / 1e9;
        EpochRecord rec = new EpochRecord(epoch + 1, trainer.globalStep(), lossSum / steps, ev.accuracy(), ev.loss(), secs, evalSecs,
            steps * (double) train.batchSize() / secs);
        history.add(rec);
        Map<String, String> meta = new LinkedHashMap<>(job.checkpointMetadata());
        meta.put("history", JSON.writeValueAsString(history));
        meta.put(Checkpoints.LABELS, labelsJson);
        trainer.save(checkpoint, meta);
        lastGoodStep = trainer.globalStep();
        Checkpoints.save(trainer.weights(), model, job.labels(), withStep(job.exportMetadata(), trainer.globalStep()),
            outputDir.resolve(WEIGHTS));
        writeMetrics(outputDir.resolve(METRICS), history);
        listener.epochEnded(rec, List.copyOf(history), outputDir);
      }
      return new Result(List.copyOf(history), outputDir, trainSeconds, trainer.parameterCount());
    }
  }

  private static Map<String, String> withStep(Map<String, String> meta, long step) {
    Map<String, String> out = new LinkedHashMap<>(meta);
    out.put("step", Long.toString(step));
    return out;
  }

  static List<EpochRecord> parseHistory(String json) throws JsonProcessingException {
    return JSON.readValue(json, new TypeReference<List<EpochRecord>>() {});
  }

  private static void writeMetrics(Path file, List<EpochRecord> history) throws IOException {
    StringBuilder s = new StringBuilder("epoch,step,train_loss,test_accuracy,test_loss,train_seconds,eval_seconds,images_per_second\n");
    for (EpochRecord e : history) {
      s.append(String.format(Locale.ROOT, "%d,%d,%.6f,%.6f,%.6f,%.3f,%.3f,%.1f%n", e.epoch(), e.step(), e.trainLoss(),
          e.testAccuracy(), e.testLoss(), e.trainSeconds(), e.evalSeconds(), e.imagesPerSecond()));
    }
    AtomicFiles.writeString(file, s.toString());
  }
}
