package dev.vittf.data;

import dev.vittf.preprocess.ImageDecoder;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Batches decoded from image files as they are needed, so a folder larger than memory trains: only one
 * batch of photos is held at a time. Batch {@code i} of epoch {@code e} is a pure function of {@code
 * (seed, e, i)} like {@link BatchLoader}'s: a seeded permutation per epoch (when shuffling), and the
 * augmentation randomness of each image seeded by {@code (seed, epoch, position in the epoch)}, so the
 * photos of a batch can be decoded in parallel and a resumed run sees the same data.
 */
public final class FolderBatches extends EpochBatchSource {
  private final List<ImageFiles.Sample> samples;
  private final boolean training;
  private final ImageTransforms transforms;
  private final ImageDecoder decoder;

  private FolderBatches(List<ImageFiles.Sample> samples, int batchSize, long seed, boolean training, ImageTransforms transforms,
      ImageDecoder decoder) {
    super(samples.size(), batchSize, seed, training, training);
    if (samples.isEmpty()) {
      throw new DataException("no images");
    }
    this.samples = List.copyOf(samples);
    this.training = training;
    this.transforms = transforms;
    this.decoder = decoder;
  }

  /** Training batches: shuffled every epoch, augmented, only full batches. */
  public static FolderBatches training(List<ImageFiles.Sample> samples, int batchSize, long seed, ImageTransforms transforms,
      ImageDecoder decoder) {
    return new FolderBatches(samples, batchSize, seed, true, transforms, decoder);
  }

  /** Evaluation batches: in order, the eval pipeline, the last partial batch kept. */
  public static FolderBatches evaluation(List<ImageFiles.Sample> samples, int batchSize, ImageTransforms transforms,
      ImageDecoder decoder) {
    return new FolderBatches(samples, batchSize, 0, false, transforms, decoder);
  }

  @Override
  public Batch batch(int epoch, int index) {
    int[] members = members(epoch, index);
    int from = firstPosition(index);
    int size = members.length;
    int per = transforms.imageSize();
    float[] out = new float[size * per];
    int[] labels = new int[size];
    IntStream.range(0, size).parallel().forEach(b -> {
      ImageFiles.Sample s = samples.get(members[b]);
      labels[b] = s.label();
      float[] x = training
          ? transforms.training(decoder.decode(s.file()), new SplittableRandom(mix(seed(), epoch, from + b)))
          : transforms.evaluation(decoder.decode(s.file()));
      System.arraycopy(x, 0, out, b * per, per);
    });
    return new Batch(out, labels, transforms.height(), transforms.width(), transforms.channels());
  }
}
