package dev.vittf.models;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The builder of every config record: values are held by record component name and passed to the
 * record's canonical constructor by {@link #build()}, so a builder declares only its setters (one line
 * each) and its defaults, never a copy constructor; {@link #from} copies any config. This class has the
 * settings every image classifier shares (input size, channels, classes, dropout, LayerNorm epsilon);
 * builders validate nothing themselves: the record's constructor checks every field.
 *
 * @param <C> the config record
 * @param <B> the concrete builder, returned by every setter for chaining
 */
public abstract class ImageModelBuilder<C extends ModelConfig, B extends ImageModelBuilder<C, B>> {
  private final Class<C> type;
  private final List<String> fields;
  private final Map<String, Object> values = new HashMap<>();

  /** A builder for {@code type} with the shared defaults: 3 channels, LayerNorm epsilon 1e-5 (PyTorch's). */
  protected ImageModelBuilder(Class<C> type) {
    this.type = type;
    this.fields = Records.names(type);
    values.put("channels", 3);
    values.put("normEps", 1e-5);
  }

  /** This builder, typed as the concrete builder. */
  protected abstract B self();

  /** Sets a record component by name (a programming error if the record has no such component). */
  protected final B set(String field, Object value) {
    if (!fields.contains(field)) {
      throw new IllegalStateException(type.getSimpleName() + " has no field '" + field + "'");
    }
    values.put(field, value);
    return self();
  }

  /** The value set for a component, or {@code null}. */
  protected final Object get(String field) {
    return values.get(field);
  }

  /** Sets a component unless it has been set: for defaults derived from other fields. */
  protected final void setIfAbsent(String field, Object value) {
    if (!values.containsKey(field)) {
      set(field, value);
    }
  }

  /** Replaces every value by the fields of {@code config}. */
  public final B from(C config) {
    values.putAll(Records.values(config));
    return self();
  }

  /** Fills defaults that depend on other fields; called by {@link #build()} before validation. */
  protected void complete() {}

  /** Validates and builds. */
  public final C build() {
    complete();
    return Records.construct(type, values);
  }

  /** Square images. */
  public B imageSize(int size) { return imageSize(size, size); }

  /** Images of {@code height x width}. */
  public B imageSize(int height, int width) { return set("imageHeight", height).set("imageWidth", width); }

  /** Input channels (default 3). */
  public B channels(int v) { return set("channels", v); }

  /** Classifier outputs. */
  public B numClasses(int v) { return set("numClasses", v); }

  /** Dropout rate (default 0; training only). */
  public B dropout(double v) { return set("dropout", v); }

  /** LayerNorm epsilon (default 1e-5). */
  public B normEps(double v) { return set("normEps", v); }
}
