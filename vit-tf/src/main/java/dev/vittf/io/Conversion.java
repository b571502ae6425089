package dev.vittf.io;

import dev.vittf.core.HostTensor;
import java.util.Arrays;
import java.util.function.BiFunction;

/**
 * Layout conversion from a PyTorch tensor to ours. Declared per mapping entry, never guessed from a
 * tensor's rank.
 */
public enum Conversion {
  /** Same shape, same layout. */
  IDENTITY((source, target) -> source, (ours, source) -> ours),
  /** Same elements, only singleton axes differ ({@code [1, 1, D] -> [D]}, {@code [N, D] -> [1, N, D]}). */
  RESHAPE(HostTensor::reshape, HostTensor::reshape),
  /** {@code nn.Linear.weight [out, in]} to a dense kernel {@code [in, out]}; also timm's head-mixing Linear. */
  LINEAR((source, target) -> source.permute(1, 0), (ours, source) -> ours.permute(1, 0)),
  /** {@code nn.Conv2d.weight [out, in, kh, kw]} to HWIO {@code [kh, kw, in, out]}. */
  CONV((source, target) -> source.permute(2, 3, 1, 0), (ours, source) -> ours.permute(3, 2, 0, 1)),
  /** 1x1 {@code nn.Conv2d.weight [out, in, 1, 1]} to a dense kernel {@code [in, out]}. */
  CONV_1X1_TO_DENSE((source, target) -> source.reshape(source.dim(0), source.dim(1)).permute(1, 0),
      (ours, source) -> ours.permute(1, 0).reshape(source)),
  /** Depthwise {@code nn.Conv2d(C, C, k, groups=C).weight [C, 1, kh, kw]} to {@code [kh, kw, C, 1]}. */
  DEPTHWISE((source, target) -> source.permute(2, 3, 0, 1), (ours, source) -> ours.permute(2, 3, 0, 1));

  // Each direction takes the tensor and the shape of the other side.
  private final BiFunction<HostTensor, long[], HostTensor> toOurs;
  private final BiFunction<HostTensor, long[], HostTensor> toTheirs;

  Conversion(BiFunction<HostTensor, long[], HostTensor> toOurs, BiFunction<HostTensor, long[], HostTensor> toTheirs) {
    this.toOurs = toOurs;
    this.toTheirs = toTheirs;
  }

  /** Whether a source tensor of shape {@code source} can be converted to {@code target}. */
  public boolean accepts(long[] source, long[] target) {
    return switch (this) {
      case IDENTITY -> Arrays.equals(source, target);
      case RESHAPE -> Arrays.equals(squeeze(source), squeeze(target)) && count(source) == count(target);
      default -> Arrays.equals(source, expectedSource(target));
    };
  }

  /** The PyTorch shape this conversion expects for our {@code target} shape (for error messages). */
  public long[] expectedSource(long[] t) {
    return switch (this) {
      case IDENTITY, RESHAPE -> t.clone();
      case LINEAR -> t.length == 2 ? new long[] {t[1], t[0]} : null;
      case CONV -> t.length == 4 ? new long[] {t[3], t[2], t[0], t[1]} : null;
      case CONV_1X1_TO_DENSE -> t.length == 2 ? new long[] {t[1], t[0], 1, 1} : null;
      case DEPTHWISE -> t.length == 4 ? new long[] {t[2], t[3], t[0], t[1]} : null;
    };
  }

  /** Converts a source tensor (already checked with {@link #accepts}) to our layout. */
  public HostTensor apply(HostTensor source, long[] target) {
    return toOurs.apply(source, target);
  }

  /** The inverse: our tensor back to the PyTorch layout (for writing checkpoints in their format). */
  public HostTensor invert(HostTensor ours, long[] sourceShape) {
    return toTheirs.apply(ours, sourceShape);
  }

  private static long[] squeeze(long[] s) {
    return Arrays.stream(s).filter(d -> d != 1).toArray();
  }

  private static long count(long[] s) {
    long n = 1;
    for (long d : s) {
      n *= d;
    }
    return n;
  }
}
