package dev.vittf.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vittf.core.HostTensor;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlotsTest {

  @Test
  void heatmapHasTheRequestedSizeAndPutsTheHotCellWhereItBelongs(@TempDir Path dir) throws Exception {
    float[][] grid = {{0, 0, 0}, {0, 0, 0}, {0, 0, 1}}; // hot bottom-right cell
    BufferedImage img = Plots.heatmap(grid, 90, 60);
    Path png = Plots.writePng(img, dir.resolve("sub/heat.png"));
    BufferedImage back = ImageIO.read(png.toFile());
    assertEquals(90, back.getWidth());
    assertEquals(60, back.getHeight());
    assertEquals(Plots.heatColor(1).getRGB(), back.getRGB(89, 59));
    assertEquals(Plots.heatColor(0).getRGB(), back.getRGB(0, 0));
  }

  @Test
  void overlayIsTheImageSizeTimesScaleAndBlends() throws Exception {
    float[] px = new float[1 * 8 * 8 * 3]; // black image
    HostTensor images = new HostTensor(new long[] {1, 8, 8, 3}, px);
    float[][] grid = {{1, 0}, {0, 0}};
    BufferedImage img = Plots.heatmapOverlay(images, 0, grid, 0.5, 4);
    assertEquals(32, img.getWidth());
    assertEquals(32, img.getHeight());
    Color hot = Plots.heatColor(1);
    Color corner = new Color(img.getRGB(0, 0));
    assertEquals(Math.round(0.5 * hot.getRed()), corner.getRed(), 1);
    assertEquals(Math.round(0.5 * hot.getGreen()), corner.getGreen(), 1);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Plots.heatmapOverlay(new HostTensor(new long[] {1, 8, 8, 2}, new float[128]), 0, grid, 0.5, 1));
    assertTrue(e.getMessage().contains("1 or 3 channels"), e.getMessage());
  }

  @Test
  void barChartHasTheRequestedSizeAndTallerBarsForLargerValues(@TempDir Path dir) throws Exception {
    List<String> labels = List.of("small", "large");
    BufferedImage img = Plots.barChart("presets", labels,
        List.of(new Plots.Series("parameters (M)", new double[] {10, 40}), new Plots.Series("images/s", new double[] {50, 5})),
        400, 300);
    Path png = Plots.writePng(img, dir.resolve("bars.png"));
    assertTrue(Files.size(png) > 0);
    BufferedImage back = ImageIO.read(png.toFile());
    assertEquals(400, back.getWidth());
    assertEquals(300, back.getHeight());
    int blue = new Color(0x4C72B0).getRGB();
    int orange = new Color(0xDD8452).getRGB();
    // bar centres: left + (i + 0.5) * slot with left = 60, slot = 165
    int small = countColumn(back, 60 + 82, blue);
    int large = countColumn(back, 60 + 165 + 82, blue);
    assertTrue(large > 3 * small && small > 0, "parameter bars: small " + small + ", large " + large);
    int fast = countColumn(back, 60 + 82, orange);
    int slow = countColumn(back, 60 + 165 + 82, orange);
    assertTrue(fast > 5 * slow && slow > 0, "throughput bars: " + fast + " vs " + slow);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Plots.barChart("t", labels, List.of(new Plots.Series("x", new double[] {1})), 100, 100));
    assertTrue(e.getMessage().contains("has 1 values for 2 labels"), e.getMessage());
  }

  private static int countColumn(BufferedImage img, int x, int rgb) {
    int n = 0;
    for (int y = 0; y < img.getHeight(); y++) {
      if (img.getRGB(x, y) == rgb) {
        n++;
      }
    }
    return n;
  }
}
