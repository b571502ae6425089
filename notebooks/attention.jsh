// Attention maps: per-layer probabilities, attention rollout (Abnar & Zuidema 2020) rendered as a PNG heat
// map over the input image, and a PNG bar chart of parameter count and throughput per preset.
//   jshell --class-path "$(notebooks/run --classpath)" notebooks/attention.jsh
/open notebooks/lib/common.jsh
import java.awt.image.BufferedImage;

// The vit-pytorch reference ViT (32x32 images, patch 8: a 4x4 grid of patches plus the class token).
var ref = ReferenceModels.fromJsonFile(fixtures().resolve("vit.json"));
VitModel model = VitModel.create(ref.config());
Checkpoints.load(model, fixtures().resolve("vit.safetensors"), ref.source());

// A synthetic input: a bright disk in the lower right of a dark horizontal gradient.
float[] px = new float[32 * 32 * 3];
for (int y = 0; y < 32; y++) for (int x = 0; x < 32; x++) {
  boolean disk = (x - 22) * (x - 22) + (y - 21) * (y - 21) < 36;
  for (int c = 0; c < 3; c++) px[(y * 32 + x) * 3 + c] = disk ? (c == 0 ? 2.0f : 1.2f) : -1.5f + x / 32f;
}
HostTensor image = new HostTensor(new long[] {1, 32, 32, 3}, px);

// Every attention layer the model exposes, and one layer's probabilities [B, heads, N, N].
List<String> names = AttentionMaps.mapNames(model);
System.out.println("attention maps: " + names);
HostTensor layer0 = AttentionMaps.layer(model, image, names.get(0));
System.out.println(names.get(0) + " " + Arrays.toString(layer0.shape()));

// Rollout: average heads, add the identity, renormalise rows, multiply through the layers.
long t0 = System.nanoTime();
HostTensor rollout = AttentionMaps.rollout(model, image);
System.out.printf("rollout %s in %.1f ms%n", Arrays.toString(rollout.shape()), ms(t0));
double worstRow = 0;
for (int q = 0; q < 17; q++) {
  double s = 0;
  for (int k = 0; k < 17; k++) s += rollout.data()[q * 17 + k];
  worstRow = Math.max(worstRow, Math.abs(s - 1));
}
check(Arrays.equals(rollout.shape(), new long[] {1, 17, 17}), "rollout is [1, 17, 17]");
check(worstRow < 1e-5, "every rollout row sums to 1 (worst " + worstRow + ")");

// Class-token attention over the 4x4 patch grid, drawn over the image (x8 upscaled).
float[][] grid = AttentionMaps.classAttention(rollout, 0, 4, 4);
for (float[] row : grid) System.out.println(Arrays.toString(row));
Path rolloutPng = Plots.writePng(Plots.heatmapOverlay(image, 0, grid, 0.6, 8), outDir().resolve("attention-rollout.png"));
Path layerPng = Plots.writePng(Plots.heatmapOverlay(image, 0, AttentionMaps.classAttention(layer0, 0, 4, 4), 0.6, 8),
    outDir().resolve("attention-layer0.png"));
BufferedImage back = javax.imageio.ImageIO.read(rolloutPng.toFile());
System.out.println("wrote " + rolloutPng + " and " + layerPng);
check(back.getWidth() == 256 && back.getHeight() == 256, "heat map PNG is 256x256");
model.close();

// Parameter count and throughput (batch 8, graph mode, measured now) of every tiny preset, as a bar chart.
// (docs/benchmarks.png has the same chart for the seed presets and ViT-B/16, from `bench-all`.)
List<String> labels = new ArrayList<>();
List<Double> params = new ArrayList<>();
List<Double> ips = new ArrayList<>();
for (String p : Presets.all().keySet()) {
  if (!p.endsWith("-tiny")) continue;
  ModelConfig c = Presets.get(p);
  try (VitModel m = VitModel.create(c, 0)) {
    HostTensor batch = randomImages(c, 8, 2);
    double msPerBatch = medianMs(() -> m.predict(batch), 10);
    labels.add(p);
    params.add(m.parameterCount() / 1e3);
    ips.add(8 * 1000 / msPerBatch);
    System.out.printf("%-20s %,10d parameters %8.1f images/s%n", p, m.parameterCount(), 8 * 1000 / msPerBatch);
  }
}
var chart = Plots.barChart("tiny presets (graph mode, batch 8)", labels,
    List.of(new Plots.Series("parameters (thousands)", params.stream().mapToDouble(d -> d).toArray()),
            new Plots.Series("images / s", ips.stream().mapToDouble(d -> d).toArray())), 800, 500);
Path chartPng = Plots.writePng(chart, outDir().resolve("presets.png"));
System.out.println("wrote " + chartPng);
check(javax.imageio.ImageIO.read(chartPng.toFile()).getWidth() == 800, "bar chart PNG is 800 wide");

System.out.println(failures == 0 ? "PASS attention" : "FAIL attention: " + failures + " check(s) failed");
