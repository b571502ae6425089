package dev.vittf.cli;

import dev.vittf.train.EpochRecord;
import java.awt.Color;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The learning curves of a run as a PNG: mean training loss per epoch (left axis) and test accuracy
 * per epoch (right axis, in percent), drawn with XChart.
 */
public final class TrainingPlot {
  private TrainingPlot() {}

  /** Builds the chart. */
  public static XYChart chart(String title, List<EpochRecord> history) {
    XYChart chart = new XYChartBuilder().width(900).height(520).title(title).xAxisTitle("epoch").yAxisTitle("training loss").build();
    Styler s = chart.getStyler();
    s.setLegendPosition(Styler.LegendPosition.OutsideS);
    s.setLegendLayout(Styler.LegendLayout.Horizontal);
    s.setChartBackgroundColor(Color.WHITE);
    s.setPlotBackgroundColor(Color.WHITE);
    chart.getStyler().setYAxisGroupPosition(1, Styler.YAxisPosition.Right);
    chart.setYAxisGroupTitle(0, "training loss");
    chart.setYAxisGroupTitle(1, "test accuracy (%)");
    double[] x = new double[history.size()];
    double[] loss = new double[history.size()];
    double[] acc = new double[history.size()];
    for (int i = 0; i < x.length; i++) {
      EpochRecord e = history.get(i);
      x[i] = e.epoch();
      loss[i] = e.trainLoss();
      acc[i] = 100 * e.testAccuracy();
    }
    if (x.length == 0) {
      x = new double[] {0};
      loss = new double[] {0};
      acc = new double[] {0};
    }
    XYSeries l = chart.addSeries("training loss", x, loss);
    l.setMarker(SeriesMarkers.CIRCLE);
    l.setLineColor(new Color(0x1f77b4));
    l.setMarkerColor(new Color(0x1f77b4));
    XYSeries a = chart.addSeries("test accuracy (%)", x, acc);
    a.setYAxisGroup(1);
    a.setMarker(SeriesMarkers.DIAMOND);
    a.setLineColor(new Color(0xd62728));
    a.setMarkerColor(new Color(0xd62728));
    return chart;
  }

  /** Writes the chart to {@code file} (PNG) atomically. */
  public static void write(Path file, String title, List<EpochRecord> history) throws IOException {
    System.setProperty("java.awt.headless", "true");
    XYChart chart = chart(title, history);
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
    try {
      try (OutputStream out = Files.newOutputStream(tmp)) {
        BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG);
      }
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
