package org.tensorflow.op;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.DeviceSpec;
import org.tensorflow.ExecutionEnvironment;
import org.tensorflow.Operation;
import org.tensorflow.OperationBuilder;

/**
 * A {@link Scope} that behaves like TF Java 1.1's {@code OpScope} except that creating a sub-scope does not
 * re-import the names of every operation already in the graph. {@code OpScope.withSubScope} scans the whole
 * graph each time ({@code NameScope.importIdsFrom}), which makes building a model quadratic in its size
 * (ViT-B/16: ~0.2 s of ~0.25 s; ScalableViT seed, 10,442 ops: ~7 s of ~7 s). The graph is imported once, at the
 * root; below it, unique names come from the scope tree itself, which is how every op of a vit-tf model is
 * named (parameters get explicit full names and are checked for collisions by the parameter store). The
 * resulting op names are identical to {@code OpScope}'s. At the root it shares the graph's base scope (the one
 * every {@code Ops.create(graph)} uses), so root-level names never collide with other code's.
 *
 * <p>It lives in {@code org.tensorflow.op} because {@code Ops(Scope)} and {@code NameScope} are
 * package-private; {@code dev.vittf.core.GraphOps} falls back to {@link Ops#create} if it cannot be used.
 */
public final class ImportFreeScope implements Scope {
  private final ExecutionEnvironment env;
  /** At the root: the environment's shared base scope (names shared with every {@code Ops.create(env)}). */
  private final Scope root;
  /** Below the root: this scope's names. */
  private final NameScope nameScope;
  private final List<Operation> controlDependencies;
  private final DeviceSpec deviceSpec;
  private final boolean isInit;

  private ImportFreeScope(
      ExecutionEnvironment env, Scope root, NameScope nameScope, List<Operation> controlDependencies, DeviceSpec deviceSpec,
      boolean isInit) {
    this.env = env;
    this.root = root;
    this.nameScope = nameScope;
    this.controlDependencies = controlDependencies;
    this.deviceSpec = deviceSpec;
    this.isInit = isInit;
  }

  /** Root {@link Ops} over {@code env} whose sub-scopes do not re-scan the graph. */
  public static Ops ops(ExecutionEnvironment env) {
    Scope base = env.baseScope();
    return new Ops(new ImportFreeScope(env, base, null, new ArrayList<>(), DeviceSpec.newBuilder().build(), base.isInit()));
  }

  private ImportFreeScope atRoot(Scope newRoot, List<Operation> controls, DeviceSpec device, boolean init) {
    return new ImportFreeScope(env, newRoot, null, controls, device, init);
  }

  private ImportFreeScope below(NameScope names, List<Operation> controls, DeviceSpec device, boolean init) {
    return new ImportFreeScope(env, null, names, controls, device, init);
  }

  private NameScope child(String name) {
    if (root != null) {
      // The root's (shared) names make the prefix unique; a NameScope built with no environment imports nothing.
      return new NameScope((ExecutionEnvironment) null).withSubScope(root.makeUnique(name), null);
    }
    // NameScope.withSubScope imports from its environment argument only when it is a Graph.
    return nameScope.withSubScope(name, null);
  }

  @Override
  public ExecutionEnvironment env() {
    return env;
  }

  @Override
  public Scope withSubScope(String childScopeName) {
    return below(child(childScopeName), controlDependencies, deviceSpec, isInit);
  }

  @Override
  public Scope withName(String opName) {
    return root != null
        ? atRoot(root.withName(opName), controlDependencies, deviceSpec, isInit)
        : below(nameScope.withName(opName), controlDependencies, deviceSpec, isInit);
  }

  @Override
  public Scope withNameAsSubScope(String defaultName) {
    return below(child(makeOpName(defaultName)), controlDependencies, deviceSpec, isInit);
  }

  @Override
  public Scope withDevice(DeviceSpec newDevice) {
    return root != null
        ? atRoot(root, controlDependencies, newDevice, isInit)
        : below(nameScope, controlDependencies, newDevice, isInit);
  }

  @Override
  public Scope withInitScope() {
    return root != null
        ? atRoot(root, new ArrayList<>(), deviceSpec, true)
        : below(nameScope, new ArrayList<>(), deviceSpec, true);
  }

  @Override
  public String makeOpName(String defaultName) {
    return root != null ? root.makeOpName(defaultName) : nameScope.makeOpName(defaultName);
  }

  @Override
  public String makeUnique(String id) {
    return root != null ? root.makeUnique(id) : nameScope.makeUnique(id);
  }

  @Override
  public void refreshNames() {
    if (root != null) {
      root.refreshNames();
    } else {
      nameScope.importIdsFrom(env);
    }
  }

  @Override
  public Scope withControlDependencyOps(Iterable<Operation> controls) {
    ArrayList<Operation> toAdd = new ArrayList<>();
    for (Operation control : controls) {
      env.checkInput(control);
      if (isInit && !env.isInitializer(control)) {
        throw new IllegalArgumentException("Init scope can not have non-init control dependency.");
      }
      if (isInit || !env.isInitializer(control)) {
        toAdd.add(control);
      }
    }
    return root != null ? atRoot(root, toAdd, deviceSpec, isInit) : below(nameScope, toAdd, deviceSpec, isInit);
  }

  @Override
  public OperationBuilder apply(OperationBuilder builder) {
    builder.setDevice(deviceSpec.toString());
    for (Operation control : controlDependencies) {
      if (isInit || !env.isInitializer(control)) {
        builder.addControlInput(control);
      }
    }
    return builder;
  }

  @Override
  public boolean isInit() {
    return isInit;
  }

  @Override
  public String getDeviceString() {
    return deviceSpec.toString();
  }
}
