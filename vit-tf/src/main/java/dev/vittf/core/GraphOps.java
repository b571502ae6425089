package dev.vittf.core;

import org.tensorflow.ConcreteFunction;
import org.tensorflow.ExecutionEnvironment;
import org.tensorflow.Operation;
import org.tensorflow.OperationBuilder;
import org.tensorflow.op.Ops;
import org.tensorflow.op.Scope;

/**
 * Root {@link Ops} over a graph or an eager session whose name scopes are {@link ScanFreeScope}s: the op
 * names of {@code Ops.create(env)}, built in time linear in the graph size (TF Java 1.1's own scope re-reads
 * the whole graph whenever a sub-scope is opened). Every model is built through these ops ({@code
 * dev.vittf.models.ModelGraph}); {@link #isScanFree} tells whether a given {@code Ops} is one of them.
 */
public final class GraphOps {
  private GraphOps() {}

  /** Root ops over {@code env} with scan-free sub-scopes. */
  public static Ops create(ExecutionEnvironment env) {
    // Ops has no public constructor taking a scope; Ops.create(env) takes env.baseScope(), so hand it an
    // environment whose base scope is ours. The scope itself reports (and builds into) the real env.
    return Ops.create(new BaseScopeOverride(env, ScanFreeScope.root(env)));
  }

  /** Whether {@code tf} names its ops through a {@link ScanFreeScope}. */
  public static boolean isScanFree(Ops tf) {
    return tf.scope() instanceof ScanFreeScope;
  }

  /** Delegates everything to {@code env} except the base scope. Only ever seen by {@code Ops.create}. */
  private record BaseScopeOverride(ExecutionEnvironment env, Scope baseScope) implements ExecutionEnvironment {
    @Override
    public OperationBuilder opBuilder(String type, String name, Scope scope) {
      return env.opBuilder(type, name, scope);
    }

    @Override
    public void attachFunction(ConcreteFunction function) {
      env.attachFunction(function);
    }

    @Override
    public boolean isOpEnabled(String opType) {
      return env.isOpEnabled(opType);
    }

    @Override
    public void checkInput(Operation input) {
      env.checkInput(input);
    }

    @Override
    public Types environmentType() {
      return env.environmentType();
    }

    @Override
    public boolean isInitializer(Operation op) {
      return env.isInitializer(op);
    }
  }
}
