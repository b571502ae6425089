package dev.vittf.models;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Generic, by-name access to config records, so that builders and config JSON work for every config
 * without per-field code. A config's <em>fields</em> are its record components, except that a component
 * whose type is itself a record (a group of shared fields such as {@link PatchTransformerFields}) is
 * inlined: its own fields take its place. Field names are unique within a config.
 */
final class Records {
  private Records() {}

  /** The fields of a config record type, groups inlined, in declaration order. */
  static List<RecordComponent> fields(Class<?> type) {
    List<RecordComponent> out = new ArrayList<>();
    for (RecordComponent rc : components(type)) {
      if (rc.getType().isRecord()) {
        out.addAll(fields(rc.getType()));
      } else {
        out.add(rc);
      }
    }
    return out;
  }

  /** The field names of a config record type (see {@link #fields}). */
  static List<String> names(Class<?> type) {
    List<String> names = fields(type).stream().map(RecordComponent::getName).toList();
    if (names.stream().distinct().count() != names.size()) {
      throw new IllegalStateException(type.getName() + " repeats a field name: " + names);
    }
    return names;
  }

  private static RecordComponent[] components(Class<?> type) {
    if (!type.isRecord()) {
      throw new IllegalArgumentException(type.getName() + " is not a record");
    }
    return type.getRecordComponents();
  }

  /** Every field value of a config, groups inlined, by name in declaration order. */
  static Map<String, Object> values(Object record) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (RecordComponent rc : components(record.getClass())) {
      Object v;
      try {
        v = rc.getAccessor().invoke(record);
      } catch (IllegalAccessException | InvocationTargetException e) {
        throw new IllegalStateException("cannot read " + record.getClass().getSimpleName() + "." + rc.getName(), e);
      }
      if (rc.getType().isRecord()) {
        out.putAll(values(v));
      } else {
        out.put(rc.getName(), v);
      }
    }
    return out;
  }

  /**
   * Calls the canonical constructor (of the groups, then of the config) with the field values by name;
   * a missing primitive is its zero value (so the config's rules report it, e.g. {@code dim=0: must be >
   * 0}), a missing reference is {@code null}. The constructor's own exceptions (e.g. {@code
   * InvalidConfigException}) propagate unchanged.
   */
  static <R> R construct(Class<R> type, Map<String, ?> values) {
    RecordComponent[] components = components(type);
    Object[] args = new Object[components.length];
    Class<?>[] types = new Class<?>[components.length];
    for (int i = 0; i < components.length; i++) {
      types[i] = components[i].getType();
      Object v = types[i].isRecord() ? construct(types[i], values) : values.get(components[i].getName());
      args[i] = v == null && types[i].isPrimitive() ? zero(types[i]) : v;
    }
    try {
      Constructor<R> ctor = type.getDeclaredConstructor(types);
      return ctor.newInstance(args);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException(e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot construct " + type.getName(), e);
    }
  }

  private static Object zero(Class<?> primitive) {
    if (primitive == boolean.class) {
      return false;
    }
    if (primitive == double.class) {
      return 0.0;
    }
    if (primitive == long.class) {
      return 0L;
    }
    return 0;
  }
}
