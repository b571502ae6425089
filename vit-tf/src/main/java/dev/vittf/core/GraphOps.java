package dev.vittf.core;

import org.tensorflow.Graph;
import org.tensorflow.op.ImportFreeScope;
import org.tensorflow.op.Ops;

/**
 * Root {@link Ops} for building a model into a {@link Graph}. TF Java 1.1's {@code Ops.withSubScope} re-reads
 * the name of every operation already in the graph, so building with {@code Ops.create(graph)} is quadratic in
 * the graph size (ScalableViT seed: ~7 s instead of ~0.1 s); {@link #create} returns {@code Ops} whose
 * sub-scopes skip that scan and give the same op names (see {@link ImportFreeScope}), falling back to {@code
 * Ops.create} where that class cannot be linked (e.g. TF Java on the module path).
 */
public final class GraphOps {
  private GraphOps() {}

  /** Root ops over {@code graph} with scan-free sub-scopes. */
  public static Ops create(Graph graph) {
    try {
      return ImportFreeScope.ops(graph);
    } catch (LinkageError e) {
      return Ops.create(graph);
    }
  }
}
