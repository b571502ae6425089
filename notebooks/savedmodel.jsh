// SavedModel export and reload (module savedmodel-export): export a model for TensorFlow Serving, load the
// SavedModel back in this JVM and check that it reproduces the in-memory model's logits.
//   jshell --class-path "$(notebooks/run --classpath)" notebooks/savedmodel.jsh
/open notebooks/lib/common.jsh
import dev.vittf.export.*;

ModelConfig config = Presets.get("vit-tiny");
HostTensor images = randomImages(config, 3, 5);
HostTensor expected;
try (VitModel model = VitModel.create(config, 0)) {    // the same weights as Weights.seed(0)
  expected = model.predict(images);
}

// Export into a fresh temporary base directory (version 1), printing each stage with its duration.
Path base = Files.createTempDirectory("vittf-notebook-savedmodel");
long t0 = System.nanoTime();
var result = SavedModelExporter.export(config, Weights.seed(0), base, ExportOptions.defaults().withVersion(1),
    (stage, took) -> System.out.printf("  %-50s %6d ms%n", stage, took.toMillis()));
System.out.printf("exported to %s in %.0f ms%n", result.directory(), ms(t0));
try (var files = Files.walk(result.directory())) {
  files.filter(Files::isRegularFile).forEach(f -> System.out.printf("  %-60s %,10d bytes%n", base.relativize(f), f.toFile().length()));
}
check(Files.exists(result.directory().resolve("saved_model.pb")), "saved_model.pb written");

// Reload it (as TensorFlow Serving would: tag "serve", signature serving_default) and compare.
t0 = System.nanoTime();
HostTensor logits;
try (ServingModel served = ServingModel.load(result.directory())) {
  System.out.printf("loaded in %.0f ms%n", ms(t0));
  t0 = System.nanoTime();
  ServingModel.Outputs out = served.outputs(images);
  System.out.printf("serving_default: %.1f ms, outputs %s and classes%n", ms(t0), out.tensors().keySet());
  // No labels were given: assets/labels.txt holds LABEL_0..LABEL_9; classes/scores are the top 5.
  System.out.println("image 0: " + out.classes().get(0) + " " + Arrays.toString(out.tensors().get("scores").row(0)));
  check(out.classes().get(0).size() == 5 && out.classes().get(0).get(0).startsWith("LABEL_"), "top-5 labels per image");
  logits = out.tensors().get("logits");
}
double diff = logits.maxAbsDiff(expected);
System.out.printf("logits %s, max |reloaded - in-memory| = %.2e%n", Arrays.toString(logits.shape()), diff);
check(Arrays.equals(logits.shape(), new long[] {3, 10}), "logits [3, 10]");
check(diff <= 1e-5, "the reloaded SavedModel reproduces the model's logits");

// Clean up the temporary export.
try (var files = Files.walk(base)) {
  files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
}

System.out.println(failures == 0 ? "PASS savedmodel" : "FAIL savedmodel: " + failures + " check(s) failed");
