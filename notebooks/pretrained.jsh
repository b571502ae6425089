// Checkpoints as users download them: every kind of hub snapshot folder (transformers ViT / ViTModel / distilled
// DeiT, the same ViT as pytorch_model.bin, timm hub, torchvision), opened with Pretrained.load, described as
// `vit-tf inspect` does, and run in graph and eager mode against the folder's expected outputs.
//   jshell --class-path "$(notebooks/run --classpath)" notebooks/pretrained.jsh
/open notebooks/lib/common.jsh

Path hub = fixtures().resolve("hub");

void open(String name) throws Exception {
  Path folder = hub.resolve(name);
  Pretrained p = Pretrained.load(folder);                       // format detected from config.json
  System.out.println("== " + name + " ==");
  System.out.print(p.describe());                               // what `vit-tf inspect` prints
  Map<String, HostTensor> io = SafeTensors.read(folder.resolve("expected.io.safetensors")).tensors();
  HostTensor input = io.get("input");
  Map<String, HostTensor> graph;
  try (VitModel model = p.model()) {
    graph = model.run(input, p.outputs().values().toArray(String[]::new));
  }
  Map<String, HostTensor> eager = EagerRunner.forward(p.config(), p.weights(), 0, Mode.INFERENCE, input);
  for (var e : p.outputs().entrySet()) {
    if (!io.containsKey(e.getKey())) {
      continue;
    }
    double g = graph.get(e.getValue()).maxAbsDiff(io.get(e.getKey()));
    double x = eager.get(e.getValue()).maxAbsDiff(io.get(e.getKey()));
    System.out.printf("%-20s graph %.2e  eager %.2e%n", e.getKey(), g, x);
    check(g <= 1e-4 && x <= 1e-4, name + " " + e.getKey() + " matches to 1e-4 in graph and eager mode");
  }
}

for (String name : List.of("hf_vit", "hf_vit_bin", "hf_vit_bare", "hf_deit_distilled", "timm_vit", "torchvision_vit")) {
  open(name);
}

// The labels travel with the model, also into our own checkpoints.
Pretrained vit = Pretrained.load(hub.resolve("hf_vit"));
Path saved = Files.createTempFile("pretrained", ".safetensors");
try {
  Checkpoints.save(vit.weights(), vit.config(), vit.labels(), saved);
  System.out.println("labels saved: " + Checkpoints.labels(saved));
  check(Checkpoints.labels(saved).equals(vit.labels()), "labels round-trip through our checkpoint");
} finally {
  Files.deleteIfExists(saved);
}

// A pickle is data, never code: a hostile .bin is refused by the name of its global.
try {
  Checkpoints.tensors(fixtures().resolve("hostile/system.bin"));
  check(false, "hostile pickle refused");
} catch (TorchCheckpointException e) {
  System.out.println(e.getMessage());
  check(e.getMessage().contains("posix.system") && !Files.exists(Path.of("/tmp/vittf-pickle-executed")),
      "hostile pickle refused, nothing executed");
}

System.out.println(failures == 0 ? "PASS pretrained" : "FAIL pretrained: " + failures + " check(s) failed");
