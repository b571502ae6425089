package dev.vittf.data;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A {@link BatchSource} whose batch {@code i} of epoch {@code e} is slice {@code i} of that epoch's order: a
 * Fisher-Yates permutation seeded by {@code (seed, e)} (the identity when not shuffling), cut into batches in
 * order; with {@code dropLast} the incomplete last batch is left out. Everything is a pure function of the
 * arguments, which is what lets a run resume at any step. Subclasses say how a batch's samples become pixels.
 */
abstract class EpochBatchSource implements BatchSource {
  private final int samples;
  private final int batchSize;
  private final long seed;
  private final boolean shuffle;
  private final boolean dropLast;
  private int cachedEpoch = -1;
  private int[] cachedOrder;

  /**
   * @param samples images per epoch
   * @param batchSize images per full batch ({@code >= 1})
   * @param seed shuffling seed
   * @param shuffle whether every epoch is a fresh permutation
   * @param dropLast whether the incomplete last batch is dropped (then at least one full batch is needed)
   */
  EpochBatchSource(int samples, int batchSize, long seed, boolean shuffle, boolean dropLast) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
    }
    if (dropLast && samples < batchSize) {
      throw new DataException("the training set has " + samples + " images, fewer than one batch of " + batchSize
          + "; lower the batch size");
    }
    this.samples = samples;
    this.batchSize = batchSize;
    this.seed = seed;
    this.shuffle = shuffle;
    this.dropLast = dropLast;
  }

  @Override
  public int size() {
    return samples;
  }

  /** Images per (full) batch. */
  @Override
  public int batchSize() {
    return batchSize;
  }

  /** Batches per epoch. */
  @Override
  public int batchesPerEpoch() {
    return dropLast ? samples / batchSize : (samples + batchSize - 1) / batchSize;
  }

  /** A copy of the sample order of {@code epoch}. */
  public int[] order(int epoch) {
    return cached(epoch).clone();
  }

  /** The sample indices of batch {@code index} of {@code epoch}, in the order they are batched. */
  final int[] members(int epoch, int index) {
    int count = batchesPerEpoch();
    if (index < 0 || index >= count) {
      throw new IndexOutOfBoundsException("batch " + index + " of " + count);
    }
    int from = firstPosition(index);
    return Arrays.copyOfRange(cached(epoch), from, Math.min(from + batchSize, samples));
  }

  /** The seed of the order, also the root of the subclasses' per-image randomness. */
  final long seed() {
    return seed;
  }

  /** The position in the epoch of the first image of batch {@code index} (seeds per-image randomness). */
  final int firstPosition(int index) {
    return index * batchSize;
  }

  private synchronized int[] cached(int epoch) {
    if (epoch != cachedEpoch) {
      cachedOrder = permutation(samples, shuffle, seed, epoch);
      cachedEpoch = epoch;
    }
    return cachedOrder;
  }

  /** {@code 0..n-1}, or a Fisher-Yates permutation seeded by (seed, epoch). */
  private static int[] permutation(int n, boolean shuffle, long seed, int epoch) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    if (shuffle) {
      SplittableRandom r = new SplittableRandom(mix(seed, epoch, -1));
      for (int i = n - 1; i > 0; i--) {
        int j = r.nextInt(i + 1);
        int t = order[i];
        order[i] = order[j];
        order[j] = t;
      }
    }
    return order;
  }

  /** A 64-bit seed mixing (seed, epoch, index) with SplitMix64 finalisers. */
  static long mix(long seed, long epoch, long index) {
    long z = seed;
    z = splitmix(z ^ splitmix(epoch + 0x9E3779B97F4A7C15L));
    z = splitmix(z ^ splitmix(index + 0x632BE59BD9B4E019L));
    return z;
  }

  private static long splitmix(long x) {
    long z = x + 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
