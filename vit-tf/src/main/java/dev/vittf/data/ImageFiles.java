package dev.vittf.data;

import dev.vittf.preprocess.ImageDecoder;
import dev.vittf.preprocess.ImageFormatException;
import dev.vittf.preprocess.RgbImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * The files of an image-folder dataset, checked before any training: one sub-folder per class (sorted by
 * name; the names are the labels), in one of two layouts:
 *
 * <ul>
 *   <li>{@code root/train/<class>/...} with {@code root/val/<class>/...} (or {@code test/}): the given split
 *       (without either, {@code valFraction} of {@code train/} is held out);
 *   <li>{@code root/<class>/...}: a stratified, seeded split holding out {@code valFraction} of each class.
 * </ul>
 *
 * Every file is decoded once by {@link #scan} (one at a time, so memory stays bounded): a file that is not a
 * decodable image (hidden files are ignored), an empty class folder, fewer than two classes, or validation
 * classes that differ from the training classes are errors listing the files, unless {@code skipBad} drops
 * the undecodable files (they are counted). {@link #forChannels} then rejects colour photos for a grey model.
 *
 * @param classes class names by label
 * @param train training files
 * @param validation validation files
 * @param skipped files skipped, each with the reason
 * @param layout a description of the layout found, for logs
 * @param statistics per-channel mean and std of the training photos' RGB pixels (0–1 scale), for a model
 *     trained from scratch
 */
public record ImageFiles(List<String> classes, List<Sample> train, List<Sample> validation, List<String> skipped, String layout,
    Normalization statistics) {
  /** Files listed in an error message at most. */
  static final int LISTED = 20;

  /**
   * One labelled file.
   *
   * @param file the image file
   * @param label its class index
   * @param grey whether its three channels are equal everywhere (a grey photo)
   * @param sums per-channel sum and sum of squares of its pixels (0–1 scale): {@code {r, g, b, r², g², b²}}
   * @param pixels its pixel count
   */
  public record Sample(Path file, int label, boolean grey, double[] sums, long pixels) {
    Sample withLabel(int k) {
      return new Sample(file, k, grey, sums, pixels);
    }

    /** Samples are equal when they are the same file with the same label (the statistics follow from the file). */
    @Override
    public boolean equals(Object o) {
      return o instanceof Sample s && s.file.equals(file) && s.label == label;
    }

    @Override
    public int hashCode() {
      return file.hashCode() * 31 + label;
    }

    @Override
    public String toString() {
      return file + " (" + label + ")";
    }
  }

  /** Copies the lists. */
  public ImageFiles {
    classes = List.copyOf(classes);
    train = List.copyOf(train);
    validation = List.copyOf(validation);
    skipped = List.copyOf(skipped);
  }

  /**
   * Scans and checks a folder.
   *
   * @param root the dataset root
   * @param valFraction the fraction of each class held out for validation when there is no val/ folder, in [0, 1)
   * @param seed seed of that split
   * @param skipBad whether undecodable files are skipped instead of failing
   * @param decoder the decoder
   * @throws DataException naming every problem found
   */
  public static ImageFiles scan(Path root, double valFraction, long seed, boolean skipBad, ImageDecoder decoder) throws IOException {
    return scan(root, null, valFraction, seed, skipBad, decoder);
  }

  /** Like {@link #scan(Path, double, long, boolean, ImageDecoder)} with the validation classes in {@code valRoot} (null: none given). */
  public static ImageFiles scan(Path root, Path valRoot, double valFraction, long seed, boolean skipBad, ImageDecoder decoder)
      throws IOException {
    if (!(valFraction >= 0 && valFraction < 1)) {
      throw new DataException("validation fraction must be in [0, 1), got " + valFraction);
    }
    if (!Files.isDirectory(root)) {
      throw new DataException(root + ": not a directory");
    }
    Path trainDir = Files.isDirectory(root.resolve("train")) ? root.resolve("train") : root;
    Path valDir = valRoot != null ? valRoot : Files.isDirectory(root.resolve("val")) ? root.resolve("val") : root.resolve("test");
    boolean given = (trainDir != root || valRoot != null) && Files.isDirectory(valDir);
    List<String> bad = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    List<String> classes = classFolders(trainDir);
    List<Sample> train = samples(trainDir, classes, decoder, bad, problems);
    List<Sample> val = new ArrayList<>();
    String layout;
    if (given) {
      List<String> valClasses = classFolders(valDir);
      if (!valClasses.equals(classes)) {
        throw new DataException(valDir + ": validation classes " + valClasses + " differ from the training classes " + classes
            + " in " + trainDir);
      }
      val = samples(valDir, classes, decoder, bad, problems);
      layout = trainDir + " (train) and " + valDir + " (validation)";
    } else {
      if (!(valFraction > 0)) {
        throw new DataException(root + ": no val/ folder and no validation fraction: hold out part of the images (e.g. 0.1), "
            + "or use the train/ + val/ layout");
      }
      List<Sample> all = train;
      train = new ArrayList<>();
      split(all, classes.size(), valFraction, seed, train, val);
      layout = trainDir + ", " + Math.round(100 * valFraction) + "% of each class held out for validation";
    }
    if (!bad.isEmpty() && !skipBad) {
      throw new DataException(listed(bad.size() + " file(s) are not readable images (skip them with --skip-bad-images)", bad));
    }
    if (!problems.isEmpty()) {
      throw new DataException(String.join("; ", problems));
    }
    if (classes.size() < 2) {
      throw new DataException(trainDir + ": " + classes.size() + " class folder " + classes + "; a classifier needs at least 2 classes");
    }
    if (val.isEmpty()) {
      throw new DataException(layout + ": no validation image (each class needs at least 2 images to hold one out)");
    }
    return new ImageFiles(classes, train, val, bad, layout, statistics(train));
  }

  /**
   * The files a model of {@code channels} channels can read: any photo for RGB (grey ones are replicated,
   * as PIL's {@code convert('RGB')}); only grey photos for a 1-channel model.
   *
   * @throws DataException listing colour photos for a grey model, unless {@code skipBad} drops them
   */
  public ImageFiles forChannels(int channels, boolean skipBad) {
    if (channels == 3) {
      return this;
    }
    if (channels != 1) {
      throw new DataException("image folders train models of 1 (grey) or 3 (RGB) channels, not " + channels);
    }
    List<String> colour = Stream.concat(train.stream(), validation.stream()).filter(s -> !s.grey())
        .map(s -> s.file() + ": a colour image, but the model reads 1 channel (grey)").toList();
    if (colour.isEmpty()) {
      return this;
    }
    if (!skipBad) {
      throw new DataException(listed(colour.size() + " image(s) have 3 colour channels, the model 1 (convert them to grey, or skip "
          + "them with --skip-bad-images)", colour));
    }
    List<String> skippedNow = new ArrayList<>(skipped);
    skippedNow.addAll(colour);
    List<Sample> t = train.stream().filter(Sample::grey).toList();
    List<Sample> v = validation.stream().filter(Sample::grey).toList();
    for (int k = 0; k < classes.size(); k++) {
      int label = k;
      if (t.stream().noneMatch(s -> s.label() == label)) {
        throw new DataException("class '" + classes.get(k) + "' has no grey training image left after skipping colour images");
      }
    }
    if (v.isEmpty()) {
      throw new DataException(layout + ": no grey validation image left after skipping colour images");
    }
    return new ImageFiles(classes, t, v, skippedNow, layout, statistics(t));
  }

  private static String listed(String head, List<String> items) {
    return head + ": " + String.join("; ", items.subList(0, Math.min(LISTED, items.size())))
        + (items.size() > LISTED ? "; and " + (items.size() - LISTED) + " more" : "");
  }

  private static List<String> classFolders(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      List<String> names = s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).filter(n -> !n.startsWith("."))
          .sorted().toList();
      if (names.isEmpty()) {
        throw new DataException(dir + ": no class sub-folders (expected " + dir + "/<class>/<image>)");
      }
      return names;
    }
  }

  /** The usable files of every class; undecodable files go to {@code bad}, empty classes to {@code problems}. */
  private static List<Sample> samples(Path dir, List<String> classes, ImageDecoder decoder, List<String> bad, List<String> problems)
      throws IOException {
    List<Sample> out = new ArrayList<>();
    for (int k = 0; k < classes.size(); k++) {
      Path classDir = dir.resolve(classes.get(k));
      List<Path> files;
      try (Stream<Path> s = Files.list(classDir)) {
        files = s.filter(p -> !p.getFileName().toString().startsWith(".") && !Files.isDirectory(p)).sorted().toList();
      }
      int good = 0;
      for (Path f : files) {
        RgbImage img;
        try {
          img = decoder.decode(f);
        } catch (ImageFormatException e) {
          bad.add(e.getMessage());
          continue;
        }
        out.add(describe(f, k, img));
        good++;
      }
      if (files.isEmpty()) {
        problems.add(classDir + ": empty class folder (every class needs at least one image)");
      } else if (good == 0) {
        problems.add(classDir + ": no readable image in the class folder");
      }
    }
    return out;
  }

  private static Sample describe(Path file, int label, RgbImage img) {
    byte[] p = img.pixels();
    double[] sums = new double[6];
    boolean grey = true;
    for (int i = 0; i < p.length; i += 3) {
      for (int c = 0; c < 3; c++) {
        double v = (p[i + c] & 0xff) / 255.0;
        sums[c] += v;
        sums[3 + c] += v * v;
      }
      grey &= p[i] == p[i + 1] && p[i] == p[i + 2];
    }
    return new Sample(file, label, grey, sums, p.length / 3);
  }

  private static Normalization statistics(List<Sample> samples) {
    double[] total = new double[6];
    long n = 0;
    for (Sample s : samples) {
      for (int i = 0; i < 6; i++) {
        total[i] += s.sums()[i];
      }
      n += s.pixels();
    }
    float[] mean = new float[3];
    float[] std = new float[3];
    for (int c = 0; c < 3; c++) {
      double m = total[c] / n;
      mean[c] = (float) m;
      // A constant channel would divide by zero: fall back to 1, as Normalization.of does.
      double sd = Math.sqrt(Math.max(0, total[3 + c] / n - m * m));
      std[c] = sd > 1e-6 ? (float) sd : 1f;
    }
    return new Normalization(mean, std);
  }

  /** A stratified split: per class, a seeded shuffle, then {@code round(n · fraction)} files (at least 1 if n > 1) held out. */
  private static void split(List<Sample> all, int numClasses, double fraction, long seed, List<Sample> train, List<Sample> val) {
    for (int k = 0; k < numClasses; k++) {
      int label = k;
      List<Sample> mine = new ArrayList<>(all.stream().filter(s -> s.label() == label).toList());
      if (mine.isEmpty()) {
        continue; // an empty class folder: reported by the caller
      }
      SplittableRandom r = new SplittableRandom(EpochBatchSource.mix(seed, k, -2));
      for (int i = mine.size() - 1; i > 0; i--) {
        int j = r.nextInt(i + 1);
        Sample t = mine.get(i);
        mine.set(i, mine.get(j));
        mine.set(j, t);
      }
      int held = (int) Math.round(mine.size() * fraction);
      if (held == 0 && mine.size() > 1) {
        held = 1;
      }
      held = Math.min(held, mine.size() - 1);
      val.addAll(mine.subList(0, held));
      train.addAll(mine.subList(held, mine.size()));
    }
    train.sort(Comparator.comparing(s -> s.file().toString()));
    val.sort(Comparator.comparing(s -> s.file().toString()));
  }
}
