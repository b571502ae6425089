package dev.vittf.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vittf.preprocess.ImageDecoder;
import dev.vittf.preprocess.ImagePipeline;
import dev.vittf.preprocess.RgbImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Image folders for fine-tuning: layouts, the split, every bad input, and streamed batches. */
class ImageFilesTest {
  @TempDir Path dir;
  private static final ImageDecoder DECODER = new ImageDecoder();

  @AfterAll
  static void close() {
    DECODER.close();
  }

  @Test
  void flatLayoutIsSplitPerClassAndSeeded() throws IOException {
    Path root = GeneratedImageFolder.write(dir.resolve("flat"), 10, 1);
    ImageFiles f = ImageFiles.scan(root, 0.2, 7, false, DECODER);
    assertEquals(GeneratedImageFolder.CLASSES, f.classes());
    assertEquals(24, f.train().size());
    assertEquals(6, f.validation().size());
    for (int k = 0; k < 3; k++) {
      int label = k;
      assertEquals(2, f.validation().stream().filter(s -> s.label() == label).count(), "2 of 10 held out per class");
    }
    Set<Path> all = new HashSet<>();
    f.train().forEach(s -> all.add(s.file()));
    f.validation().forEach(s -> all.add(s.file()));
    assertEquals(30, all.size(), "train and validation are disjoint and cover every file");
    assertEquals(f.validation(), ImageFiles.scan(root, 0.2, 7, false, DECODER).validation(), "same seed, same split");
    assertNotEquals(f.validation(), ImageFiles.scan(root, 0.2, 8, false, DECODER).validation(), "another seed, another split");
    for (ImageFiles.Sample s : f.train()) {
      assertEquals(GeneratedImageFolder.CLASSES.get(s.label()), s.file().getParent().getFileName().toString());
    }
  }

  @Test
  void trainValLayoutIsUsedAsGiven() throws IOException {
    GeneratedImageFolder.write(dir.resolve("tv/train"), 4, 1);
    GeneratedImageFolder.write(dir.resolve("tv/val"), 2, 2);
    ImageFiles f = ImageFiles.scan(dir.resolve("tv"), 0.1, 0, false, DECODER);
    assertEquals(12, f.train().size());
    assertEquals(6, f.validation().size());
    assertTrue(f.validation().stream().allMatch(s -> s.file().startsWith(dir.resolve("tv/val"))));
    Files.createDirectories(dir.resolve("tv/val/zebra"));
    GeneratedImageFolder.grey(dir.resolve("tv/val/zebra/z.png"), 8, 3);
    String m = assertThrows(DataException.class, () -> ImageFiles.scan(dir.resolve("tv"), 0.1, 0, false, DECODER)).getMessage();
    assertTrue(m.contains("validation classes [cat, dog, fish, zebra] differ from the training classes [cat, dog, fish]"), m);
  }

  @Test
  void badInputIsReportedBeforeTraining() throws IOException {
    Path root = GeneratedImageFolder.write(dir.resolve("bad"), 3, 1);
    Files.writeString(root.resolve("cat/notes.txt"), "not an image");
    Files.write(root.resolve("dog/broken.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0});
    Files.writeString(root.resolve("cat/.DS_Store"), "hidden files are ignored");
    String m = assertThrows(DataException.class, () -> ImageFiles.scan(root, 0.3, 0, false, DECODER)).getMessage();
    assertTrue(m.startsWith("2 file(s) are not readable images (skip them with --skip-bad-images): "), m);
    assertTrue(m.contains(root.resolve("cat/notes.txt") + ": ") && m.contains(root.resolve("dog/broken.png") + ": "), m);
    ImageFiles skipped = ImageFiles.scan(root, 0.3, 0, true, DECODER);
    assertEquals(2, skipped.skipped().size());
    assertEquals(9, skipped.train().size() + skipped.validation().size());

    Files.createDirectories(root.resolve("empty"));
    m = assertThrows(DataException.class, () -> ImageFiles.scan(root, 0.3, 0, true, DECODER)).getMessage();
    assertTrue(m.contains(root.resolve("empty") + ": empty class folder"), m);

    Path one = dir.resolve("one");
    GeneratedImageFolder.grey(one.resolve("only/a.png"), 8, 1);
    GeneratedImageFolder.grey(one.resolve("only/b.png"), 8, 2);
    m = assertThrows(DataException.class, () -> ImageFiles.scan(one, 0.5, 0, false, DECODER)).getMessage();
    assertTrue(m.contains("1 class folder [only]; a classifier needs at least 2 classes"), m);

    m = assertThrows(DataException.class, () -> ImageFiles.scan(dir.resolve("nothing-here"), 0.1, 0, false, DECODER)).getMessage();
    assertTrue(m.contains("not a directory"), m);
  }

  @Test
  void colourPhotosAreRejectedForAGreyModel() throws IOException {
    Path root = GeneratedImageFolder.write(dir.resolve("colour"), 2, 1);
    GeneratedImageFolder.grey(root.resolve("cat/grey.png"), 10, 9);
    ImageFiles f = ImageFiles.scan(root, 0.3, 0, false, DECODER);
    assertEquals(f, f.forChannels(3, false), "an RGB model reads any photo");
    String m = assertThrows(DataException.class, () -> f.forChannels(1, false)).getMessage();
    assertTrue(m.startsWith("6 image(s) have 3 colour channels, the model 1"), m);
    assertTrue(m.contains(root.resolve("dog/dog_000.png") + ": a colour image"), m);
    // skipping them leaves classes without an image: still an error, now naming the class
    m = assertThrows(DataException.class, () -> f.forChannels(1, true)).getMessage();
    assertTrue(m.contains("class 'dog' has no grey training image left"), m);
  }

  @Test
  void batchesAreStreamedDeterministicAndPreprocessedByThePipeline() throws IOException {
    Path root = GeneratedImageFolder.write(dir.resolve("stream"), 6, 3);
    ImageFiles f = ImageFiles.scan(root, 0.34, 0, false, DECODER);
    ImagePipeline pipeline = ImagePipeline.timm(new com.fasterxml.jackson.databind.ObjectMapper().readTree(
        "{\"input_size\": [3, 16, 16], \"crop_pct\": 0.875, \"interpolation\": \"bicubic\", \"mean\": [0.5, 0.5, 0.5], \"std\": [0.25, 0.25, 0.25]}"));
    ImageTransforms t = new ImageTransforms(16, 16, 3, pipeline, FolderAugmentation.cropAndFlip(0.08));
    FolderBatches eval = FolderBatches.evaluation(f.validation(), 4, t, DECODER);
    assertEquals(2, eval.batchesPerEpoch()); // 6 images in batches of 4, the last partial kept
    Batch b = eval.batch(0, 1);
    assertEquals(2, b.size());
    RgbImage photo = DECODER.decode(f.validation().get(4).file());
    float[] expected = pipeline.apply(photo);
    float[] got = java.util.Arrays.copyOfRange(b.images(), 0, 16 * 16 * 3);
    assertArrayEquals(expected, got, "evaluation = the checkpoint's eval pipeline");
    assertEquals(f.validation().get(4).label(), b.labels()[0]);

    FolderBatches train = FolderBatches.training(f.train(), 5, 11, t, DECODER);
    assertEquals(2, train.batchesPerEpoch()); // 12 training images in full batches of 5
    assertArrayEquals(train.batch(2, 1).images(), FolderBatches.training(f.train(), 5, 11, t, DECODER).batch(2, 1).images(),
        "a batch is a function of (seed, epoch, index)");
    assertTrue(differs(train.batch(0, 0).images(), train.batch(1, 0).images()), "epochs differ");
    Set<Integer> seen = new HashSet<>();
    for (int i = 0; i < 2; i++) {
      for (int y : train.batch(4, i).labels()) {
        seen.add(y);
      }
    }
    assertEquals(Set.of(0, 1, 2), seen);
    assertThrows(DataException.class, () -> FolderBatches.training(f.train(), 100, 0, t, DECODER));
    // a grey model reads the first channel of the same preprocessing
    ImageTransforms grey = new ImageTransforms(16, 16, 1, pipeline, FolderAugmentation.NONE);
    float[] g = grey.evaluation(photo);
    for (int i = 0; i < g.length; i++) {
      assertEquals(expected[3 * i], g[i]);
    }
  }

  @Test
  void randomResizedCropStaysInsideAndCoversTheScaleRange() {
    SplittableRandom r = new SplittableRandom(5);
    double minArea = 1;
    double maxArea = 0;
    for (int i = 0; i < 2000; i++) {
      int h = 10 + r.nextInt(60);
      int w = 10 + r.nextInt(60);
      int[] box = ImageTransforms.randomResizedCrop(h, w, 0.25, r);
      assertTrue(box[0] >= 0 && box[1] >= 0 && box[2] >= 1 && box[3] >= 1 && box[0] + box[2] <= h && box[1] + box[3] <= w,
          java.util.Arrays.toString(box) + " in " + h + "x" + w);
      double area = (double) box[2] * box[3] / (h * w);
      minArea = Math.min(minArea, area);
      maxArea = Math.max(maxArea, area);
    }
    assertTrue(minArea < 0.35 && minArea > 0.15, "smallest crop area " + minArea);
    assertTrue(maxArea > 0.9, "largest crop area " + maxArea);
    assertEquals(List.of(0, 0, 8, 8), java.util.Arrays.stream(ImageTransforms.randomResizedCrop(8, 8, 1.0, new SplittableRandom(1)))
        .boxed().toList(), "scale 1, ratio 1 is the whole square image (or its central fallback)");
  }

  @Test
  void theEvalPipelineFollowsTheModelsSizeLikeTimm() throws IOException {
    ImagePipeline p = ImagePipeline.timm(new com.fasterxml.jackson.databind.ObjectMapper().readTree(
        "{\"input_size\": [3, 224, 224], \"crop_pct\": 0.875, \"interpolation\": \"bicubic\"}"));
    ImagePipeline at384 = p.atSize(384, 384);
    ImagePipeline timm384 = ImagePipeline.timm(new com.fasterxml.jackson.databind.ObjectMapper().readTree(
        "{\"input_size\": [3, 384, 384], \"crop_pct\": 0.875, \"interpolation\": \"bicubic\"}"));
    assertArrayEquals(timm384.geometry(480, 640), at384.geometry(480, 640), "resize floor(384 / 0.875) = 438, crop 384");
    assertEquals(p, p.atSize(224, 224));
    ImageDataset grey = ImageDataset.of(2, 2, 1, new byte[] {0, 50, 100, (byte) 200, 0, 50, 100, (byte) 200}, new int[] {0, 1}, 2);
    ImagePipeline exact = ImagePipeline.fromJson(new com.fasterxml.jackson.databind.ObjectMapper().readTree(
        ImageTransforms.exactSizeJson(dev.vittf.models.Presets.get("vit-fmnist"), Normalization.of(grey))), "test");
    assertEquals(exact, ImagePipeline.fromJson(new com.fasterxml.jackson.databind.ObjectMapper().readTree(exact.toJson()), "test"),
        "our JSON form rebuilds the same pipeline");
    assertArrayEquals(new int[] {28, 28, 0, 0}, exact.geometry(28, 28), "exact size: no resize, no crop offset");
  }

  private static boolean differs(float[] a, float[] b) {
    return !java.util.Arrays.equals(a, b);
  }
}
