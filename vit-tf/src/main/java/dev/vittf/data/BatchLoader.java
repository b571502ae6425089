package dev.vittf.data;

import java.util.SplittableRandom;

/**
 * Deterministic batching of an {@link ImageDataset}: batch {@code i} of epoch {@code e} is a pure
 * function of {@code (seed, e, i)}, so a run can be resumed at any step and reproduce the same data.
 * Each epoch visits a fresh permutation (Fisher-Yates seeded by {@code (seed, epoch)}; no shuffle
 * when {@code shuffle} is off); augmentation randomness is seeded by {@code (seed, epoch, index)}.
 * With {@code dropLast} only full batches are produced.
 */
public final class BatchLoader extends EpochBatchSource {
  private final ImageDataset data;
  private final Normalization norm;
  private final Augmentation augmentation;

  /**
   * Creates a loader.
   *
   * @param data the dataset
   * @param batchSize images per batch ({@code >= 1})
   * @param seed shuffling and augmentation seed
   * @param shuffle whether each epoch is a fresh random permutation
   * @param dropLast whether an incomplete last batch is dropped
   * @param norm normalisation (one entry per channel of {@code data})
   * @param augmentation augmentation ({@link Augmentation#NONE} for evaluation)
   */
  public BatchLoader(ImageDataset data, int batchSize, long seed, boolean shuffle, boolean dropLast,
      Normalization norm, Augmentation augmentation) {
    super(data.size(), batchSize, seed, shuffle, dropLast);
    if (norm.channels() != data.channels()) {
      throw new IllegalArgumentException("normalisation has " + norm.channels() + " channels, the data " + data.channels());
    }
    this.data = data;
    this.norm = norm;
    this.augmentation = augmentation;
  }

  /** An evaluation loader: in order, no augmentation, last partial batch kept. */
  public static BatchLoader evaluation(ImageDataset data, int batchSize, Normalization norm) {
    return new BatchLoader(data, batchSize, 0, false, false, norm, Augmentation.NONE);
  }

  /** The dataset. */
  public ImageDataset data() {
    return data;
  }

  /** Batch {@code index} of epoch {@code epoch}. */
  @Override
  public Batch batch(int epoch, int index) {
    int[] members = members(epoch, index);
    int size = members.length;
    int h = data.height();
    int w = data.width();
    int c = data.channels();
    int per = data.imageSize();
    float[] out = new float[size * per];
    int[] labels = new int[size];
    byte[] img = new byte[per];
    float[] scale = new float[c];
    float[] shift = new float[c];
    float[] mean = norm.mean();
    float[] std = norm.std();
    for (int k = 0; k < c; k++) {
      scale[k] = 1f / (255f * std[k]);
      shift[k] = -mean[k] / std[k];
    }
    SplittableRandom rng = augmentation.active() ? new SplittableRandom(mix(seed(), epoch, index)) : null;
    for (int b = 0; b < size; b++) {
      int sample = members[b];
      labels[b] = data.label(sample);
      data.copyImage(sample, img, 0);
      int dy = 0;
      int dx = 0;
      boolean flip = false;
      if (rng != null) {
        int p = augmentation.padding();
        if (p > 0) {
          dy = rng.nextInt(2 * p + 1) - p;
          dx = rng.nextInt(2 * p + 1) - p;
        }
        flip = augmentation.horizontalFlip() && rng.nextBoolean();
      }
      int base = b * per;
      for (int y = 0; y < h; y++) {
        int sy = y + dy;
        for (int x = 0; x < w; x++) {
          int sx = (flip ? w - 1 - x : x) + dx;
          boolean inside = sy >= 0 && sy < h && sx >= 0 && sx < w;
          int o = base + (y * w + x) * c;
          for (int k = 0; k < c; k++) {
            // Padding is zero in pixel space (black), normalised like any pixel.
            int v = inside ? img[(sy * w + sx) * c + k] & 0xff : 0;
            out[o + k] = v * scale[k] + shift[k];
          }
        }
      }
    }
    return new Batch(out, labels, h, w, c);
  }
}
