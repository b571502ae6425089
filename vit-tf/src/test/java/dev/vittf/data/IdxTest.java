package dev.vittf.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxTest {
  @TempDir Path dir;

  private static byte[] ramp(int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (i * 7 + 3);
    }
    return b;
  }

  @Test
  void roundTripsPlainAndGzip() throws IOException {
    Idx.Array a = new Idx.Array(new int[] {3, 4, 5}, ramp(60));
    for (boolean gz : new boolean[] {false, true}) {
      Path f = dir.resolve("a" + gz);
      Idx.write(f, a, gz);
      byte[] raw = Files.readAllBytes(f);
      assertEquals(gz, (raw[0] & 0xff) == 0x1f && (raw[1] & 0xff) == 0x8b);
      Idx.Array b = Idx.read(f);
      assertArrayEquals(a.dims(), b.dims());
      assertArrayEquals(a.data(), b.data());
    }
  }

  @Test
  void plainHeaderIsBigEndian() throws IOException {
    Path f = dir.resolve("x");
    Idx.write(f, new Idx.Array(new int[] {2, 300}, new byte[600]), false);
    byte[] raw = Files.readAllBytes(f);
    assertArrayEquals(new byte[] {0, 0, 8, 2, 0, 0, 0, 2, 0, 0, 1, 44}, Arrays.copyOf(raw, 12));
    assertEquals(612, raw.length);
  }

  @Test
  void loadsAnMnistStyleSplit() throws IOException {
    Idx.write(dir.resolve("train-images-idx3-ubyte.gz"), new Idx.Array(new int[] {4, 2, 3}, ramp(24)), true);
    Idx.write(dir.resolve("train-labels-idx1-ubyte"), new Idx.Array(new int[] {4}, new byte[] {0, 2, 1, 2}), false);
    ImageDataset d = Idx.loadSplit(dir, "train", null);
    assertEquals(4, d.size());
    assertEquals(2, d.height());
    assertEquals(3, d.width());
    assertEquals(1, d.channels());
    assertEquals(3, d.numClasses());
    assertArrayEquals(new int[] {0, 2, 1, 2}, d.labels());
    assertEquals(ramp(24)[7] & 0xff, d.pixel(1, 1));
  }

  private Path writeRaw(String name, byte[] bytes) throws IOException {
    Path f = dir.resolve(name);
    Files.write(f, bytes);
    return f;
  }

  private static String error(Path f) {
    return assertThrows(DataException.class, () -> Idx.read(f)).getMessage();
  }

  @Test
  void rejectsMalformedFilesWithClearMessages() throws IOException {
    assertTrue(error(writeRaw("empty", new byte[0])).contains("truncated"));
    assertTrue(error(writeRaw("magic", new byte[] {1, 0, 8, 1, 0, 0, 0, 1, 5})).contains("not an IDX file"));
    assertTrue(error(writeRaw("type", new byte[] {0, 0, 0x0D, 1, 0, 0, 0, 1, 0, 0, 0, 0})).contains("unsupported IDX element type 0xd"));
    assertTrue(error(writeRaw("header", new byte[] {0, 0, 8, 3, 0, 0, 0, 1})).contains("truncated header"));
    assertTrue(error(writeRaw("dim", new byte[] {0, 0, 8, 1, 0, 0, 0, 0})).contains("dimension 0 is 0, must be > 0"));
    String body = error(writeRaw("body", new byte[] {0, 0, 8, 1, 0, 0, 0, 5, 1, 2}));
    assertTrue(body.contains("truncated") && body.contains("need 5 data bytes, only 2 present"), body);
    assertTrue(error(writeRaw("trail", new byte[] {0, 0, 8, 1, 0, 0, 0, 1, 1, 2})).contains("trailing bytes"));
    Path gz = dir.resolve("gz");
    Idx.write(gz, new Idx.Array(new int[] {100}, ramp(100)), true);
    byte[] g = Files.readAllBytes(gz);
    Path cut = writeRaw("cut.gz", Arrays.copyOf(g, g.length - 10));
    String m = error(cut);
    assertTrue(m.contains("cut.gz") && (m.contains("gzip") || m.contains("truncated")), m);
    assertTrue(error(dir.resolve("missing")).contains("no such file"));
  }

  @Test
  void rejectsInconsistentImageAndLabelFiles() throws IOException {
    Path im = dir.resolve("im");
    Path lb = dir.resolve("lb");
    Idx.write(im, new Idx.Array(new int[] {3, 2, 2}, new byte[12]), false);
    Idx.write(lb, new Idx.Array(new int[] {2}, new byte[2]), false);
    assertTrue(assertThrows(DataException.class, () -> Idx.load(im, lb, null)).getMessage().contains("has 3 images but"));
    Idx.write(lb, new Idx.Array(new int[] {3}, new byte[] {0, 1, 12}), false);
    String m = assertThrows(DataException.class, () -> Idx.load(im, lb, List.of("a", "b", "c"))).getMessage();
    assertTrue(m.contains("label 12 of sample 2 is outside the class range [0, 3)"), m);
    Idx.write(lb, new Idx.Array(new int[] {3, 1}, new byte[3]), false);
    assertTrue(assertThrows(DataException.class, () -> Idx.load(im, lb, null)).getMessage().contains("must have 1 dimension"));
    assertTrue(assertThrows(DataException.class, () -> Idx.loadSplit(dir, "t10k", null)).getMessage()
        .contains("neither t10k-images-idx3-ubyte nor t10k-images-idx3-ubyte.gz exists"));
  }

  @Test
  void emptyDatasetIsRejected() {
    String m = assertThrows(DataException.class, () -> ImageDataset.of(2, 2, 1, new byte[0], new int[0], 3)).getMessage();
    assertEquals("empty dataset: no images", m);
  }
}
