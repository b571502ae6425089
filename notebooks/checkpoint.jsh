// Loading real checkpoints: vit-pytorch and timm reference models from the project's vit-tf/fixtures.
//   jshell --class-path "$(notebooks/run --classpath)" notebooks/checkpoint.jsh
/open notebooks/lib/common.jsh

Path dir = fixtures();
System.out.println("fixtures: " + dir.toAbsolutePath());

/** Loads one fixture case, runs it in a graph and eagerly, and compares with the reference logits. */
void parity(String name) throws Exception {
  var ref = ReferenceModels.fromJsonFile(dir.resolve(name + ".json"));   // family + constructor kwargs -> our config
  System.out.println("== " + name + ": " + ref.family() + " from " + ref.source() + " ==");
  Map<String, HostTensor> io = SafeTensors.read(dir.resolve(name + ".io.safetensors")).tensors();
  HostTensor input = io.get("input");
  HostTensor expected = io.get("logits");
  long t0 = System.nanoTime();
  try (VitModel model = VitModel.create(ref.config())) {
    Checkpoints.load(model, dir.resolve(name + ".safetensors"), ref.source());
    System.out.printf("build + load: %.0f ms, %,d parameters%n", ms(t0), model.parameterCount());
    t0 = System.nanoTime();
    HostTensor logits = model.predict(input);
    System.out.printf("graph: %.1f ms, input %s -> logits %s%n", ms(t0), Arrays.toString(input.shape()), Arrays.toString(logits.shape()));
    Map<String, HostTensor> weights = model.weights();
    t0 = System.nanoTime();
    HostTensor eager = EagerRunner.logits(ref.config(), weights, input);
    System.out.printf("eager: %.1f ms%n", ms(t0));
    double g = logits.maxAbsDiff(expected);
    double e = eager.maxAbsDiff(expected);
    System.out.printf("max |logits - reference|: graph %.2e, eager %.2e%n", g, e);
    check(g <= 1e-4, name + " graph logits match the reference to 1e-4");
    check(e <= 1e-4, name + " eager logits match the reference to 1e-4");
  }
}

// The declared mapping table: our name, their name, layout conversion.
var vitRef = ReferenceModels.fromJsonFile(dir.resolve("vit.json"));
var table = Checkpoints.mapping(vitRef.config(), vitRef.source());
System.out.println(table.source() + ": " + table.entries().size() + " entries, e.g.");
table.entries().stream().limit(6).forEach(e -> System.out.printf("  %-32s <- %-40s %s%n", e.ours(), e.theirs(), e.conversion()));

parity("vit");
parity("timm_vit");

// Strict loading: a checkpoint for another model is rejected with every problem listed.
try (VitModel wrong = VitModel.create(Presets.get("vit-tiny"))) {
  Checkpoints.load(wrong, dir.resolve("vit.safetensors"), vitRef.source());
  check(false, "mismatched checkpoint rejected");
} catch (CheckpointMismatchException e) {
  System.out.println(e.getMessage().lines().limit(3).reduce((a, b) -> a + "\n" + b).orElse(""));
  check(true, "mismatched checkpoint rejected: " + e.getClass().getSimpleName());
}

// Round trip: save our weights as safetensors under our names and load them back.
Path saved = Files.createTempFile("vit-tf-notebook", ".safetensors");
try (VitModel a = VitModel.create(vitRef.config(), 3); VitModel b = VitModel.create(vitRef.config(), 4)) {
  Checkpoints.save(a, saved);
  Checkpoints.load(b, saved, CheckpointSource.NATIVE);
  HostTensor x = randomImages(vitRef.config(), 1, 9);
  check(a.predict(x).maxAbsDiff(b.predict(x)) == 0, "saved and reloaded weights give identical logits");
} finally {
  Files.deleteIfExists(saved);
}

System.out.println(failures == 0 ? "PASS checkpoint" : "FAIL checkpoint: " + failures + " check(s) failed");
