package dev.vittf.spark;

import dev.vittf.classify.ImageClassifier;
import dev.vittf.core.Mode;
import dev.vittf.export.SavedModelClassifier;
import dev.vittf.export.ServingModel;
import dev.vittf.io.CheckpointSource;
import dev.vittf.io.Checkpoints;
import dev.vittf.io.Pretrained;
import dev.vittf.models.ModelConfig;
import dev.vittf.models.VitModel;
import dev.vittf.preprocess.ImageDecoder;
import dev.vittf.preprocess.ImagePipeline;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;
import org.tensorflow.proto.ConfigProto;

/**
 * The models of this JVM (a Spark executor, or the driver in local mode): each is loaded once, on first
 * use, and then shared by every task of the JVM ({@link ImageClassifier} is thread-safe). A model that fails
 * to load is remembered with its error, so later tasks fail at once with the same message. Everything is
 * closed, and the local copies of remote folders deleted, when the JVM exits.
 */
final class ExecutorModels {
  private static final Pattern LOCAL_MASTER = Pattern.compile("local(?:-cluster)?\\[(\\d+|\\*)(?:,\\s*\\d+)?].*");
  private static final Map<Key, Entry> MODELS = new ConcurrentHashMap<>();
  private static Path tmpRoot;

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(ExecutorModels::closeAll, "vittf-spark-models-close"));
  }

  private ExecutorModels() {}

  /**
   * What makes two loaded models interchangeable. Top-k and batch size are not part of it: the shared classifier
   * ranks every class and runs each call as one batch, and the caller asks for the batch and the k it wants, so
   * jobs with other settings share the one model.
   *
   * @param modelPath the model folder as the user named it (a Hadoop path)
   * @param intraOpThreads the session's intra-op pool size (shared by the JVM's tasks)
   * @param interOpThreads the session's inter-op pool size
   */
  record Key(String modelPath, int intraOpThreads, int interOpThreads) {
    /** The key for these options in this JVM (thread pools sized by its task slots). */
    static Key of(String modelPath, ClassifyOptions options) {
      int slots = taskSlots();
      return new Key(modelPath, options.intraOpThreadsPerTask() * slots, slots);
    }
  }

  private record Entry(ImageClassifier classifier, RuntimeException failure) {}

  /**
   * The shared classifier for this key, loaded now if this JVM has none.
   *
   * @throws IllegalStateException naming the model if it does not load here (the same message every time)
   */
  static ImageClassifier get(Key key, Map<String, String> hadoopConf) {
    Entry e = MODELS.computeIfAbsent(key, k -> {
      try {
        return new Entry(load(k, hadoopConf), null);
      } catch (RuntimeException ex) {
        return new Entry(null, ex);
      }
    });
    if (e.failure() != null) {
      throw e.failure();
    }
    return e.classifier();
  }

  /** Drops a remembered load failure, so the next {@link #get} tries again (the driver's check: files may be fixed). */
  static void forgetFailure(Key key) {
    MODELS.computeIfPresent(key, (k, e) -> e.failure() != null ? null : e);
  }

  /**
   * Loads a classifier that the caller owns (the driver's check in cluster mode).
   *
   * @throws IllegalStateException naming the model and the reason when it does not load
   */
  static ImageClassifier load(Key key, Map<String, String> hadoopConf) {
    try {
      Path local = ModelFolder.local(key.modelPath(), ModelFolder.configuration(hadoopConf), tmpRoot());
      if (Files.isDirectory(local) && !Files.isRegularFile(local.resolve(ModelFolder.CONFIG))) {
        // A SavedModel export: its recorded pipeline and labels, its serving signature; every class ranked.
        return SavedModelClassifier.open(local, new ServingModel.Options(false, key.intraOpThreads(), key.interOpThreads()),
            null, Integer.MAX_VALUE, Integer.MAX_VALUE, ImageDecoder.DEFAULT_MAX_PIXELS);
      }
      // The model's own pipeline first (it can be refused), then the model (native memory).
      ImagePipeline pipeline = ImagePipeline.forModel(local);
      ConfigProto session = ConfigProto.newBuilder()
          .setIntraOpParallelismThreads(key.intraOpThreads())
          .setInterOpParallelismThreads(key.interOpThreads())
          .build();
      VitModel.Options options = new VitModel.Options(Mode.INFERENCE, 0, session);
      List<String> labels;
      VitModel model;
      if (Files.isRegularFile(local)) {
        // One of our checkpoints (train, convert): config, labels and eval pipeline travel in its metadata.
        ModelConfig config = Checkpoints.config(local).orElseThrow(() -> new IllegalArgumentException(
            local + ": has no 'config' metadata (not a checkpoint written by vit-tf train or convert)"));
        labels = Checkpoints.labels(local);
        labels = labels.isEmpty() ? ImageClassifier.defaultLabels(config.numClasses()) : labels;
        model = Checkpoints.model(local, config, CheckpointSource.NATIVE, options);
      } else {
        Pretrained hub = Pretrained.load(local);
        labels = hub.labels().isEmpty() ? ImageClassifier.defaultLabels(hub.config().numClasses()) : hub.labels();
        model = VitModel.create(hub.config(), hub.weights(), options);
      }
      try {
        // Every class ranked, and no batch splitting: each task passes one batch of its own size.
        return ImageClassifier.of(model, pipeline, labels, labels.size(), Integer.MAX_VALUE, ImageDecoder.DEFAULT_MAX_PIXELS);
      } catch (RuntimeException ex) {
        model.close();
        throw ex;
      }
    } catch (IOException | RuntimeException ex) {
      throw new IllegalStateException("model " + key.modelPath() + " does not load: " + ex.getMessage(), ex);
    }
  }

  /**
   * How many tasks this JVM runs at once: {@code spark.executor.cores / spark.task.cpus}, the N of a {@code
   * local[N]} master, else the machine's processors (standalone executors take every core by default).
   */
  static int taskSlots() {
    SparkEnv env = SparkEnv.get();
    int cores = Runtime.getRuntime().availableProcessors();
    int taskCpus = 1;
    if (env != null) {
      SparkConf conf = env.conf();
      taskCpus = Math.max(1, conf.getInt("spark.task.cpus", 1));
      Matcher local = LOCAL_MASTER.matcher(conf.get("spark.master", ""));
      if (conf.contains("spark.executor.cores")) {
        cores = conf.getInt("spark.executor.cores", cores);
      } else if (local.matches() && !local.group(1).equals("*")) {
        cores = Integer.parseInt(local.group(1));
      }
    }
    return Math.max(1, cores / taskCpus);
  }

  private static synchronized Path tmpRoot() throws IOException {
    if (tmpRoot == null) {
      tmpRoot = Files.createTempDirectory("vittf-spark-");
    }
    return tmpRoot;
  }

  /** Closes every model (waiting for running calls) and deletes the local copies. */
  static synchronized void closeAll() {
    for (Entry e : MODELS.values()) {
      if (e.classifier() != null) {
        e.classifier().close();
      }
    }
    MODELS.clear();
    if (tmpRoot != null) {
      try (Stream<Path> files = Files.walk(tmpRoot)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      tmpRoot = null;
    }
  }

  /** How many loaded models this JVM holds for a model path (for tests: one per executor). */
  static long loadedCount(String modelPath) {
    return MODELS.entrySet().stream()
        .filter(e -> e.getKey().modelPath().equals(modelPath) && e.getValue().classifier() != null).count();
  }
}
