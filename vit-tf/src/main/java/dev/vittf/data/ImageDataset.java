package dev.vittf.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An in-memory labelled image dataset: {@code size} images of {@code height × width × channels} 8-bit
 * pixels (NHWC, row-major, unsigned bytes) and one integer label per image in {@code [0,
 * numClasses)}. Immutable (the arrays are never handed out). Validated on construction: non-empty,
 * pixel count matching the shape, every label in range.
 *
 * @param height image height
 * @param width image width
 * @param channels image channels
 * @param pixels every image's pixels, NHWC (read through {@link #pixel}, {@link #copyImage}; the accessor copies)
 * @param labels one label per image (the accessor copies)
 * @param classNames class names, indexed by label
 */
public record ImageDataset(int height, int width, int channels, byte[] pixels, int[] labels, List<String> classNames) {
  /**
   * Validates a dataset (copying nothing but the class names: the caller must not modify the arrays afterwards).
   *
   * @param classNames one name per class; its size is the number of classes
   * @throws DataException if the dataset is empty, the pixel count does not match, or a label is out
   *     of range
   */
  public ImageDataset {
    if (height <= 0 || width <= 0 || channels <= 0) {
      throw new DataException("image size must be positive, got " + height + "x" + width + "x" + channels);
    }
    if (labels.length == 0) {
      throw new DataException("empty dataset: no images");
    }
    if (classNames.isEmpty()) {
      throw new DataException("a dataset needs at least one class");
    }
    long expected = (long) labels.length * height * width * channels;
    if (pixels.length != expected) {
      throw new DataException(
          labels.length + " images of " + height + "x" + width + "x" + channels + " need " + expected
              + " pixel values, got " + pixels.length);
    }
    checkLabels(labels, classNames.size(), "dataset");
    classNames = List.copyOf(classNames);
  }

  /** The same as the constructor. */
  public static ImageDataset of(int height, int width, int channels, byte[] pixels, int[] labels, List<String> classNames) {
    return new ImageDataset(height, width, channels, pixels, labels, classNames);
  }

  /** Like {@link #of} with classes named {@code "0"}, {@code "1"}, ... */
  public static ImageDataset of(int height, int width, int channels, byte[] pixels, int[] labels, int numClasses) {
    return of(height, width, channels, pixels, labels, defaultClassNames(numClasses));
  }

  /** Class names {@code "0"} .. {@code n-1}. */
  public static List<String> defaultClassNames(int n) {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      names.add(String.valueOf(i));
    }
    return names;
  }

  /**
   * Checks that every label is in {@code [0, numClasses)}.
   *
   * @throws DataException naming the first offending sample, its label and how many labels are bad
   */
  public static void checkLabels(int[] labels, int numClasses, String what) {
    int bad = 0;
    int first = -1;
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] < 0 || labels[i] >= numClasses) {
        if (first < 0) {
          first = i;
        }
        bad++;
      }
    }
    if (bad > 0) {
      throw new DataException(
          what + ": label " + labels[first] + " of sample " + first + " is outside the class range [0, "
              + numClasses + ")" + (bad > 1 ? " (" + bad + " labels out of range)" : ""));
    }
  }

  /** Number of images. */
  public int size() {
    return labels.length;
  }

  /** Number of classes. */
  public int numClasses() {
    return classNames.size();
  }

  /** Values per image ({@code height * width * channels}). */
  public int imageSize() {
    return height * width * channels;
  }

  /** Label of image {@code i}. */
  public int label(int i) {
    return labels[i];
  }

  /** A copy of every label. */
  @Override
  public int[] labels() {
    return labels.clone();
  }

  /** A copy of every pixel (NHWC, unsigned bytes). */
  @Override
  public byte[] pixels() {
    return pixels.clone();
  }

  /** Unsigned pixel value {@code (0..255)} of image {@code i} at flat NHWC offset {@code offset}. */
  public int pixel(int i, int offset) {
    return pixels[i * imageSize() + offset] & 0xff;
  }

  /** Copies image {@code i}'s raw bytes into {@code dst} at {@code dstOffset}. */
  public void copyImage(int i, byte[] dst, int dstOffset) {
    System.arraycopy(pixels, i * imageSize(), dst, dstOffset, imageSize());
  }

  /** The first {@code n} images (or all if there are fewer). */
  public ImageDataset head(int n) {
    int k = Math.min(n, size());
    return new ImageDataset(height, width, channels, Arrays.copyOf(pixels, k * imageSize()),
        Arrays.copyOf(labels, k), classNames);
  }

  /** The first {@code n} images of every class (all of a class that has fewer), in their order. */
  public ImageDataset firstPerClass(int n) {
    int[] taken = new int[numClasses()];
    List<Integer> keep = new ArrayList<>();
    for (int i = 0; i < size(); i++) {
      if (taken[labels[i]]++ < n) {
        keep.add(i);
      }
    }
    byte[] px = new byte[Math.multiplyExact(keep.size(), imageSize())];
    int[] y = new int[keep.size()];
    for (int j = 0; j < y.length; j++) {
      System.arraycopy(pixels, keep.get(j) * imageSize(), px, j * imageSize(), imageSize());
      y[j] = labels[keep.get(j)];
    }
    return ImageDataset.of(height, width, channels, px, y, classNames);
  }

  /**
   * Only the images of the given classes, relabelled {@code 0..k-1} in the order given, keeping their
   * names (a transfer experiment pretrains on some classes and fine-tunes on the others).
   *
   * @throws DataException if a class index is out of range, repeated, or selects no image
   */
  public ImageDataset onlyClasses(List<Integer> classes) {
    int[] newLabel = new int[numClasses()];
    Arrays.fill(newLabel, -1);
    List<String> names = new ArrayList<>();
    for (int k : classes) {
      if (k < 0 || k >= numClasses()) {
        throw new DataException("class " + k + " is outside the dataset's classes [0, " + numClasses() + ")");
      }
      if (newLabel[k] >= 0) {
        throw new DataException("class " + k + " is selected twice");
      }
      newLabel[k] = names.size();
      names.add(classNames.get(k));
    }
    int n = 0;
    for (int y : labels) {
      n += newLabel[y] >= 0 ? 1 : 0;
    }
    if (n == 0) {
      throw new DataException("no image has one of the classes " + classes);
    }
    byte[] px = new byte[Math.multiplyExact(n, imageSize())];
    int[] y = new int[n];
    int at = 0;
    for (int i = 0; i < size(); i++) {
      if (newLabel[labels[i]] >= 0) {
        System.arraycopy(pixels, i * imageSize(), px, at * imageSize(), imageSize());
        y[at++] = newLabel[labels[i]];
      }
    }
    return new ImageDataset(height, width, channels, px, y, List.copyOf(names));
  }

  /**
   * This dataset at another image size and channel count: bilinear resizing (align-corners=false,
   * like PyTorch's {@code interpolate} without antialiasing) and channel adaptation (grey to RGB by
   * replication, RGB to grey by ITU-R 601 luma). Returns {@code this} if nothing changes.
   */
  public ImageDataset resized(int newHeight, int newWidth, int newChannels) {
    if (newHeight == height && newWidth == width && newChannels == channels) {
      return this;
    }
    int n = size();
    int out = newHeight * newWidth * newChannels;
    byte[] dst = new byte[Math.multiplyExact(n, out)];
    byte[] one = new byte[imageSize()];
    for (int i = 0; i < n; i++) {
      copyImage(i, one, 0);
      byte[] r = Images.adaptChannels(Images.resizeBilinear(one, height, width, channels, newHeight, newWidth), channels, newChannels);
      System.arraycopy(r, 0, dst, i * out, out);
    }
    return new ImageDataset(newHeight, newWidth, newChannels, dst, labels, classNames);
  }

  @Override
  public String toString() {
    return size() + " images " + height + "x" + width + "x" + channels + ", " + numClasses() + " classes";
  }
}
