package dev.vittf.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.Scope;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TFloat32;

/**
 * AdamW (Loshchilov and Hutter, ICLR 2019) built into a graph by hand, because TensorFlow Java's
 * framework has no AdamW and its {@code Optimizer.minimize} trains every variable of the graph with a
 * constant learning rate. For each target {@code θ} with gradient {@code g}, one update is
 *
 * <pre>
 * θ ← θ − lr·λ·θ                       (decoupled weight decay, only where {@code decay} is set)
 * m ← β1·m + (1−β1)·g
 * v ← β2·v + (1−β2)·g²
 * θ ← θ − lr·sqrt(1−β2^t)/(1−β1^t) · m / (sqrt(v) + ε)
 * </pre>
 *
 * (the decay first, as in PyTorch's {@code AdamW}; the Adam step is TensorFlow's fused {@code
 * ApplyAdam}, whose ε is the "ε-hat" of the Adam paper's §2). The learning rate {@code lr} and the
 * bias-correction powers {@code β1^t}, {@code β2^t} are graph inputs fed every step, so schedules and
 * resuming need no extra state. Every update waits for every gradient, so all gradients see the
 * weights before the step.
 *
 * <p>The moments are {@code VariableV2}s named {@code adamw/m/<parameter>} and {@code
 * adamw/v/<parameter>}, zero-initialised in the init scope.
 */
public final class AdamW {
  /** Name prefix of the first-moment slots. */
  public static final String M_PREFIX = "adamw/m/";
  /** Name prefix of the second-moment slots. */
  public static final String V_PREFIX = "adamw/v/";

  /**
   * One trained variable.
   *
   * @param name parameter name
   * @param variable the {@code VariableV2} output
   * @param gradient its gradient
   * @param shape its static shape
   * @param decay whether decoupled weight decay applies
   * @param lrScale multiplier of the learning rate for this variable (layer-wise decay; 1 normally)
   */
  public record Target(String name, Output<TFloat32> variable, Operand<TFloat32> gradient, long[] shape, boolean decay,
      double lrScale) {
    /** Copies the shape. */
    public Target {
      shape = shape.clone();
      if (!(lrScale > 0 && Double.isFinite(lrScale))) {
        throw new IllegalArgumentException(name + ": learning-rate scale must be positive and finite, got " + lrScale);
      }
    }

    /** A target trained at the base learning rate. */
    public Target(String name, Output<TFloat32> variable, Operand<TFloat32> gradient, long[] shape, boolean decay) {
      this(name, variable, gradient, shape, decay, 1);
    }

    @Override
    public long[] shape() {
      return shape.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Target t && t.name.equals(name);
    }

    @Override
    public int hashCode() {
      return name.hashCode();
    }

    @Override
    public String toString() {
      return name + Arrays.toString(shape) + (decay ? " decay" : "") + (lrScale != 1 ? " lr x" + lrScale : "");
    }
  }

  /**
   * Optimizer constants.
   *
   * @param beta1 first-moment decay
   * @param beta2 second-moment decay
   * @param epsilon ε-hat
   * @param weightDecay decoupled decay λ (multiplied by the current learning rate)
   */
  public record Hyper(double beta1, double beta2, double epsilon, double weightDecay) {}

  private final Map<String, Output<TFloat32>> slots = new LinkedHashMap<>();
  private final Map<String, long[]> slotShapes = new LinkedHashMap<>();
  private final Op update;

  /**
   * Builds the update ops.
   *
   * @param graph the graph
   * @param tf ops of that graph
   * @param targets variables with their gradients
   * @param hyper optimizer constants
   * @param lr scalar learning rate input
   * @param beta1Power scalar {@code β1^t} input ({@code t} = 1-based step)
   * @param beta2Power scalar {@code β2^t} input
   */
  public AdamW(Graph graph, Ops tf, List<Target> targets, Hyper hyper, Operand<TFloat32> lr,
      Operand<TFloat32> beta1Power, Operand<TFloat32> beta2Power) {
    Ops init = tf.withInitScope();
    List<Op> gradients = new ArrayList<>();
    targets.forEach(t -> gradients.add(t.gradient()));
    Op gate = tf.withControlDependencies(gradients).withName("adamw_gradients_ready").noOp();
    Ops gated = tf.withControlDependencies(List.of(gate));
    Operand<TFloat32> b1 = tf.constant((float) hyper.beta1());
    Operand<TFloat32> b2 = tf.constant((float) hyper.beta2());
    Operand<TFloat32> eps = tf.constant((float) hyper.epsilon());
    List<Op> updates = new ArrayList<>();
    Map<Double, Operand<TFloat32>> rates = new LinkedHashMap<>();
    for (Target t : targets) {
      // Layer-wise decay: one scaled rate per distinct scale; the weight decay follows the scaled rate, as in timm.
      Operand<TFloat32> rate = rates.computeIfAbsent(t.lrScale(), k -> k == 1 ? lr : tf.math.mul(lr, tf.constant((float) (double) k)));
      Operand<TFloat32> decayRate = tf.math.mul(rate, tf.constant((float) hyper.weightDecay()));
      Output<TFloat32> m = slot(graph, init, M_PREFIX + t.name(), t.shape());
      Output<TFloat32> v = slot(graph, init, V_PREFIX + t.name(), t.shape());
      Ops step = gated;
      if (t.decay() && hyper.weightDecay() > 0) {
        Op decay = gated.assignSub(t.variable(), gated.math.mul(t.variable(), decayRate));
        step = tf.withControlDependencies(List.of(gate, decay));
      }
      updates.add(step.train.applyAdam(t.variable(), m, v, beta1Power, beta2Power, rate, b1, b2, eps, t.gradient()));
    }
    this.update = tf.withControlDependencies(updates).withName("adamw_update").noOp();
  }

  private Output<TFloat32> slot(Graph graph, Ops init, String name, long[] shape) {
    Scope scope = init.scope();
    GraphOperation var = graph.opBuilder("VariableV2", name, scope)
        .setAttr("dtype", DataType.DT_FLOAT)
        .setAttr("shape", Shape.of(shape))
        .build();
    if (!var.name().equals(name)) {
      throw new IllegalStateException("TensorFlow named slot '" + name + "' as '" + var.name() + "'");
    }
    Output<TFloat32> out = var.output(0);
    Operand<TFloat32> zeros = init.withSubScope(name.replace('/', '_') + "_init").zeros(init.constant(shape), TFloat32.class);
    graph.opBuilder("Assign", name + "/Assign", scope).addInput(out).addInput(zeros.asOutput()).build();
    slots.put(name, out);
    slotShapes.put(name, shape.clone());
    return out;
  }

  /** The op performing one update of every target. */
  public Op update() {
    return update;
  }

  /** The moment variables by name ({@code adamw/m/...}, {@code adamw/v/...}), in creation order. */
  public Map<String, Output<TFloat32>> slots() {
    return new LinkedHashMap<>(slots);
  }

  /** The static shape of a slot. */
  public long[] slotShape(String name) {
    return slotShapes.get(name).clone();
  }
}
