package dev.vittf.cli;

import dev.vittf.cli.support.Conflicts;
import dev.vittf.cli.support.Names;
import dev.vittf.cli.support.PathCheck;
import dev.vittf.cli.support.Ranges;
import dev.vittf.cli.support.UsageException;
import dev.vittf.data.Augmentation;
import dev.vittf.data.DataException;
import dev.vittf.data.Idx;
import dev.vittf.data.ImageDataset;
import dev.vittf.data.BatchLoader;
import dev.vittf.data.FolderAugmentation;
import dev.vittf.data.ImageFiles;
import dev.vittf.data.ImageTransforms;
import dev.vittf.data.Normalization;
import dev.vittf.io.Checkpoints;
import dev.vittf.io.WarmStart;
import dev.vittf.preprocess.ImageDecoder;
import dev.vittf.preprocess.ImagePipeline;
import dev.vittf.train.FineTuning;
import dev.vittf.train.Freeze;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vittf.io.ReferenceModels;
import dev.vittf.models.ModelConfig;
import dev.vittf.models.Presets;
import dev.vittf.train.EpochRecord;
import dev.vittf.train.Fit;
import dev.vittf.train.TrainConfig;
import dev.vittf.train.Trainer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code train} command: trains a preset (or a reference-model JSON config) on an IDX directory
 * (MNIST / Fashion-MNIST layout) or an image-folder dataset, with a progress bar, per-epoch
 * evaluation, checkpoints, a metrics CSV, a learning-curve PNG ({@value #PLOT}, written here after
 * every epoch) and a final summary line. See {@link Fit} for the other files written.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Train a vision transformer on an IDX (MNIST/Fashion-MNIST) directory or an image-folder dataset.")
public final class TrainCommand implements Callable<Integer> {
  /** File name of the learning-curve plot in the output directory. */
  public static final String PLOT = "curves.png";

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = "--preset", converter = Names.PresetName.class, description = "Model preset name (e.g. vit-fmnist, vit-tiny).")
  String preset;

  @Option(names = "--config", converter = PathCheck.InputFile.class, description = "Reference-model JSON ({\"family\": ..., \"constructor_kwargs\": {...}}) instead of a preset.")
  Path config;

  @Option(names = "--init-from", converter = PathCheck.InputPath.class,
      description = "Fine-tune from a pretrained checkpoint: a hub folder (transformers, timm, torchvision), one of our model.safetensors, "
          + "or a .bin/.safetensors state dict (then give --preset/--config). Every tensor that fits is loaded; the head is re-initialised for the data's classes.")
  Path initFrom;

  @Option(names = "--keep-head", description = "Keep the checkpoint's classification head (it must have as many outputs as the data has classes).")
  boolean keepHead;

  @Option(names = "--image-size", converter = Ranges.PositiveInt.class,
      description = "Train at this square image size; a pretrained position embedding is resampled as timm does.")
  Integer imageSize;

  @Option(names = "--data", required = true, converter = PathCheck.InputDir.class,
      description = "IDX directory (train-images-idx3-ubyte[.gz], t10k-...), or an image folder: one sub-folder per class "
          + "(validation: --val-split), or train/ and val/ (or test/) with one sub-folder per class each.")
  Path data;

  @Option(names = "--val-split", defaultValue = "0.1", converter = Ranges.Fraction.class,
      description = "Fraction of each class held out for validation when the image folder has no val/ or test/ folder (default ${DEFAULT-VALUE}).")
  double valSplit;

  @Option(names = "--augment", defaultValue = "crop-flip", converter = AugmentName.class,
      description = "Image-folder training augmentation: crop-flip (random resized crop + horizontal flip), flip, none (default ${DEFAULT-VALUE}).")
  String augment;

  @Option(names = "--crop-scale", defaultValue = "0.08", converter = Ranges.UnitFraction.class,
      description = "Smallest random-resized-crop area, as a fraction of the photo (default ${DEFAULT-VALUE}, timm's).")
  double cropScale;

  @Option(names = "--skip-bad-images", description = "Skip unreadable files (and colour images for a grey model) instead of failing; they are counted.")
  boolean skipBadImages;

  @Option(names = "--classes", description = "IDX data: train on these classes only, e.g. 0-4 or 0,2,5 (relabelled in that order).")
  String classes;

  @Option(names = "--freeze", defaultValue = "none", converter = FreezeName.class,
      description = "What stays frozen: none (full fine-tuning), head (only the head trains: a linear probe), attention (only attention layers and head train) (default ${DEFAULT-VALUE}).")
  Freeze freeze;

  @Option(names = "--layer-decay", defaultValue = "1", converter = Ranges.UnitFraction.class,
      description = "Layer-wise learning-rate decay (BEiT/timm, e.g. 0.65): block i of L trains with lr*decay^(L-i); 1 = off (default ${DEFAULT-VALUE}).")
  double layerDecay;

  @Option(names = "--test-data", converter = PathCheck.InputDir.class, description = "Image-folder root of the validation set (default: <data>/val or <data>/test).")
  Path testData;

  @Option(names = "--resize", description = "IDX data: resize images and adapt channels to the model's input instead of rejecting a mismatch.")
  boolean resize;

  @Option(names = "--output", required = true, converter = PathCheck.OutputDir.class, description = "Output directory (checkpoint, model weights, metrics, plot).")
  Path output;

  @Option(names = "--resume", description = "Continue from <output>/checkpoint.safetensors if it exists.")
  boolean resume;

  @Option(names = "--epochs", defaultValue = "10", converter = Ranges.PositiveInt.class, description = "Epochs (default ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--batch-size", defaultValue = "128", converter = Ranges.PositiveInt.class, description = "Batch size (default ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--lr", defaultValue = "1e-3", converter = Ranges.PositiveDouble.class, description = "Peak learning rate (default ${DEFAULT-VALUE}).")
  double learningRate;

  @Option(names = "--min-lr", defaultValue = "1e-5", converter = Ranges.NonNegativeDouble.class, description = "Final learning rate of the cosine decay (default ${DEFAULT-VALUE}).")
  double minLearningRate;

  @Option(names = "--warmup-steps", defaultValue = "500", converter = Ranges.NonNegativeLong.class, description = "Linear warm-up steps (default ${DEFAULT-VALUE}).")
  long warmupSteps;

  @Option(names = "--weight-decay", defaultValue = "0.05", converter = Ranges.NonNegativeDouble.class, description = "Decoupled weight decay (default ${DEFAULT-VALUE}).")
  double weightDecay;

  @Option(names = "--label-smoothing", defaultValue = "0", converter = Ranges.Fraction.class, description = "Label smoothing (default ${DEFAULT-VALUE}).")
  double labelSmoothing;

  @Option(names = "--clip-norm", defaultValue = "1", converter = Ranges.NonNegativeDouble.class, description = "Gradient clipping by global norm, 0 for none (default ${DEFAULT-VALUE}).")
  double clipNorm;

  @Option(names = "--crop-padding", defaultValue = "0", converter = Ranges.NonNegativeInt.class, description = "Random-crop augmentation padding in pixels (default ${DEFAULT-VALUE}).")
  int cropPadding;

  @Option(names = "--flip", description = "Random horizontal flips.")
  boolean flip;

  @Option(names = "--seed", defaultValue = "0", converter = Ranges.AnyLong.class, description = "Seed of weights, data order, augmentation and dropout (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--threads", defaultValue = "0", converter = Ranges.NonNegativeInt.class, description = "TensorFlow intra-op threads, 0 = TensorFlow default (default ${DEFAULT-VALUE}).")
  int threads;

  @Option(names = "--precision", defaultValue = "fp32", converter = Names.PrecisionName.class,
      description = "Compute precision, fp32 or bf16 (bf16: float32 master weights and AdamW state; default ${DEFAULT-VALUE}).")
  dev.vittf.core.Precision precision;

  @Option(names = "--limit-train", defaultValue = "0", converter = Ranges.NonNegativeInt.class, description = "Use only the first N training images (0 = all).")
  int limitTrain;

  @Option(names = "--limit-test", defaultValue = "0", converter = Ranges.NonNegativeInt.class, description = "Use only the first N test images (0 = all).")
  int limitTest;

  @Option(names = "--no-progress", description = "Print a line every 100 steps instead of a progress bar.")
  boolean noProgress;

  private final PrintStream out;
  private final PrintStream err;

  /** A command printing to the standard streams. */
  public TrainCommand() {
    this(System.out, System.err);
  }

  TrainCommand(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  /** Runs the command line and exits with its status. */
  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns its exit status (0 success, 1 training failure, 2 usage). */
  public static int run(String... args) {
    return commandLine(new TrainCommand()).execute(args);
  }

  /** A picocli command line with the tool's error handling and exit codes ({@link Main#configure}). */
  public static CommandLine commandLine(TrainCommand cli) {
    return Main.configure(new CommandLine(cli));
  }

  @Override
  public Integer call() throws IOException {
    if (preset != null && config != null || preset == null && config == null && initFrom == null) {
      throw new UsageException("give exactly one of --preset and --config (or --init-from with a checkpoint that has its config)");
    }
    if (Conflicts.given(spec, "--min-lr") && minLearningRate > learningRate) {
      throw new UsageException("--min-lr=" + minLearningRate + ": must be <= --lr=" + learningRate);
    }
    boolean idx = isIdx(data);
    Conflicts.ignoredWhen(spec, "--test-data", idx, "on an IDX directory (" + data + " has its own t10k test split)");
    Conflicts.requires(spec, "--keep-head", "--init-from", "it keeps the head of the checkpoint");
    for (String folderOnly : List.of("--val-split", "--augment", "--crop-scale", "--skip-bad-images")) {
      Conflicts.ignoredWhen(spec, folderOnly, idx, "on an IDX directory (it applies to image folders)");
    }
    Conflicts.ignoredWhen(spec, "--classes", !idx, "on an image folder (its sub-folders are the classes)");
    Conflicts.ignoredWhen(spec, "--crop-padding", !idx, "on an image folder (use --augment and --crop-scale)");
    Conflicts.ignoredWhen(spec, "--flip", !idx, "on an image folder (use --augment)");
    List<Integer> selected = classes == null ? null : parseClasses(classes);
    ModelConfig asked = preset != null ? Presets.get(preset) : config != null ? ReferenceModels.fromJsonFile(config).config() : null;
    TrainConfig train = TrainConfig.builder().epochs(epochs).batchSize(batchSize).learningRate(learningRate)
        // Only the default floor can exceed a small --lr (an explicit one was checked above): clamp it.
        .minLearningRate(Math.min(minLearningRate, learningRate)).warmupSteps(warmupSteps).weightDecay(weightDecay)
        .labelSmoothing(labelSmoothing).clipNorm(clipNorm).seed(seed).augmentation(new Augmentation(cropPadding, flip))
        .threads(threads).precision(precision).freeze(freeze).layerDecay(layerDecay).build();
    String name = preset != null ? preset : config != null ? config.getFileName().toString() : initFrom.getFileName().toString();
    try (ImageDecoder decoder = new ImageDecoder()) {
      TrainingData d = idx ? idxData(asked, train, selected) : folderData(asked, train, decoder);
      ModelConfig model = d.job().model();
      out.printf(Locale.ROOT, "model %s (%s, %dx%dx%d, %d classes); train %s; %s %s; output %s%n", name, model.architecture(),
          model.imageHeight(), model.imageWidth(), model.channels(), model.numClasses(), d.trainDescription(), idx ? "test" : "validation",
          d.testDescription(), output);
      if (freeze != Freeze.NONE || layerDecay != 1) {
        out.printf(Locale.ROOT, "training: freeze %s, layer decay %s%n", freeze.name().toLowerCase(Locale.ROOT), layerDecay);
      }
      Listener listener = new Listener(train.epochs(), model.architecture() + " training");
      Fit.Result r;
      try {
        r = Fit.run(d.job(), output, resume, listener);
      } finally {
        listener.closeBar();
      }
      EpochRecord last = r.last();
      EpochRecord best = r.history().stream().max((a, b) -> Double.compare(a.testAccuracy(), b.testAccuracy())).orElseThrow();
      double perEpoch = r.history().stream().mapToDouble(EpochRecord::trainSeconds).average().orElse(0);
      double imgs = r.history().stream().mapToDouble(EpochRecord::imagesPerSecond).average().orElse(0);
      out.printf(Locale.ROOT,
          "done: %s, %d epochs (%d steps), test accuracy %.2f%% (best %.2f%% at epoch %d), test loss %.4f, train loss %.4f, "
              + "training time %.1f s in this run (%.1f s/epoch, %.0f img/s), %,d parameters; outputs in %s%n",
          name, last.epoch(), last.step(), 100 * last.testAccuracy(), 100 * best.testAccuracy(), best.epoch(), last.testLoss(),
          last.trainLoss(), r.trainSeconds(), perEpoch, imgs, r.parameterCount(), output);
    }
    return 0;
  }

  /** A run's job with descriptions of its data for the first line. */
  private record TrainingData(Fit.Job job, String trainDescription, String testDescription) {}

  /** {@code 0-4}, {@code 0,2,5} or a mix ({@code 0-2,7}). */
  static List<Integer> parseClasses(String text) {
    List<Integer> out = new ArrayList<>();
    for (String part : text.split(",")) {
      String p = part.strip();
      try {
        int dash = p.indexOf('-', 1);
        if (dash > 0) {
          int a = Integer.parseInt(p.substring(0, dash).strip());
          int b = Integer.parseInt(p.substring(dash + 1).strip());
          if (a < 0 || b < a) {
            throw new NumberFormatException();
          }
          for (int k = a; k <= b; k++) {
            out.add(k);
          }
        } else {
          int k = Integer.parseInt(p);
          if (k < 0) {
            throw new NumberFormatException();
          }
          out.add(k);
        }
      } catch (NumberFormatException e) {
        throw new UsageException("--classes=" + text + ": must be class indices >= 0 or ranges a-b (a <= b), comma-separated, e.g. 0-4 or 0,2,5");
      }
    }
    if (out.size() < 2) {
      throw new UsageException("--classes=" + text + ": must select at least 2 classes");
    }
    return out;
  }

  private WarmStart warmStart(ModelConfig asked, int numClasses) throws IOException {
    if (initFrom == null) {
      return null;
    }
    WarmStart w = WarmStart.prepare(initFrom, new WarmStart.Request(asked, numClasses, imageSize == null ? 0 : imageSize, keepHead));
    report(w);
    return w;
  }

  private void report(WarmStart w) {
    out.printf(Locale.ROOT, "init from %s: %s; loaded %d of %d parameter tensors%n", initFrom, w.description(), w.weights().size(),
        w.weights().size() + w.notLoaded().size());
    w.notLoaded().forEach(n -> out.println("  not loaded: " + n));
    if (!w.unused().isEmpty()) {
      out.println("  unused checkpoint tensors: " + w.unused());
    }
  }

  private TrainingData idxData(ModelConfig asked, TrainConfig train, List<Integer> selected) throws IOException {
    ImageDataset trainSet = Idx.loadSplit(data, "train", null);
    ImageDataset testSet = Idx.loadSplit(data, "t10k", null);
    if (selected != null) {
      trainSet = trainSet.onlyClasses(selected);
      testSet = testSet.onlyClasses(selected);
    }
    if (limitTrain > 0) {
      trainSet = trainSet.head(limitTrain);
    }
    if (limitTest > 0) {
      testSet = testSet.head(limitTest);
    }
    // Without --classes or --init-from, the model keeps its own class count (the labels must fit it).
    int numClasses = selected != null || initFrom != null ? trainSet.numClasses() : (asked != null ? asked.numClasses() : trainSet.numClasses());
    WarmStart w = warmStart(asked, numClasses);
    ModelConfig model = FineTuning.modelFor(w, asked, numClasses, imageSize == null ? 0 : imageSize);
    boolean fits = trainSet.height() == model.imageHeight() && trainSet.width() == model.imageWidth()
        && trainSet.channels() == model.channels();
    if (!fits && !resize) {
      throw new DataException(data + ": images are " + trainSet.height() + "x" + trainSet.width() + "x" + trainSet.channels()
          + " but the model expects " + model.imageHeight() + "x" + model.imageWidth() + "x" + model.channels()
          + "; pass --resize to resize and adapt channels, or choose a model for this image size");
    }
    ImageDataset tr = trainSet.resized(model.imageHeight(), model.imageWidth(), model.channels());
    ImageDataset te = testSet.resized(model.imageHeight(), model.imageWidth(), model.channels());
    Trainer.checkCompatible(tr, model, "training data");
    Trainer.checkCompatible(te, model, "test data");
    if (tr.size() < train.batchSize()) {
      throw new DataException("training data has " + tr.size() + " images, fewer than one batch of " + train.batchSize());
    }
    Normalization norm = Normalization.of(tr);
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("normalization_mean", Arrays.toString(norm.mean()));
    meta.put("normalization_std", Arrays.toString(norm.std()));
    Fit.Job job = new Fit.Job(model, train, s -> new BatchLoader(tr, train.batchSize(), s, true, true, norm, train.augmentation()),
        BatchLoader.evaluation(te, Math.max(train.batchSize(), 256), norm), tr.classNames(),
        Map.of(Checkpoints.PREPROCESSING, ImagePipeline.fromJson(
            new ObjectMapper().readTree(ImageTransforms.exactSizeJson(model, norm)), "preprocessing").toJson()),
        meta, FineTuning.overlay(w));
    return new TrainingData(job, tr.toString(), te.toString());
  }

  private TrainingData folderData(ModelConfig asked, TrainConfig train, ImageDecoder decoder) throws IOException {
    try (java.util.stream.Stream<Path> s = Files.list(data)) {
      if (s.noneMatch(Files::isDirectory)) {
        throw new DataException(data + ": neither an IDX directory (train-images-idx3-ubyte[.gz]) nor an image folder "
            + "(one sub-folder per class, or train/ and val/ with one sub-folder per class each)");
      }
    }
    FolderAugmentation aug = switch (augment) {
      case "none" -> FolderAugmentation.NONE;
      case "flip" -> new FolderAugmentation(false, 1, true);
      default -> FolderAugmentation.cropAndFlip(cropScale);
    };
    FineTuning.Plan plan = FineTuning.imageFolder(new FineTuning.Options(data, testData, valSplit, skipBadImages, asked, initFrom,
        imageSize == null ? 0 : imageSize, keepHead, aug, limitTrain, limitTest), train, decoder);
    if (plan.warmStart() != null) {
      report(plan.warmStart());
    }
    ImageFiles files = plan.files();
    if (!files.skipped().isEmpty()) {
      out.printf(Locale.ROOT, "skipped %d bad file(s), e.g. %s%n", files.skipped().size(), files.skipped().get(0));
    }
    String classesText = files.classes().size() <= 10 ? " " + files.classes() : "";
    return new TrainingData(plan.job(), plan.train().size() + " images, " + files.classes().size() + " classes" + classesText + " ("
        + files.layout() + "; eval " + plan.transforms().eval().name() + ", augmentation " + augment + ")",
        plan.validation().size() + " images");
  }

  /** The {@code --augment} values. */
  public static final class AugmentName extends Names.Choice {
    /** Picocli instantiates converters. */
    public AugmentName() {
      super("augmentation", List.of("crop-flip", "flip", "none"), "mixup");
    }
  }

  /** The {@code --freeze} values. */
  public static final class FreezeName implements CommandLine.ITypeConverter<Freeze> {
    /** Picocli instantiates converters. */
    public FreezeName() {}

    @Override
    public Freeze convert(String value) {
      try {
        return Freeze.valueOf(value.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException("must be none, head or attention");
      }
    }
  }

  private static boolean isIdx(Path data) {
    return Files.exists(data.resolve("train-images-idx3-ubyte")) || Files.exists(data.resolve("train-images-idx3-ubyte.gz"));
  }

  /** Progress reporting: a progress bar per epoch, one summary line and the learning-curve PNG per epoch. */
  private final class Listener implements Fit.Listener {
    private final int epochs;
    private final String plotTitle;
    private final ArrayDeque<long[]> window = new ArrayDeque<>();
    private ProgressBar bar;
    private int barEpoch = -1;
    private int stepsPerEpoch;
    private int batch;
    private long totalSteps;
    private long startStep;
    private long startNanos;

    Listener(int epochs, String plotTitle) {
      this.epochs = epochs;
      this.plotTitle = plotTitle;
    }

    @Override
    public void started(long totalSteps, long startStep, int stepsPerEpoch, int batchSize) {
      this.totalSteps = totalSteps;
      this.startStep = startStep;
      this.stepsPerEpoch = stepsPerEpoch;
      this.batch = batchSize;
      this.startNanos = System.nanoTime();
      if (startStep > 0) {
        out.printf(Locale.ROOT, "resuming at step %d of %d%n", startStep, totalSteps);
      }
    }

    @Override
    public void stepped(Trainer.StepResult r, int epoch) {
      long now = System.nanoTime();
      window.addLast(new long[] {now});
      if (window.size() > 50) {
        window.removeFirst();
      }
      double ips = window.size() < 2 ? 0 : (window.size() - 1) * (double) batch / ((now - window.peekFirst()[0]) / 1e9);
      String msg = String.format(Locale.ROOT, "loss %.4f | lr %.2e | %.0f img/s", r.loss(), r.learningRate(), ips);
      if (noProgress) {
        if ((r.step() + 1) % 100 == 0) {
          double done = (double) (r.step() + 1 - startStep) / Math.max(1, totalSteps - startStep);
          double elapsed = (now - startNanos) / 1e9;
          out.printf(Locale.ROOT, "epoch %d/%d step %d/%d %s | eta %s%n", epoch + 1, epochs, r.step() + 1, totalSteps, msg,
              formatSeconds(done > 0 ? elapsed * (1 - done) / done : 0));
        }
        return;
      }
      if (epoch != barEpoch) {
        closeBar();
        barEpoch = epoch;
        bar = new ProgressBarBuilder().setTaskName(String.format(Locale.ROOT, "epoch %d/%d", epoch + 1, epochs))
            .setInitialMax(stepsPerEpoch).setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250)
            .setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(err)).build();
        bar.stepTo(r.step() % stepsPerEpoch);
      }
      bar.step();
      bar.setExtraMessage(msg);
    }

    @Override
    public void epochEnded(EpochRecord e, List<EpochRecord> history, Path outputDir) throws IOException {
      closeBar();
      TrainingPlot.write(outputDir.resolve(PLOT), plotTitle, history);
      double elapsed = (System.nanoTime() - startNanos) / 1e9;
      double done = (double) (e.step() - startStep) / Math.max(1, totalSteps - startStep);
      out.printf(Locale.ROOT,
          "epoch %d/%d: train loss %.4f, test accuracy %.2f%%, test loss %.4f, %.1f s (%.0f img/s), eval %.1f s, eta %s%n",
          e.epoch(), epochs, e.trainLoss(), 100 * e.testAccuracy(), e.testLoss(), e.trainSeconds(), e.imagesPerSecond(),
          e.evalSeconds(), formatSeconds(done > 0 ? elapsed * (1 - done) / done : 0));
    }

    void closeBar() {
      if (bar != null) {
        bar.close();
        bar = null;
      }
    }
  }

  static String formatSeconds(double s) {
    Duration d = Duration.ofSeconds(Math.round(s));
    return String.format(Locale.ROOT, "%d:%02d:%02d", d.toHours(), d.toMinutesPart(), d.toSecondsPart());
  }
}
