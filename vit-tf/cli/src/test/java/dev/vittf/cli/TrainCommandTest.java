package dev.vittf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vittf.data.Idx;
import dev.vittf.data.ImageDataset;
import dev.vittf.train.SyntheticData;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class TrainCommandTest {
  @TempDir Path dir;

  private record Run(int code, String out, String err) {}

  private Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    StringWriter cliErr = new StringWriter();
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      CommandLine cl = TrainCommand.commandLine(new TrainCommand(o, e));
      cl.setErr(new PrintWriter(cliErr, true));
      int code = cl.execute(args);
      return new Run(code, out.toString(StandardCharsets.UTF_8), cliErr + err.toString(StandardCharsets.UTF_8));
    }
  }

  /** Writes an MNIST-style directory with generated 28x28 grey images. */
  private Path idxDir(String name, int classesInLabels) throws IOException {
    Path d = Files.createDirectories(dir.resolve(name));
    ImageDataset train = SyntheticData.make(40, 28, 28, 1, 10, 1);
    ImageDataset test = SyntheticData.make(16, 28, 28, 1, 10, 2);
    write(d, "train", train, classesInLabels);
    write(d, "t10k", test, classesInLabels);
    return d;
  }

  private static void write(Path d, String prefix, ImageDataset data, int classesInLabels) throws IOException {
    byte[] px = new byte[data.size() * data.imageSize()];
    byte[] labels = new byte[data.size()];
    for (int i = 0; i < data.size(); i++) {
      data.copyImage(i, px, i * data.imageSize());
      labels[i] = (byte) (i == data.size() - 1 ? classesInLabels - 1 : data.label(i));
    }
    Idx.write(d.resolve(prefix + "-images-idx3-ubyte.gz"), new Idx.Array(new int[] {data.size(), 28, 28}, px), true);
    Idx.write(d.resolve(prefix + "-labels-idx1-ubyte"), new Idx.Array(new int[] {data.size()}, labels), false);
  }

  private Path tinyConfig() throws IOException {
    Path f = dir.resolve("tiny28.json");
    Files.writeString(f, "{\"family\": \"vit\", \"constructor_kwargs\": {\"image_size\": 28, \"patch_size\": 7, \"num_classes\": 10,"
        + " \"dim\": 32, \"depth\": 1, \"heads\": 2, \"dim_head\": 16, \"mlp_dim\": 64, \"channels\": 1}}");
    return f;
  }

  @Test
  void trainsFromAnIdxDirectoryAndPrintsASummary() throws IOException {
    Path data = idxDir("fm", 10);
    Path out = dir.resolve("out");
    Run r = run("--config", tinyConfig().toString(), "--data", data.toString(), "--output", out.toString(), "--epochs", "2",
        "--batch-size", "8", "--warmup-steps", "2", "--lr", "3e-3", "--flip", "--crop-padding", "2", "--threads", "1");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("epoch 2/2: train loss "), r.out());
    assertTrue(r.out().contains("done: tiny28.json, 2 epochs (10 steps), test accuracy "), r.out());
    assertTrue(r.err().contains("epoch 1/2"), "progress bar on stderr: " + r.err());
    // The learning curves are the command line's job (xchart stays out of the library).
    BufferedImage png = ImageIO.read(out.resolve(TrainCommand.PLOT).toFile());
    assertNotNull(png, "curves.png");
    assertEquals(900, png.getWidth());
    Run again = run("--config", tinyConfig().toString(), "--data", data.toString(), "--output", out.toString(), "--epochs", "3",
        "--batch-size", "8", "--resume", "--no-progress");
    assertEquals(0, again.code(), again.err());
    assertTrue(again.out().contains("resuming at step 10 of 15"), again.out());
    assertTrue(again.out().contains("done: tiny28.json, 3 epochs (15 steps)"), again.out());
  }

  @Test
  void wrongImageSizeNeedsResize() throws IOException {
    Path data = idxDir("fm", 10);
    Run r = run("--preset", "vit-tiny", "--data", data.toString(), "--output", dir.resolve("o").toString(), "--epochs", "1");
    assertEquals(1, r.code());
    assertTrue(r.err().contains("error: " + data + ": images are 28x28x1 but the model expects 32x32x3; pass --resize"), r.err());
    Run ok = run("--preset", "vit-tiny", "--data", data.toString(), "--output", dir.resolve("o").toString(), "--epochs", "1",
        "--batch-size", "8", "--resize", "--limit-train", "16", "--limit-test", "8", "--no-progress");
    assertEquals(0, ok.code(), ok.err());
    assertTrue(ok.out().contains("train 16 images 32x32x3"), ok.out());
  }

  @Test
  void labelsOutsideTheModelsClassesAreRejected() throws IOException {
    Path data = idxDir("fm12", 13);
    Run r = run("--config", tinyConfig().toString(), "--data", data.toString(), "--output", dir.resolve("o").toString());
    assertEquals(1, r.code());
    assertTrue(r.err().contains("error: training data (model has numClasses=10): label 12 of sample 39 is outside the class range [0, 10)"),
        r.err());
  }

  @Test
  void emptyOrUnreadableDataAndBadUsage() throws IOException {
    Path empty = Files.createDirectories(dir.resolve("empty"));
    Run r = run("--config", tinyConfig().toString(), "--data", empty.toString(), "--output", dir.resolve("o").toString());
    assertEquals(1, r.code());
    assertTrue(r.err().contains("neither an IDX directory"), r.err());
    Path broken = Files.createDirectories(dir.resolve("broken"));
    Files.write(broken.resolve("train-images-idx3-ubyte"), new byte[] {0, 0, 8, 3, 0, 0});
    Idx.write(broken.resolve("train-labels-idx1-ubyte"), new Idx.Array(new int[] {1}, new byte[1]), false);
    r = run("--config", tinyConfig().toString(), "--data", broken.toString(), "--output", dir.resolve("o").toString());
    assertEquals(1, r.code());
    assertTrue(r.err().contains("train-images-idx3-ubyte: truncated header"), r.err());
    Path folder = Files.createDirectories(dir.resolve("folder/train/cat"));
    Files.writeString(folder.resolve("x.png"), "not an image");
    r = run("--config", tinyConfig().toString(), "--data", dir.resolve("folder").toString(), "--output", dir.resolve("o").toString());
    assertEquals(1, r.code());
    assertTrue(r.err().contains("1 file(s) are not readable images") && r.err().contains("x.png: "), r.err());
    r = run("--preset", "vit-tiny", "--config", tinyConfig().toString(), "--data", empty.toString(), "--output", "o");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("give exactly one of --preset and --config"), r.err());
    r = run("--preset", "nope", "--data", empty.toString(), "--output", "o");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("error: --preset=nope: unknown preset; known: vit-seed, "), r.err());
  }
}
