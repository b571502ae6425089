package dev.vittf.analysis;

import dev.vittf.core.HostTensor;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Small PNG plots drawn with Java2D (part of the JDK, works headless, no extra dependency for a
 * library jar): attention heat maps over an input image and bar charts (parameter count and
 * throughput per preset).
 */
public final class Plots {
  /** Inferno-like colour stops, from cold (0) to hot (1). */
  private static final int[][] STOPS = {
    {0, 0, 4}, {87, 16, 110}, {188, 55, 84}, {249, 142, 9}, {252, 255, 164}
  };

  private Plots() {}

  /**
   * One bar chart panel.
   *
   * @param title panel title, e.g. {@code "parameters (M)"}
   * @param values one value per label ({@code NaN} draws no bar)
   */
  public record Series(String title, double[] values) {
    /** Copies the values. */
    public Series {
      values = values.clone();
    }

    @Override
    public double[] values() {
      return values.clone();
    }
  }

  /** The colour of {@code t} in [0, 1] (clamped) on the heat-map scale. */
  public static Color heatColor(double t) {
    double x = Double.isNaN(t) ? 0 : Math.max(0, Math.min(1, t)) * (STOPS.length - 1);
    int i = Math.min((int) x, STOPS.length - 2);
    double f = x - i;
    int[] a = STOPS[i];
    int[] b = STOPS[i + 1];
    return new Color(
        (int) Math.round(a[0] + f * (b[0] - a[0])),
        (int) Math.round(a[1] + f * (b[1] - a[1])),
        (int) Math.round(a[2] + f * (b[2] - a[2])));
  }

  /**
   * A grid of values as a {@code width x height} heat map (bilinear upsampling between cell
   * centres, min-max normalised).
   */
  public static BufferedImage heatmap(float[][] grid, int width, int height) {
    return overlay(null, grid, width, height, 1.0);
  }

  /**
   * The attention grid drawn over image {@code batchIndex} of an NHWC batch (channels 1 or 3,
   * min-max normalised for display), blended with opacity {@code alpha}, at the image's own size
   * times {@code scale}.
   */
  public static BufferedImage heatmapOverlay(HostTensor images, int batchIndex, float[][] grid, double alpha, int scale) {
    long[] s = images.shape();
    if (s.length != 4 || (s[3] != 1 && s[3] != 3)) {
      throw new IllegalArgumentException("images must be NHWC with 1 or 3 channels, got " + Arrays.toString(s));
    }
    if (scale < 1 || !(alpha >= 0 && alpha <= 1)) {
      throw new IllegalArgumentException("scale must be >= 1 and alpha in [0, 1], got " + scale + ", " + alpha);
    }
    int h = (int) s[1];
    int w = (int) s[2];
    int c = (int) s[3];
    float[] d = images.data();
    int base = batchIndex * h * w * c;
    float lo = Float.POSITIVE_INFINITY;
    float hi = Float.NEGATIVE_INFINITY;
    for (int i = 0; i < h * w * c; i++) {
      lo = Math.min(lo, d[base + i]);
      hi = Math.max(hi, d[base + i]);
    }
    float range = hi > lo ? hi - lo : 1;
    BufferedImage img = new BufferedImage(w * scale, h * scale, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h * scale; y++) {
      for (int x = 0; x < w * scale; x++) {
        int p = base + ((y / scale) * w + x / scale) * c;
        int r = (int) (255 * (d[p] - lo) / range);
        int g = c == 3 ? (int) (255 * (d[p + 1] - lo) / range) : r;
        int b = c == 3 ? (int) (255 * (d[p + 2] - lo) / range) : r;
        img.setRGB(x, y, (r << 16) | (g << 8) | b);
      }
    }
    return overlay(img, grid, w * scale, h * scale, alpha);
  }

  private static BufferedImage overlay(BufferedImage base, float[][] grid, int width, int height, double alpha) {
    int gh = grid.length;
    int gw = gh == 0 ? 0 : grid[0].length;
    if (gh == 0 || gw == 0 || width < 1 || height < 1) {
      throw new IllegalArgumentException("need a non-empty grid and a positive size");
    }
    float lo = Float.POSITIVE_INFINITY;
    float hi = Float.NEGATIVE_INFINITY;
    for (float[] row : grid) {
      if (row.length != gw) {
        throw new IllegalArgumentException("ragged grid");
      }
      for (float v : row) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
    float range = hi > lo ? hi - lo : 1;
    BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < height; y++) {
      double gy = Math.max(0, Math.min(gh - 1, (y + 0.5) * gh / height - 0.5));
      int y0 = (int) gy;
      int y1 = Math.min(y0 + 1, gh - 1);
      double fy = gy - y0;
      for (int x = 0; x < width; x++) {
        double gx = Math.max(0, Math.min(gw - 1, (x + 0.5) * gw / width - 0.5));
        int x0 = (int) gx;
        int x1 = Math.min(x0 + 1, gw - 1);
        double fx = gx - x0;
        double v = (1 - fy) * ((1 - fx) * grid[y0][x0] + fx * grid[y0][x1]) + fy * ((1 - fx) * grid[y1][x0] + fx * grid[y1][x1]);
        Color hot = heatColor((v - lo) / range);
        int rgb;
        if (base == null) {
          rgb = hot.getRGB() & 0xffffff;
        } else {
          int under = base.getRGB(x, y);
          rgb = blend((under >> 16) & 0xff, hot.getRed(), alpha) << 16
              | blend((under >> 8) & 0xff, hot.getGreen(), alpha) << 8
              | blend(under & 0xff, hot.getBlue(), alpha);
        }
        out.setRGB(x, y, rgb);
      }
    }
    return out;
  }

  private static int blend(int under, int over, double alpha) {
    return (int) Math.round((1 - alpha) * under + alpha * over);
  }

  /**
   * Horizontal-label bar charts, one panel per series stacked vertically, sharing the labels; each
   * bar is annotated with its value.
   */
  public static BufferedImage barChart(String title, List<String> labels, List<Series> series, int width, int height) {
    if (labels.isEmpty() || series.isEmpty()) {
      throw new IllegalArgumentException("need at least one label and one series");
    }
    for (Series s : series) {
      if (s.values.length != labels.size()) {
        throw new IllegalArgumentException(
            "series '" + s.title + "' has " + s.values.length + " values for " + labels.size() + " labels");
      }
    }
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, width, height);
      g.setColor(Color.BLACK);
      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
      g.drawString(title, 10, 20);
      int top = 30;
      int labelBand = 60;
      int panelH = (height - top - labelBand) / series.size();
      int left = 60;
      int right = width - 10;
      int n = labels.size();
      double slot = (right - left) / (double) n;
      for (int si = 0; si < series.size(); si++) {
        Series s = series.get(si);
        int y0 = top + si * panelH;
        int axisY = y0 + panelH - 5;
        double max = Arrays.stream(s.values).filter(Double::isFinite).max().orElse(1);
        max = max > 0 ? max : 1;
        g.setColor(Color.DARK_GRAY);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.drawString(s.title, left, y0 + 14);
        g.setStroke(new BasicStroke(1f));
        g.drawLine(left, axisY, right, axisY);
        Color fill = si % 2 == 0 ? new Color(0x4C72B0) : new Color(0xDD8452);
        int barTop = y0 + 20;
        for (int i = 0; i < n; i++) {
          double v = s.values[i];
          if (!Double.isFinite(v) || v <= 0) {
            continue;
          }
          int bh = (int) Math.round((axisY - barTop - 14) * v / max);
          int bw = Math.max(1, (int) Math.round(Math.min(slot * 0.7, 120)));
          int bx = (int) Math.round(left + (i + 0.5) * slot - bw / 2.0);
          g.setColor(fill);
          g.fillRect(bx, axisY - bh, bw, bh);
          g.setColor(Color.BLACK);
          String text = format(v);
          FontMetrics fm = g.getFontMetrics();
          g.drawString(text, bx + (bw - fm.stringWidth(text)) / 2, axisY - bh - 3);
        }
      }
      g.setColor(Color.BLACK);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
      FontMetrics fm = g.getFontMetrics();
      int labelY = top + series.size() * panelH + 14;
      for (int i = 0; i < n; i++) {
        String l = labels.get(i);
        int cx = (int) Math.round(left + (i + 0.5) * slot);
        g.drawString(l, cx - fm.stringWidth(l) / 2, labelY + (i % 2) * 16);
      }
    } finally {
      g.dispose();
    }
    return img;
  }

  private static String format(double v) {
    return v >= 100 ? String.format(Locale.ROOT, "%.0f", v) : v >= 10 ? String.format(Locale.ROOT, "%.1f", v) : String.format(Locale.ROOT, "%.2f", v);
  }

  /** Writes a PNG (creating parent directories). */
  public static Path writePng(BufferedImage image, Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    if (!ImageIO.write(image, "png", file.toFile())) {
      throw new IOException("no PNG writer available");
    }
    return file;
  }
}
