package dev.vittf.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.tensorflow.DeviceSpec;
import org.tensorflow.ExecutionEnvironment;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operation;
import org.tensorflow.OperationBuilder;
import org.tensorflow.op.Scope;

/**
 * A name {@link Scope} that gives every op the name TF Java 1.1's own scope ({@code OpScope}) would, without
 * its quadratic cost, written against TF Java's public API only.
 *
 * <p>Why: {@code OpScope.withSubScope} re-reads the name of every operation already in the graph, to learn
 * which names under the new prefix are taken. A model opens a sub-scope every few ops, so building it
 * with {@code Ops.create(graph)} is quadratic in its size (ScalableViT seed, about 10,000 ops: 8.6 s
 * instead of about 0.1 s; its training graph: about 200 s). Here the graph is consulted only at the root,
 * through the environment's shared base scope (so root-level names never collide with those of other
 * code using {@code Ops.create(graph)}); below the root each scope keeps its own table of used names.
 * A new prefix starts with an empty table, as {@code OpScope}'s does when nothing was created under that
 * prefix; a prefix handed out before (possible when a requested name equals a uniquified one, e.g. {@code
 * a_1}) re-reads the graph like {@code OpScope}. The one difference: ops created with explicit full names
 * by other means ({@code graph.opBuilder}) under a fresh prefix are not seen, so names must not clash with
 * them; vit-tf names only its parameters that way and checks them for collisions ({@link ParameterStore}).
 * The op names of every preset in both modes are compared with {@code Ops.create}'s by a test.
 *
 * <p>Obtain one through {@link GraphOps#create}: {@code Ops} has no public constructor taking a scope, so
 * it is handed to {@code Ops.create(ExecutionEnvironment)} through a small delegating environment whose
 * {@code baseScope()} is this scope. Immutable, like {@code OpScope}: every {@code with...} method returns
 * a new scope (scopes derived by {@link #withName} share the name table they came from).
 */
public final class ScanFreeScope implements Scope {
  /** TensorFlow's rule for a name segment (node_def_util.cc, as enforced by TF Java's scopes). */
  private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9.][A-Za-z0-9_.\\-]*");
  /** A name made unique by a numeric suffix, e.g. {@code Const_12}. */
  private static final Pattern SUFFIXED = Pattern.compile("(.+)_(\\d+)", Pattern.DOTALL);

  /** Prefixes handed out per environment (weak keys: forgotten with the graph), to notice a reused prefix. */
  private static final Map<ExecutionEnvironment, Set<String>> ISSUED = Collections.synchronizedMap(new WeakHashMap<>());

  private final ExecutionEnvironment env;
  /** At the root: the environment's base scope, which owns root-level names. Null below the root. */
  private final Scope rootNames;
  /** Below the root: the full prefix of this scope's ops ({@code blocks/3/attn}). Null at the root. */
  private final String prefix;
  /** Below the root: used names and their next suffix, shared by the scopes derived with {@link #withName}. */
  private final Map<String, Integer> used;
  /** The name set by {@link #withName}, used instead of an op's default name; null if unset. */
  private final String opName;
  private final List<Operation> controlDependencies;
  private final DeviceSpec device;
  private final boolean init;

  private ScanFreeScope(ExecutionEnvironment env, Scope rootNames, String prefix, Map<String, Integer> used,
      String opName, List<Operation> controlDependencies, DeviceSpec device, boolean init) {
    this.env = env;
    this.rootNames = rootNames;
    this.prefix = prefix;
    this.used = used;
    this.opName = opName;
    this.controlDependencies = controlDependencies;
    this.device = device;
    this.init = init;
  }

  /** The root scope of {@code env}: root-level names are shared with {@code env.baseScope()}. */
  static ScanFreeScope root(ExecutionEnvironment env) {
    Scope base = env.baseScope();
    return new ScanFreeScope(Objects.requireNonNull(env), base, null, null, null, List.of(),
        DeviceSpec.newBuilder().build(), base.isInit());
  }

  private ScanFreeScope with(String newOpName, List<Operation> controls, DeviceSpec newDevice, boolean newInit) {
    return new ScanFreeScope(env, rootNames, prefix, used, newOpName, controls, newDevice, newInit);
  }

  /** A child scope with the given full prefix and an empty name table. */
  private ScanFreeScope below(String childPrefix) {
    return new ScanFreeScope(env, null, childPrefix, new HashMap<>(), null, controlDependencies, device, init);
  }

  private static String checked(String name) {
    if (name == null) {
      throw new IllegalArgumentException("Names cannot be null");
    }
    if (!SEGMENT.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "invalid name: '" + name + "' does not match the regular expression " + SEGMENT.pattern());
    }
    return name;
  }

  private String qualify(String name) {
    return prefix == null ? name : prefix + "/" + name;
  }

  @Override
  public ExecutionEnvironment env() {
    return env;
  }

  @Override
  public Scope withSubScope(String childScopeName) {
    checked(childScopeName);
    // As in OpScope: a name set by withName replaces the requested one.
    ScanFreeScope child = below(qualify(makeUnique(opName != null ? opName : childScopeName)));
    if (!ISSUED.computeIfAbsent(env, e -> ConcurrentHashMap.newKeySet()).add(child.prefix)) {
      child.refreshNames(); // a reused prefix: learn the names already taken under it, as OpScope always does
    }
    return child;
  }

  @Override
  public Scope withName(String newOpName) {
    return with(checked(newOpName), controlDependencies, device, init);
  }

  @Override
  public Scope withNameAsSubScope(String defaultName) {
    // OpScope's composition: the sub-scope is named after the op name this scope would give.
    return withSubScope(makeOpName(defaultName));
  }

  @Override
  public Scope withDevice(DeviceSpec newDevice) {
    return with(opName, controlDependencies, newDevice, init);
  }

  @Override
  public Scope withInitScope() {
    return with(opName, List.of(), device, true);
  }

  @Override
  public String makeOpName(String defaultName) {
    checked(defaultName);
    return qualify(makeUnique(opName != null ? opName : defaultName));
  }

  @Override
  public String makeUnique(String id) {
    if (rootNames != null) {
      return rootNames.makeUnique(id);
    }
    synchronized (used) {
      Integer next = used.get(id);
      if (next == null) {
        used.put(id, 1);
        return id;
      }
      used.put(id, next + 1);
      return id + "_" + next;
    }
  }

  /**
   * Re-reads the names used under this scope's prefix from the graph (after ops were added by other means,
   * e.g. a {@code GraphDef} import). This is the one scan the scope does, and only when asked.
   */
  @Override
  public void refreshNames() {
    if (rootNames != null) {
      rootNames.refreshNames();
      return;
    }
    if (!(env instanceof Graph graph)) {
      return;
    }
    synchronized (used) {
      for (Iterator<GraphOperation> it = graph.operations(); it.hasNext(); ) {
        String name = it.next().name();
        if (!name.startsWith(prefix + "/")) {
          continue;
        }
        String local = name.substring(prefix.length() + 1);
        if (local.contains("/")) {
          continue;
        }
        Matcher m = SUFFIXED.matcher(local);
        if (m.find()) {
          used.merge(m.group(1), Integer.parseInt(m.group(2)) + 1, Math::max);
        } else {
          used.merge(local, 1, Integer::sum);
        }
      }
    }
  }

  @Override
  public Scope withControlDependencyOps(Iterable<Operation> controls) {
    List<Operation> kept = new ArrayList<>();
    for (Operation control : controls) {
      env.checkInput(control);
      boolean initializer = env.isInitializer(control);
      if (init && !initializer) {
        throw new IllegalArgumentException("Init scope can not have non-init control dependency.");
      }
      // Outside the init scope, initialisers are not dependencies: they ran when the session initialised.
      if (init || !initializer) {
        kept.add(control);
      }
    }
    return with(opName, List.copyOf(kept), device, init);
  }

  @Override
  public OperationBuilder apply(OperationBuilder builder) {
    builder.setDevice(device.toString());
    for (Operation control : controlDependencies) {
      if (init || !env.isInitializer(control)) {
        builder.addControlInput(control);
      }
    }
    return builder;
  }

  @Override
  public boolean isInit() {
    return init;
  }

  @Override
  public String getDeviceString() {
    return device.toString();
  }
}
