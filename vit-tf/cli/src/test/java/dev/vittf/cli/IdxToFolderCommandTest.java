package dev.vittf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vittf.data.Idx;
import dev.vittf.data.ImageDataset;
import dev.vittf.data.ImageFolder;
import dev.vittf.train.SyntheticData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code idx-to-folder}: the classes asked for, N per class, pixels unchanged, an existing output never touched. */
class IdxToFolderCommandTest {
  @TempDir Path dir;

  private static int run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8)) {
      return Main.execute(o, o, false, args);
    }
  }

  @Test
  void writesTheSelectedClassesAsPngFolders() throws IOException {
    Path idx = Files.createDirectories(dir.resolve("idx"));
    ImageDataset train = SyntheticData.make(60, 28, 28, 1, 10, 1);
    ImageDataset test = SyntheticData.make(30, 28, 28, 1, 10, 2);
    for (String[] split : new String[][] {{"train", "0"}, {"t10k", "1"}}) {
      ImageDataset d = split[1].equals("0") ? train : test;
      byte[] px = new byte[d.size() * d.imageSize()];
      byte[] y = new byte[d.size()];
      for (int i = 0; i < d.size(); i++) {
        d.copyImage(i, px, i * d.imageSize());
        y[i] = (byte) d.label(i);
      }
      Idx.write(idx.resolve(split[0] + "-images-idx3-ubyte"), new Idx.Array(new int[] {d.size(), 28, 28}, px), false);
      Idx.write(idx.resolve(split[0] + "-labels-idx1-ubyte"), new Idx.Array(new int[] {d.size()}, y), false);
    }
    Path out = dir.resolve("folder");
    assertEquals(0, run("idx-to-folder", "--data", idx.toString(), "--classes", "5-7", "--train-per-class", "2", "--output", out.toString()));
    assertEquals(List.of("5", "6", "7"), list(out.resolve("train")));
    ImageDataset written = ImageFolder.read(out.resolve("train"), 28, 28, 1, false);
    ImageDataset expected = train.onlyClasses(List.of(5, 6, 7)).firstPerClass(2);
    assertEquals(6, written.size());
    byte[] a = new byte[784];
    byte[] b = new byte[784];
    // folders sort the files by name = index; the expected set is in dataset order, grouped per class by the reader
    for (int k = 0; k < 3; k++) {
      int w = 0;
      for (int i = 0; i < written.size(); i++) {
        if (written.label(i) != k) {
          continue;
        }
        int e = -1;
        for (int j = 0, seen = 0; j < expected.size(); j++) {
          if (expected.label(j) == k && seen++ == w) {
            e = j;
          }
        }
        written.copyImage(i, a, 0);
        expected.copyImage(e, b, 0);
        assertTrue(java.util.Arrays.equals(a, b), "class " + k + " image " + w + " pixels");
        w++;
      }
    }
    assertEquals(test.onlyClasses(List.of(5, 6, 7)).size(), ImageFolder.read(out.resolve("val"), 28, 28, 1, false).size());
    assertEquals(4, run("idx-to-folder", "--data", idx.toString(), "--classes", "5-7", "--output", out.toString()), "exists: untouched");
    assertEquals(2, run("idx-to-folder", "--data", idx.toString(), "--classes", "7-5", "--output", dir.resolve("x").toString()));
  }

  private static List<String> list(Path d) throws IOException {
    try (var s = Files.list(d)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
