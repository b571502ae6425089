// The transfer experiment's curves (docs/fine-tuning.md): test accuracy per epoch of every run, one line each, read
// from the runs' metrics.csv, drawn into one PNG.
//   java -cp "vit-tf/cli/target/vit-tf.jar:vit-tf/cli/target/lib/*" docs/tuning/FineTuningCurves.java docs/fine-tuning.png \
//     "from scratch=runs/scratch" "linear probe=runs/linear-probe" "attention only=runs/attention" "full=runs/full"
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

public class FineTuningCurves {
  public static void main(String[] args) throws IOException {
    System.setProperty("java.awt.headless", "true");
    XYChart chart = new XYChartBuilder().width(900).height(560)
        .title("Fashion-MNIST classes 5-9, 20 training images per class: test accuracy (5000 images)")
        .xAxisTitle("epoch (10 steps of 10 images)").yAxisTitle("test accuracy (%)").build();
    Styler s = chart.getStyler();
    s.setLegendPosition(Styler.LegendPosition.InsideSE);
    s.setChartBackgroundColor(Color.WHITE);
    s.setPlotBackgroundColor(Color.WHITE);
    for (int i = 1; i < args.length; i++) {
      String[] nameDir = args[i].split("=", 2);
      List<String> lines = Files.readAllLines(Path.of(nameDir[1], "metrics.csv"));
      double[] x = new double[lines.size() - 1];
      double[] y = new double[x.length];
      for (int j = 1; j < lines.size(); j++) {
        String[] f = lines.get(j).split(",");
        x[j - 1] = Double.parseDouble(f[0]);
        y[j - 1] = 100 * Double.parseDouble(f[3]);
      }
      chart.addSeries(nameDir[0], x, y).setMarker(SeriesMarkers.NONE);
    }
    BitmapEncoder.saveBitmap(chart, args[0], BitmapEncoder.BitmapFormat.PNG);
  }
}
