package dev.vittf.train;

import dev.vittf.core.ConfigCheck;
import dev.vittf.core.Precision;
import dev.vittf.data.Augmentation;

/**
 * Hyper-parameters of a training run. Immutable; validated completely in the constructor (every
 * violation reported with field, value and rule). Build with {@link #builder()}.
 *
 * @param epochs passes over the training set
 * @param batchSize images per step
 * @param learningRate peak learning rate (after warm-up)
 * @param minLearningRate learning rate at the end of the cosine decay
 * @param warmupSteps linear warm-up length in steps
 * @param weightDecay decoupled weight decay (AdamW), applied only to parameters whose {@link
 *     dev.vittf.core.ParameterRole#weightDecay() role} decays
 * @param beta1 Adam first-moment decay
 * @param beta2 Adam second-moment decay
 * @param epsilon Adam epsilon (TensorFlow's "epsilon hat" form: added to {@code sqrt(v_t)} before the
 *     bias correction of the step size)
 * @param labelSmoothing label smoothing {@code ε}: targets {@code (1-ε)·onehot + ε/K}
 * @param clipNorm gradient clipping by global norm, 0 for none
 * @param seed seed of data order, augmentation and dropout randomness (and of the initial weights)
 * @param augmentation training-time augmentation
 * @param threads TensorFlow intra-op threads, 0 for TensorFlow's default
 * @param precision compute precision of the forward and backward passes (bf16: float32 master weights and AdamW
 *     state; see {@link Builder#precision})
 * @param freeze which parameters train ({@link Freeze#NONE}: all)
 * @param layerDecay layer-wise learning-rate decay factor in (0, 1] ({@link LayerDecay}; 1 = off)
 */
public record TrainConfig(
    int epochs,
    int batchSize,
    double learningRate,
    double minLearningRate,
    long warmupSteps,
    double weightDecay,
    double beta1,
    double beta2,
    double epsilon,
    double labelSmoothing,
    double clipNorm,
    long seed,
    Augmentation augmentation,
    int threads,
    Precision precision,
    Freeze freeze,
    double layerDecay) {

  /** Validates every field; throws {@link dev.vittf.core.InvalidConfigException} listing all violations. */
  public TrainConfig {
    ConfigCheck c = new ConfigCheck("TrainConfig");
    c.positive("epochs", epochs);
    c.positive("batchSize", batchSize);
    c.positiveFinite("learningRate", learningRate);
    c.require(Double.isFinite(minLearningRate) && minLearningRate >= 0 && minLearningRate <= learningRate,
        "minLearningRate", minLearningRate, "must be in [0, learningRate]");
    c.require(warmupSteps >= 0, "warmupSteps", warmupSteps, "must be >= 0");
    c.require(Double.isFinite(weightDecay) && weightDecay >= 0, "weightDecay", weightDecay, "must be finite and >= 0");
    c.require(beta1 >= 0 && beta1 < 1, "beta1", beta1, "must be in [0, 1)");
    c.require(beta2 >= 0 && beta2 < 1, "beta2", beta2, "must be in [0, 1)");
    c.positiveFinite("epsilon", epsilon);
    c.require(labelSmoothing >= 0 && labelSmoothing < 1, "labelSmoothing", labelSmoothing, "must be in [0, 1)");
    c.require(Double.isFinite(clipNorm) && clipNorm >= 0, "clipNorm", clipNorm, "must be finite and >= 0 (0 disables clipping)");
    c.notNull("augmentation", augmentation);
    c.require(threads >= 0, "threads", threads, "must be >= 0 (0 = TensorFlow default)");
    c.notNull("precision", precision);
    c.notNull("freeze", freeze);
    c.require(layerDecay > 0 && layerDecay <= 1, "layerDecay", layerDecay, "must be in (0, 1] (1 = no layer-wise decay)");
    c.throwIfInvalid();
  }

  /** The learning-rate schedule of a run of {@code totalSteps} steps. */
  public LrSchedule schedule(long totalSteps) {
    return new LrSchedule(learningRate, minLearningRate, Math.min(warmupSteps, totalSteps), totalSteps);
  }

  /** A builder initialised with this config's values. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * A builder with DeiT-like defaults: 10 epochs, batch 128, lr 1e-3 (min 1e-5), 500 warm-up steps,
   * weight decay 0.05, betas (0.9, 0.999), eps 1e-8, no label smoothing, clipping at norm 1, seed 0, no
   * augmentation, nothing frozen, no layer-wise decay.
   */
  public static Builder builder() {
    return new Builder();
  }

  /** Builder for {@link TrainConfig}; {@link #build()} validates. */
  public static final class Builder {
    private int epochs = 10;
    private int batchSize = 128;
    private double learningRate = 1e-3;
    private double minLearningRate = 1e-5;
    private long warmupSteps = 500;
    private double weightDecay = 0.05;
    private double beta1 = 0.9;
    private double beta2 = 0.999;
    private double epsilon = 1e-8;
    private double labelSmoothing;
    private double clipNorm = 1.0;
    private long seed;
    private Augmentation augmentation = Augmentation.NONE;
    private int threads;
    private Precision precision = Precision.FP32;
    private Freeze freeze = Freeze.NONE;
    private double layerDecay = 1;

    private Builder() {}

    private Builder(TrainConfig c) {
      epochs = c.epochs;
      batchSize = c.batchSize;
      learningRate = c.learningRate;
      minLearningRate = c.minLearningRate;
      warmupSteps = c.warmupSteps;
      weightDecay = c.weightDecay;
      beta1 = c.beta1;
      beta2 = c.beta2;
      epsilon = c.epsilon;
      labelSmoothing = c.labelSmoothing;
      clipNorm = c.clipNorm;
      seed = c.seed;
      augmentation = c.augmentation;
      threads = c.threads;
      precision = c.precision;
      freeze = c.freeze;
      layerDecay = c.layerDecay;
    }

    /** Passes over the training set. */
    public Builder epochs(int v) {
      epochs = v;
      return this;
    }

    /** Images per step. */
    public Builder batchSize(int v) {
      batchSize = v;
      return this;
    }

    /** Peak learning rate. */
    public Builder learningRate(double v) {
      learningRate = v;
      return this;
    }

    /** Final learning rate of the cosine decay. */
    public Builder minLearningRate(double v) {
      minLearningRate = v;
      return this;
    }

    /** Warm-up length in steps. */
    public Builder warmupSteps(long v) {
      warmupSteps = v;
      return this;
    }

    /** Decoupled weight decay. */
    public Builder weightDecay(double v) {
      weightDecay = v;
      return this;
    }

    /** Adam betas. */
    public Builder betas(double b1, double b2) {
      beta1 = b1;
      beta2 = b2;
      return this;
    }

    /** Adam epsilon. */
    public Builder epsilon(double v) {
      epsilon = v;
      return this;
    }

    /** Label smoothing. */
    public Builder labelSmoothing(double v) {
      labelSmoothing = v;
      return this;
    }

    /** Global-norm gradient clipping threshold, 0 for none. */
    public Builder clipNorm(double v) {
      clipNorm = v;
      return this;
    }

    /** Seed of data order, augmentation, dropout and initial weights. */
    public Builder seed(long v) {
      seed = v;
      return this;
    }

    /** Training-time augmentation. */
    public Builder augmentation(Augmentation v) {
      augmentation = v;
      return this;
    }

    /** TensorFlow intra-op threads (0 = default). */
    public Builder threads(int v) {
      threads = v;
      return this;
    }

    /**
     * What the forward and backward passes compute in: {@link Precision#BF16} runs the matrix products in bf16
     * while the weights, their gradients and the AdamW state stay float32 (the casts sit between the float32
     * variables and the products, so the gradients arrive in float32).
     */
    public Builder precision(Precision v) {
      precision = v;
      return this;
    }

    /** Which parameters train. */
    public Builder freeze(Freeze v) {
      freeze = v;
      return this;
    }

    /** Layer-wise learning-rate decay factor (1 = off). */
    public Builder layerDecay(double v) {
      layerDecay = v;
      return this;
    }

    /** Validates and builds. */
    public TrainConfig build() {
      return new TrainConfig(epochs, batchSize, learningRate, minLearningRate, warmupSteps, weightDecay, beta1, beta2,
          epsilon, labelSmoothing, clipNorm, seed, augmentation, threads, precision, freeze, layerDecay);
    }
  }
}
