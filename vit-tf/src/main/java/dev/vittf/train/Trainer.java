package dev.vittf.train;

import dev.vittf.core.BuildContext;
import dev.vittf.core.GraphParameterStore;
import dev.vittf.core.HostTensor;
import dev.vittf.core.Mode;
import dev.vittf.core.ParameterSpec;
import dev.vittf.data.Batch;
import dev.vittf.data.BatchLoader;
import dev.vittf.data.BatchSource;
import dev.vittf.data.DataException;
import dev.vittf.data.ImageDataset;
import dev.vittf.data.Normalization;
import dev.vittf.io.SafeTensors;
import dev.vittf.models.ModelConfig;
import dev.vittf.models.ModelGraph;
import dev.vittf.models.VitModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * Trains any {@link ModelConfig} in a TensorFlow graph.
 *
 * <p>The graph holds the network built in {@link Mode#TRAINING} (dropout, attention dropout and drop
 * path live, their randomness derived from the {@value BuildContext#RNG_KEY} input, fed {@code [seed,
 * step]} every step so runs are reproducible and resumable), the loss (mean softmax cross-entropy
 * against one-hot targets with optional label smoothing), the gradients of the loss with respect to
 * exactly the parameter store's parameters, global-norm clipping and {@link AdamW} with decoupled
 * weight decay on the parameters whose {@link dev.vittf.core.ParameterRole role} decays. The learning
 * rate follows {@link LrSchedule} and is fed every step.
 *
 * <p>Evaluation runs on a separate {@link Mode#INFERENCE} {@link VitModel} (no random op) into which
 * the current weights are copied. A trainer owns native memory: close it.
 *
 * <pre>{@code
 * try (Trainer t = Trainer.create(Presets.get("vit-tiny"), trainConfig, totalSteps)) {
 *   for (...) { float loss = t.step(loader.batch(epoch, i)).loss(); }
 *   t.save(Path.of("out/checkpoint.safetensors"), Map.of());   // weights + moments + step + seed
 *   t.exportWeights(Path.of("out/model.safetensors"));          // loads with Checkpoints (NATIVE)
 * }
 * }</pre>
 */
public final class Trainer implements AutoCloseable {
  /** Metadata value of {@code format} in training checkpoints. */
  public static final String CHECKPOINT_FORMAT = "vit-tf-train";

  /**
   * Result of one step.
   *
   * @param step the 0-based step just taken
   * @param loss the loss of the batch before the update
   * @param gradientNorm global gradient norm before clipping
   * @param learningRate the learning rate used
   */
  public record StepResult(long step, float loss, float gradientNorm, double learningRate) {}

  /**
   * Result of an evaluation.
   *
   * @param accuracy fraction of correctly classified images
   * @param loss mean cross-entropy (without label smoothing)
   * @param count number of images
   */
  public record Evaluation(double accuracy, double loss, int count) {}

  private final ModelConfig config;
  private final TrainConfig train;
  private LrSchedule schedule;
  private final Graph graph;
  private final Session session;
  private final GraphParameterStore store;
  private final ModelGraph model;
  private final Operand<TFloat32> images;
  private final Placeholder<TInt32> labels;
  private final Placeholder<TFloat32> lr;
  private final Placeholder<TFloat32> beta1Power;
  private final Placeholder<TFloat32> beta2Power;
  private final Output<TInt64> rngKey;
  private final Operand<TFloat32> loss;
  private final Operand<TFloat32> gradientNorm;
  private final Map<String, Operand<TFloat32>> gradients = new LinkedHashMap<>();
  private final Op update;
  private final VariableIo state;
  private final List<String> decayed = new ArrayList<>();
  private final Map<String, Double> trained = new LinkedHashMap<>();
  private long step;
  private long seed;
  /** Whether the parameters hold values (random initial ones, or loaded or restored). Guarded by {@code this}. */
  private boolean parametersReady;
  private VitModel evalModel;

  private Trainer(ModelConfig config, TrainConfig train, long totalSteps) {
    this.config = config;
    this.train = train;
    this.schedule = train.schedule(totalSteps);
    this.seed = train.seed();
    Graph g = new Graph();
    Session s = null;
    try {
      store = new GraphParameterStore(g, train.seed());
      model = ModelGraph.build(g, config, Mode.TRAINING, train.precision(), store);
      // The model's root ops: the loss and optimizer are named by the same scan-free scope.
      Ops tf = model.tf();
      images = model.images();
      Operand<TFloat32> logits = model.logits();
      labels = tf.withName("labels").placeholder(TInt32.class, Placeholder.shape(Shape.of(-1)));
      lr = tf.withName("learning_rate").placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
      beta1Power = tf.withName("adamw_beta1_power").placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
      beta2Power = tf.withName("adamw_beta2_power").placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
      GraphOperation key = g.operation(BuildContext.RNG_KEY);
      rngKey = key == null ? null : key.output(0);

      int k = config.numClasses();
      float eps = (float) train.labelSmoothing();
      Operand<TFloat32> targets = tf.oneHot(labels, tf.constant(k), tf.constant(1f - eps + eps / k), tf.constant(eps / k));
      Operand<TFloat32> perExample = tf.nn.softmaxCrossEntropyWithLogits(logits, targets).loss();
      loss = tf.withName("loss").math.mean(perExample, tf.constant(0));

      List<ParameterSpec> all = store.parameters();
      List<ParameterSpec> params = all.stream().filter(p -> train.freeze().trains(p.name())).toList();
      if (params.isEmpty()) {
        throw new IllegalArgumentException(config.architecture() + ": freeze " + train.freeze() + " leaves no parameter to train");
      }
      Map<String, Double> lrScales = LayerDecay.scales(all.stream().map(ParameterSpec::name).toList(), train.layerDecay());
      Output<?>[] reads = new Output<?>[params.size()];
      for (int i = 0; i < reads.length; i++) {
        reads[i] = g.operation(params.get(i).name() + "/read").output(0);
      }
      Output<?>[] grads = g.addGradients(loss.asOutput(), reads);
      List<String> noGradient = new ArrayList<>();
      List<Operand<TFloat32>> raw = new ArrayList<>();
      for (int i = 0; i < grads.length; i++) {
        if (grads[i] == null) {
          noGradient.add(params.get(i).name());
        }
        @SuppressWarnings("unchecked")
        Operand<TFloat32> gi = (Operand<TFloat32>) grads[i];
        raw.add(gi);
      }
      if (!noGradient.isEmpty()) {
        throw new IllegalStateException(config.architecture() + ": the loss does not depend on parameters " + noGradient);
      }
      List<Operand<TFloat32>> squares = new ArrayList<>();
      raw.forEach(gi -> squares.add(tf.sum(tf.math.square(gi), tf.constant(allAxes(gi)))));
      gradientNorm = tf.withName("gradient_norm").math.sqrt(tf.math.addN(squares));
      Operand<TFloat32> scale = null;
      if (train.clipNorm() > 0) {
        Operand<TFloat32> clip = tf.constant((float) train.clipNorm());
        scale = tf.withName("clip_scale").math.div(clip, tf.math.maximum(gradientNorm, clip));
      }
      List<AdamW.Target> targetsList = new ArrayList<>();
      for (int i = 0; i < params.size(); i++) {
        ParameterSpec p = params.get(i);
        Operand<TFloat32> gi = scale == null ? raw.get(i) : tf.math.mul(raw.get(i), scale);
        gradients.put(p.name(), raw.get(i));
        boolean decay = p.role().weightDecay();
        if (decay) {
          decayed.add(p.name());
        }
        trained.put(p.name(), lrScales.get(p.name()));
        targetsList.add(new AdamW.Target(p.name(), store.variable(p.name()), gi, p.shape(), decay, lrScales.get(p.name())));
      }
      AdamW adamw = new AdamW(g, tf, targetsList,
          new AdamW.Hyper(train.beta1(), train.beta2(), train.epsilon(), train.weightDecay()), lr, beta1Power, beta2Power);
      update = adamw.update();

      Map<String, Output<TFloat32>> vars = new LinkedHashMap<>();
      Map<String, long[]> shapes = new LinkedHashMap<>();
      for (ParameterSpec p : all) {
        vars.put(p.name(), store.variable(p.name()));
        shapes.put(p.name(), p.shape());
      }
      for (Map.Entry<String, Output<TFloat32>> e : adamw.slots().entrySet()) {
        vars.put(e.getKey(), e.getValue());
        shapes.put(e.getKey(), adamw.slotShape(e.getKey()));
      }
      state = new VariableIo(g, vars, shapes);

      s = new Session(g, sessionConfig(train.threads()));
      s.initialize(); // the optimizer's moments (init-scope ops, zeros); the parameters on first use
    } catch (RuntimeException | Error e) {
      if (s != null) {
        s.close();
      }
      g.close();
      throw e;
    }
    graph = g;
    session = s;
  }

  /**
   * Builds a trainer with freshly initialised weights (seed {@code train.seed()}).
   *
   * @param totalSteps length of the run, for the learning-rate schedule
   */
  public static Trainer create(ModelConfig config, TrainConfig train, long totalSteps) {
    return new Trainer(config, train, totalSteps);
  }

  static ConfigProto sessionConfig(int threads) {
    ConfigProto.Builder b = ConfigProto.newBuilder();
    if (threads > 0) {
      b.setIntraOpParallelismThreads(threads).setInterOpParallelismThreads(1);
    }
    return b.build();
  }

  /**
   * The session, after writing the parameters' seeded initial values unless weights were loaded or a
   * checkpoint restored before: resuming never pays for random initialisation.
   */
  private synchronized Session session() {
    if (!parametersReady) {
      store.initialize(session);
      parametersReady = true;
    }
    return session;
  }

  private static int[] allAxes(Operand<?> x) {
    int r = x.shape().numDimensions();
    int[] axes = new int[Math.max(r, 0)];
    for (int i = 0; i < axes.length; i++) {
      axes[i] = i;
    }
    return axes;
  }

  /** The model config. */
  public ModelConfig config() {
    return config;
  }

  /** Sets the run's length, for the learning-rate schedule (when it is known only after a restore). */
  void setTotalSteps(long totalSteps) {
    schedule = train.schedule(totalSteps);
  }

  /** Number of steps taken so far (the 0-based index of the next step). */
  public long globalStep() {
    return step;
  }

  /** The seed of the randomness (data order, augmentation, dropout); restored from checkpoints. */
  public long seed() {
    return seed;
  }

  /** Names of the parameters that receive decoupled weight decay, in registration order. */
  public List<String> decayedParameters() {
    return List.copyOf(decayed);
  }

  /**
   * The parameters that train (all but the {@linkplain TrainConfig#freeze() frozen} ones) with their
   * learning-rate multiplier ({@linkplain TrainConfig#layerDecay() layer-wise decay}), in registration order.
   */
  public Map<String, Double> trainedParameters() {
    return new LinkedHashMap<>(trained);
  }

  /** Every parameter of the model (the store's list, frozen ones included), in registration order. */
  public List<ParameterSpec> parameters() {
    return store.parameters();
  }

  /** Number of scalar parameters. */
  public long parameterCount() {
    return store.parameterCount();
  }

  /**
   * Takes one AdamW step on a batch.
   *
   * @throws DataException if the batch does not fit the model (image size, channels, labels)
   * @throws NonFiniteLossException if the loss is NaN or infinite (the update has been applied; the
   *     weights are unusable)
   */
  public StepResult step(Batch batch) {
    checkBatch(batch);
    double rate = schedule.at(step);
    long t = step + 1;
    try (TFloat32 x = TFloat32.tensorOf(Shape.of(batch.shape()), b -> b.asRawTensor().data().asFloats().write(batch.images()));
        TInt32 y = TInt32.vectorOf(batch.labels());
        TFloat32 lrT = TFloat32.scalarOf((float) rate);
        TFloat32 b1 = TFloat32.scalarOf((float) Math.pow(train.beta1(), t));
        TFloat32 b2 = TFloat32.scalarOf((float) Math.pow(train.beta2(), t));
        TInt64 key = TInt64.vectorOf(seed, step)) {
      Session.Runner r = session().runner().feed(images, x).feed(labels, y).feed(lr, lrT).feed(beta1Power, b1)
          .feed(beta2Power, b2).fetch(loss).fetch(gradientNorm).addTarget(update);
      if (rngKey != null) {
        r.feed(rngKey, key);
      }
      float l;
      float norm;
      try (Result res = r.run()) {
        l = ((TFloat32) res.get(0)).getFloat();
        norm = ((TFloat32) res.get(1)).getFloat();
      }
      if (!Float.isFinite(l)) {
        throw new NonFiniteLossException(step, l, "");
      }
      StepResult out = new StepResult(step, l, norm, rate);
      step++;
      return out;
    }
  }

  /**
   * The training loss of a batch at the current weights, with the dropout randomness of step {@code
   * rngStep}, without updating anything.
   */
  public float loss(Batch batch, long rngStep) {
    return evaluateTraining(batch, rngStep, List.of()).loss;
  }

  /** Gradients of the training loss on a batch (randomness of step {@code rngStep}) for the named parameters. */
  public Map<String, HostTensor> gradients(Batch batch, long rngStep, List<String> names) {
    return evaluateTraining(batch, rngStep, names).gradients;
  }

  private record LossAndGradients(float loss, Map<String, HostTensor> gradients) {}

  private LossAndGradients evaluateTraining(Batch batch, long rngStep, List<String> names) {
    checkBatch(batch);
    try (TFloat32 x = TFloat32.tensorOf(Shape.of(batch.shape()), b -> b.asRawTensor().data().asFloats().write(batch.images()));
        TInt32 y = TInt32.vectorOf(batch.labels());
        TInt64 key = TInt64.vectorOf(seed, rngStep)) {
      Session.Runner r = session().runner().feed(images, x).feed(labels, y).fetch(loss);
      if (rngKey != null) {
        r.feed(rngKey, key);
      }
      for (String n : names) {
        Operand<TFloat32> gi = gradients.get(n);
        if (gi == null) {
          throw new IllegalArgumentException("no parameter named '" + n + "'");
        }
        r.fetch(gi);
      }
      Map<String, HostTensor> out = new LinkedHashMap<>();
      try (Result res = r.run()) {
        for (int i = 0; i < names.size(); i++) {
          out.put(names.get(i), HostTensor.of((TFloat32) res.get(i + 1)));
        }
        return new LossAndGradients(((TFloat32) res.get(0)).getFloat(), out);
      }
    }
  }

  private void checkBatch(Batch batch) {
    if (batch.height() != config.imageHeight() || batch.width() != config.imageWidth() || batch.channels() != config.channels()) {
      throw new DataException("images are " + batch.height() + "x" + batch.width() + "x" + batch.channels()
          + " but the " + config.architecture() + " model expects " + config.imageHeight() + "x" + config.imageWidth()
          + "x" + config.channels() + " (height x width x channels); resize the data or change the model");
    }
    ImageDataset.checkLabels(batch.labels(), config.numClasses(), "batch of step " + step);
  }

  /**
   * Checks that a dataset can train this model: same image size and channels, every label within the
   * model's classes.
   *
   * @throws DataException naming the mismatch
   */
  public static void checkCompatible(ImageDataset data, ModelConfig config, String what) {
    if (data.height() != config.imageHeight() || data.width() != config.imageWidth() || data.channels() != config.channels()) {
      throw new DataException(what + ": images are " + data.height() + "x" + data.width() + "x" + data.channels()
          + " but the " + config.architecture() + " model expects " + config.imageHeight() + "x" + config.imageWidth()
          + "x" + config.channels() + " (height x width x channels); resize the data or change the model");
    }
    ImageDataset.checkLabels(data.labels(), config.numClasses(), what + " (model has numClasses=" + config.numClasses() + ")");
  }

  // ---- weights and checkpoints ----

  /** The current weights by parameter name. */
  public Map<String, HostTensor> weights() {
    return store.read(session());
  }

  /** Replaces the weights (strict: every parameter, exact shapes). Optimizer moments are kept. */
  public void loadWeights(Map<String, HostTensor> weights) {
    List<String> missing = store.parameters().stream().map(ParameterSpec::name).filter(n -> !weights.containsKey(n)).toList();
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException("weights do not match the model: missing " + missing);
    }
    synchronized (this) {
      store.assign(session, weights);
      parametersReady = true;
    }
  }

  /**
   * Saves the full training state atomically as safetensors: every parameter under its name, the
   * AdamW moments under {@code adamw/m/...} and {@code adamw/v/...}, and metadata {@code format},
   * {@code architecture}, {@code step} and {@code seed} (plus {@code extra}).
   */
  public void save(Path file, Map<String, String> extra) throws IOException {
    Map<String, String> meta = new LinkedHashMap<>(extra);
    meta.put("format", CHECKPOINT_FORMAT);
    meta.put("architecture", config.architecture());
    meta.put("step", Long.toString(step));
    meta.put("seed", Long.toString(seed));
    SafeTensors.write(file, state.read(session()), meta);
  }

  /**
   * Restores a training checkpoint written by {@link #save}: weights, moments, step and seed. Strict:
   * all problems (wrong format or architecture, missing, unexpected or mis-shaped tensors) are reported
   * together and nothing is changed.
   *
   * @return the checkpoint's metadata
   */
  public Map<String, String> restore(Path file) throws IOException {
    SafeTensors.Contents c = SafeTensors.read(file);
    Map<String, String> meta = c.metadata();
    List<String> problems = new ArrayList<>();
    if (!CHECKPOINT_FORMAT.equals(meta.get("format"))) {
      problems.add("format is '" + meta.get("format") + "', expected '" + CHECKPOINT_FORMAT + "'");
    }
    if (!config.architecture().equals(meta.get("architecture"))) {
      problems.add("architecture is '" + meta.get("architecture") + "', expected '" + config.architecture() + "'");
    }
    long newStep = -1;
    long newSeed = 0;
    try {
      newStep = Long.parseLong(meta.getOrDefault("step", ""));
      newSeed = Long.parseLong(meta.getOrDefault("seed", ""));
    } catch (NumberFormatException e) {
      problems.add("metadata 'step' and 'seed' must be integers, got " + meta.get("step") + " and " + meta.get("seed"));
    }
    Map<String, long[]> shapes = state.shapes();
    List<String> missing = new ArrayList<>();
    List<String> misShaped = new ArrayList<>();
    for (Map.Entry<String, long[]> e : shapes.entrySet()) {
      HostTensor t = c.tensors().get(e.getKey());
      if (t == null) {
        missing.add(e.getKey());
      } else if (!Arrays.equals(t.shape(), e.getValue())) {
        misShaped.add(e.getKey() + " " + Arrays.toString(t.shape()) + " (expected " + Arrays.toString(e.getValue()) + ")");
      }
    }
    List<String> unexpected = c.tensors().keySet().stream().filter(n -> !shapes.containsKey(n)).toList();
    if (!missing.isEmpty()) {
      problems.add("missing " + missing);
    }
    if (!unexpected.isEmpty()) {
      problems.add("unexpected " + unexpected);
    }
    if (!misShaped.isEmpty()) {
      problems.add("mis-shaped " + misShaped);
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(file + ": not a training checkpoint of this model: " + String.join("; ", problems));
    }
    synchronized (this) {
      state.assign(session, c.tensors()); // every parameter and moment: checked complete above
      parametersReady = true;
    }
    step = newStep;
    seed = newSeed;
    return meta;
  }

  /**
   * Writes the model weights only, under our parameter names, in the format {@link
   * dev.vittf.io.Checkpoints#save} writes: it loads into an inference {@link VitModel} with {@code
   * Checkpoints.load(model, file, CheckpointSource.NATIVE)}.
   */
  public void exportWeights(Path file) throws IOException {
    SafeTensors.write(file, weights(), Map.of("format", "vit-tf", "architecture", config.architecture(),
        "step", Long.toString(step)));
  }

  // ---- evaluation ----

  /**
   * Evaluates the current weights on a dataset with an inference graph (built once, deterministic, no
   * dropout), in order, in batches of {@code batchSize}.
   */
  public Evaluation evaluate(ImageDataset data, Normalization norm, int batchSize) {
    checkCompatible(data, config, "evaluation data");
    VitModel model = inferenceModel();
    model.loadWeights(weights());
    return evaluate(model, BatchLoader.evaluation(data, batchSize, norm));
  }

  /**
   * Evaluates the current weights on every batch of a source (in order; the source decides the
   * preprocessing) with the inference graph.
   */
  public Evaluation evaluate(BatchSource source) {
    VitModel model = inferenceModel();
    model.loadWeights(weights());
    return evaluate(model, source);
  }

  /** Accuracy and mean cross-entropy of an inference model on every batch of a loader. */
  public static Evaluation evaluate(VitModel model, BatchSource loader) {
    long correct = 0;
    double lossSum = 0;
    int count = 0;
    for (int i = 0; i < loader.batchesPerEpoch(); i++) {
      Batch b = loader.batch(0, i);
      HostTensor logits = model.predict(new HostTensor(b.shape(), b.images()));
      int k = (int) logits.dim(1);
      float[] z = logits.data();
      int[] predicted = logits.argmaxRows();
      for (int n = 0; n < b.size(); n++) {
        int best = predicted[n];
        double max = z[n * k + best];
        double sum = 0;
        for (int j = 0; j < k; j++) {
          sum += Math.exp(z[n * k + j] - max);
        }
        lossSum += Math.log(sum) + max - z[n * k + b.labels()[n]];
        if (best == b.labels()[n]) {
          correct++;
        }
        count++;
      }
    }
    return new Evaluation((double) correct / count, lossSum / count, count);
  }

  /** The inference model used by {@link #evaluate} (owned by this trainer; weights as of the last evaluation). */
  public synchronized VitModel inferenceModel() {
    if (evalModel == null) {
      evalModel = VitModel.create(config,
          new VitModel.Options(Mode.INFERENCE, train.seed(), sessionConfig(train.threads()), train.precision()));
    }
    return evalModel;
  }

  /** The model part of the training graph: input, logits, parameter store, the scope it was built with. */
  public ModelGraph modelGraph() {
    return model;
  }

  /** The training graph (owned by this trainer). */
  public Graph graph() {
    return graph;
  }

  @Override
  public synchronized void close() {
    if (evalModel != null) {
      evalModel.close();
      evalModel = null;
    }
    session.close();
    graph.close();
  }
}
