package dev.vittf.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The size of a model, estimated from its config's fields before anything is built, and checked
 * against {@link ResourceLimits}: the one place where every config is sized. A config's validation
 * adds terms (parameter tensors, activations of one image, graph ops), each with the config fields it
 * is a product of, then calls {@link #check}; over a limit, the violation names the field with the
 * largest value in the dominant term, e.g. {@code depth=1000000: the model would have 4.2e10
 * parameters (157 GiB), over the limit of ...}.
 *
 * <p>All arithmetic is in {@code double}, so no field value can overflow it; every single tensor must
 * also have fewer than 2^31 elements (Java arrays and TensorFlow Java's int-sized shapes), whatever the
 * limits.
 */
public final class ModelSize {
  /** Largest element count of one tensor (a Java array). */
  public static final double MAX_TENSOR_ELEMENTS = Integer.MAX_VALUE - 8;

  /**
   * A config field and its value, a factor of a size term.
   *
   * @param field the config field
   * @param value its value
   */
  public record Factor(String field, double value) {
    @Override
    public String toString() {
      return field + "=" + ModelSize.plain(value);
    }
  }

  /** {@code copies} tensors of {@code elements} each. */
  private record Term(String what, double copies, double elements, List<Factor> factors) {
    double count() {
      return copies * elements;
    }

    Factor blamed() {
      Factor best = factors.get(0);
      for (Factor f : factors) {
        if (f.value() > best.value()) {
          best = f;
        }
      }
      return best;
    }
  }

  private final List<Term> parameters = new ArrayList<>();
  private final List<Term> activations = new ArrayList<>();
  private final List<Term> ops = new ArrayList<>();

  /** Creates an empty estimate. */
  public ModelSize() {}

  /** Shorthand for a factor. */
  public static Factor f(String field, double value) {
    return new Factor(field, value);
  }

  /**
   * Adds {@code copies} parameter tensors of {@code elements} each (e.g. one kernel per block).
   *
   * @param what the tensor, for messages ({@code "attention kernels"})
   * @param copies how many such tensors
   * @param elements the element count of one
   * @param factors the fields that count depends on (the largest is blamed)
   */
  public ModelSize parameters(String what, double copies, double elements, Factor... factors) {
    parameters.add(new Term(what, copies, elements, List.of(factors)));
    return this;
  }

  /** Adds an activation of one image with {@code elements} floats. */
  public ModelSize activation(String what, double elements, Factor... factors) {
    activations.add(new Term(what, 1, elements, List.of(factors)));
    return this;
  }

  /** Adds {@code count} graph ops. */
  public ModelSize ops(String what, double count, Factor... factors) {
    ops.add(new Term(what, 1, count, List.of(factors)));
    return this;
  }

  /** Estimated parameter count. */
  public double parameterCount() {
    return parameters.stream().mapToDouble(Term::count).sum();
  }

  /** Estimated largest activation of one image, in floats. */
  public double largestActivation() {
    return activations.stream().mapToDouble(Term::count).max().orElse(0);
  }

  /** Estimated graph op count. */
  public double graphOps() {
    return ops.stream().mapToDouble(Term::count).sum();
  }

  /** Checks against {@link ResourceLimits#current()}. */
  public void check(ConfigCheck c) {
    check(c, ResourceLimits.current());
  }

  /** Adds a violation to {@code c} for every limit this size exceeds. */
  public void check(ConfigCheck c, ResourceLimits.Limits limits) {
    for (List<Term> terms : List.of(parameters, activations)) {
      for (Term t : terms) {
        if (t.elements() > MAX_TENSOR_ELEMENTS) {
          Factor b = t.blamed();
          c.require(false, b.field(), plain(b.value()), "a " + t.what() + " tensor would have " + sci(t.elements())
              + " elements (with " + t.factors() + "); one tensor must have fewer than 2^31");
          return;
        }
      }
    }
    double params = parameterCount();
    if (4 * params > limits.maxParameterBytes()) {
      Factor b = dominant(parameters).blamed();
      c.require(false, b.field(), plain(b.value()), "the model would have " + sci(params) + " parameters ("
          + bytes(4 * params) + "; " + dominant(parameters).what() + " with " + dominant(parameters).factors()
          + "), over the limit of " + bytes(limits.maxParameterBytes()) + " (" + limits.source() + "; "
          + ResourceLimits.howToChange(ResourceLimits.MAX_PARAMETER_BYTES) + ")");
    }
    Term act = dominant(activations);
    if (act != null && 4 * act.count() > limits.maxActivationBytes()) {
      Factor b = act.blamed();
      c.require(false, b.field(), plain(b.value()), "one image's " + act.what() + " would have " + sci(act.count())
          + " floats (" + bytes(4 * act.count()) + "; with " + act.factors() + "), over the limit of "
          + bytes(limits.maxActivationBytes()) + " (" + limits.source() + "; "
          + ResourceLimits.howToChange(ResourceLimits.MAX_ACTIVATION_BYTES) + ")");
    }
    double n = graphOps();
    if (n > limits.maxGraphOps()) {
      Factor b = dominant(ops).blamed();
      c.require(false, b.field(), plain(b.value()), "the graph would have about " + sci(n) + " ops, over the limit of "
          + limits.maxGraphOps() + " (" + ResourceLimits.howToChange(ResourceLimits.MAX_GRAPH_OPS) + ")");
    }
  }

  private static Term dominant(List<Term> terms) {
    Term best = null;
    for (Term t : terms) {
      if (best == null || t.count() > best.count()) {
        best = t;
      }
    }
    return best;
  }

  /** {@code 4.2e10} above a million, plain digits below. */
  static String sci(double v) {
    return v < 1e6 ? plain(v) : String.format(Locale.ROOT, "%.1e", v).replace("e+", "e").replace("e0", "e");
  }

  static String plain(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e18 ? Long.toString((long) v) : Double.toString(v);
  }

  /** Bytes in binary units: {@code 157 GiB}, {@code 3.5 MiB}. */
  public static String bytes(double b) {
    String[] units = {"bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    int u = 0;
    double v = b;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return (u == 0 || v >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.1f", v))
        + " " + units[u];
  }
}
