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
import dev.vittf.data.ImageFolder;
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
import java.util.List;
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

  @Option(names = "--data", required = true, converter = PathCheck.InputDir.class,
      description = "IDX directory (train-images-idx3-ubyte[.gz], t10k-...) or image-folder root with train/ and test/ sub-folders.")
  Path data;

  @Option(names = "--test-data", converter = PathCheck.InputDir.class, description = "Image-folder root of the test set (default: <data>/test).")
  Path testData;

  @Option(names = "--resize", description = "Resize images and adapt channels to the model's input instead of rejecting a mismatch.")
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
    if ((preset == null) == (config == null)) {
      throw new UsageException("give exactly one of --preset and --config");
    }
    if (Conflicts.given(spec, "--min-lr") && minLearningRate > learningRate) {
      throw new UsageException("--min-lr=" + minLearningRate + ": must be <= --lr=" + learningRate);
    }
    Conflicts.ignoredWhen(spec, "--test-data", isIdx(data), "on an IDX directory (" + data + " has its own t10k test split)");
    ModelConfig model = preset != null ? Presets.get(preset) : ReferenceModels.fromJsonFile(config).config();
    TrainConfig train = TrainConfig.builder().epochs(epochs).batchSize(batchSize).learningRate(learningRate)
        // Only the default floor can exceed a small --lr (an explicit one was checked above): clamp it.
        .minLearningRate(Math.min(minLearningRate, learningRate)).warmupSteps(warmupSteps).weightDecay(weightDecay)
        .labelSmoothing(labelSmoothing).clipNorm(clipNorm).seed(seed).augmentation(new Augmentation(cropPadding, flip))
        .threads(threads).precision(precision).build();
    ImageDataset[] sets = load(model);
    ImageDataset trainSet = sets[0];
    ImageDataset testSet = sets[1];
    String name = preset != null ? preset : config.getFileName().toString();
    out.printf(Locale.ROOT, "model %s (%s, %dx%dx%d, %d classes); train %s; test %s; output %s%n", name, model.architecture(),
        model.imageHeight(), model.imageWidth(), model.channels(), model.numClasses(), trainSet, testSet, output);
    Listener listener = new Listener(train.epochs(), model.architecture() + " training");
    Fit.Result r;
    try {
      r = Fit.run(model, train, trainSet, testSet, output, resume, listener);
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
    return 0;
  }

  private ImageDataset[] load(ModelConfig model) throws IOException {
    ImageDataset trainSet;
    ImageDataset testSet;
    if (isIdx(data)) {
      java.util.List<String> names = null;
      trainSet = Idx.loadSplit(data, "train", names);
      testSet = Idx.loadSplit(data, "t10k", names);
      if (limitTrain > 0) {
        trainSet = trainSet.head(limitTrain);
      }
      if (limitTest > 0) {
        testSet = testSet.head(limitTest);
      }
      boolean fits = trainSet.height() == model.imageHeight() && trainSet.width() == model.imageWidth()
          && trainSet.channels() == model.channels();
      if (!fits && !resize) {
        throw new DataException(data + ": images are " + trainSet.height() + "x" + trainSet.width() + "x" + trainSet.channels()
            + " but the model expects " + model.imageHeight() + "x" + model.imageWidth() + "x" + model.channels()
            + "; pass --resize to resize and adapt channels, or choose a model for this image size");
      }
      trainSet = trainSet.resized(model.imageHeight(), model.imageWidth(), model.channels());
      testSet = testSet.resized(model.imageHeight(), model.imageWidth(), model.channels());
    } else if (Files.isDirectory(data.resolve("train"))) {
      Path test = testData != null ? testData : data.resolve("test");
      trainSet = ImageFolder.read(data.resolve("train"), model.imageHeight(), model.imageWidth(), model.channels(), resize);
      testSet = ImageFolder.read(test, model.imageHeight(), model.imageWidth(), model.channels(), resize);
      if (!testSet.classNames().equals(trainSet.classNames())) {
        throw new DataException(test + ": test classes " + testSet.classNames() + " differ from the training classes " + trainSet.classNames());
      }
      if (limitTrain > 0) {
        trainSet = trainSet.head(limitTrain);
      }
      if (limitTest > 0) {
        testSet = testSet.head(limitTest);
      }
    } else {
      throw new DataException(data + ": neither an IDX directory (train-images-idx3-ubyte[.gz]) nor an image-folder root with a train/ sub-folder");
    }
    return new ImageDataset[] {trainSet, testSet};
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
