package dev.vittf.core;

import java.util.Arrays;

/**
 * A parameter as the store knows it: hierarchical name, static shape, role and initialiser.
 *
 * @param name hierarchical {@code /}-separated name, e.g. {@code blocks/3/attn/qkv/kernel}
 * @param shape static shape (dense kernels {@code [in, out]}, conv kernels HWIO)
 * @param role what the parameter is for (decides weight decay)
 * @param initializer initial value
 */
public record ParameterSpec(String name, long[] shape, ParameterRole role, Initializer initializer) {

  /** Copies the shape defensively. */
  public ParameterSpec {
    shape = shape.clone();
  }

  @Override
  public long[] shape() {
    return shape.clone();
  }

  /** Number of scalar elements. */
  public long size() {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    return n;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ParameterSpec p
        && p.name.equals(name)
        && Arrays.equals(p.shape, shape)
        && p.role == role
        && p.initializer.equals(initializer);
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + Arrays.hashCode(shape);
  }

  @Override
  public String toString() {
    return name + " " + Arrays.toString(shape) + " " + role;
  }
}
