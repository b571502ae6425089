// Shared helpers for the vit-tf notebooks: /open notebooks/lib/common.jsh (run from the project root).
// Every notebook counts failed checks in `failures` and prints PASS/FAIL at its end; notebooks/run then sends
//   /exit failures == 0 ? 0 : 1
// so that notebooks/run (and CI) fail when a check fails.
import dev.vittf.analysis.*;
import dev.vittf.arch.cait.*;
import dev.vittf.arch.deepvit.*;
import dev.vittf.arch.parallelvit.*;
import dev.vittf.arch.scalablevit.*;
import dev.vittf.arch.vit.*;
import dev.vittf.core.*;
import dev.vittf.io.*;
import dev.vittf.models.*;
import java.nio.file.*;
import java.util.*;

int failures = 0;

/** Prints "ok"/"FAILED" for one check and counts failures. */
void check(boolean ok, String what) {
  System.out.println((ok ? "  ok      " : "  FAILED  ") + what);
  if (!ok) failures++;
}

/** Milliseconds since a System.nanoTime() stamp. */
double ms(long t0) { return (System.nanoTime() - t0) / 1e6; }

/** A reproducible batch of N(0,1) NHWC images for a config. */
HostTensor randomImages(ModelConfig c, int batch, long seed) {
  Random r = new Random(seed);
  float[] px = new float[batch * c.imageHeight() * c.imageWidth() * c.channels()];
  for (int i = 0; i < px.length; i++) px[i] = (float) r.nextGaussian();
  return new HostTensor(new long[] {batch, c.imageHeight(), c.imageWidth(), c.channels()}, px);
}

/** Median wall time in ms of `runs` calls (after 2 warm-up calls). */
double medianMs(Runnable body, int runs) {
  body.run(); body.run();
  double[] t = new double[runs];
  for (int i = 0; i < runs; i++) { long t0 = System.nanoTime(); body.run(); t[i] = ms(t0); }
  Arrays.sort(t);
  return t[runs / 2];
}

/** Reference fixtures: -Dvittf.fixtures=DIR (notebooks/run passes it), else the project's vit-tf/fixtures. */
Path fixtures() { return Path.of(System.getProperty("vittf.fixtures", "vit-tf/fixtures")); }

/** Where notebooks write their PNGs: -Dvittf.out=DIR, else notebooks/out. */
Path outDir() { return Path.of(System.getProperty("vittf.out", "notebooks/out")); }

/**
 * The common walk-through of one preset: build the graph model, run it in the graph and eagerly (same
 * weights), print shapes, parameter count and timing, and check shapes, counts and graph == eager.
 * Returns the graph model (the caller closes it).
 */
VitModel explore(String preset, int batch) {
  ModelConfig config = Presets.get(preset);   // fails loudly if the preset does not exist
  System.out.println("== " + preset + " (" + config.architecture() + ") ==");
  System.out.println(config);
  HostTensor images = randomImages(config, batch, 1);
  long t0 = System.nanoTime();
  VitModel model = VitModel.create(config, 0);
  System.out.printf("graph build + init: %.0f ms, %,d parameters in %d tensors, %.3f GFLOPs/image%n",
      ms(t0), model.parameterCount(), model.parameters().size(), model.flopsPerImage() / 1e9);
  t0 = System.nanoTime();
  HostTensor logits = model.predict(images);
  System.out.printf("graph: first run %.1f ms, logits %s%n", ms(t0), Arrays.toString(logits.shape()));
  double graphMs = medianMs(() -> model.predict(images), 10);
  System.out.printf("graph: median %.2f ms per batch of %d (%.1f images/s)%n", graphMs, batch, batch * 1000 / graphMs);
  Map<String, HostTensor> weights = model.weights();
  t0 = System.nanoTime();
  Map<String, HostTensor> eager = EagerRunner.forward(config, weights, 0, Mode.INFERENCE, images);
  System.out.printf("eager: %.1f ms (op by op, same weights)%n", ms(t0));
  System.out.println("named outputs (eager == graph names):");
  for (var e : eager.entrySet()) {
    if (!e.getKey().contains("/") || e.getKey().startsWith("blocks/0/")) {
      System.out.printf("  %-32s %s%n", e.getKey(), Arrays.toString(e.getValue().shape()));
    }
  }
  double diff = eager.get("logits").maxAbsDiff(logits);
  System.out.printf("max |eager - graph| logits = %.2e%n", diff);
  check(Arrays.equals(logits.shape(), new long[] {batch, config.numClasses()}), "logits shape [" + batch + ", " + config.numClasses() + "]");
  check(model.parameterCount() == ModelParameters.count(config), "parameter count matches ModelParameters.count");
  check(diff <= 1e-4, "eager logits equal graph logits (max diff " + diff + " <= 1e-4)");
  check(model.outputNames().equals(new TreeSet<>(eager.keySet())), "graph and eager expose the same named outputs");
  return model;
}

/** Parameter counts of every registered preset whose name starts with `prefix`. */
void presetTable(String prefix) {
  System.out.printf("%-22s %14s %12s%n", "preset", "parameters", "GFLOPs/img");
  for (var e : Presets.all().entrySet()) {
    if (!e.getKey().startsWith(prefix)) continue;
    ModelConfig c = e.getValue().get();
    System.out.printf("%-22s %,14d %12.3f%n", e.getKey(), ModelParameters.count(c), c.network().flopsPerImage() / 1e9);
  }
}
