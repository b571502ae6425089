// ViT (Dosovitskiy et al. 2021). Open interactively from the project root:
//   jshell --class-path "$(notebooks/run --classpath)" notebooks/vit.jsh
/open notebooks/lib/common.jsh

// Build the tiny ViT, run it in a graph and eagerly, print shapes, parameters and timing.
VitModel model = explore("vit-tiny", 2);

// Anything the model tapped can be fetched by name: tokens, pooled features, per-block attention.
HostTensor images = randomImages(model.config(), 2, 1);
Map<String, HostTensor> outs = model.run(images, "tokens", "pooled", "blocks/1/attn/probs");
outs.forEach((k, v) -> System.out.printf("%-22s %s%n", k, Arrays.toString(v.shape())));
check(Arrays.equals(outs.get("blocks/1/attn/probs").shape(), new long[] {2, 4, 17, 17}), "attention map [B, heads, 1+16, 1+16]");

// Configs are validated records with builders: every violation is reported at once.
try {
  ViTConfig.builder().imageSize(30).patchSize(8).numClasses(0).dim(64).depth(2).heads(4).mlpDim(128).build();
  check(false, "invalid config rejected");
} catch (InvalidConfigException e) {
  System.out.println(e.getMessage());
  check(e.getMessage().contains("imageHeight") && e.getMessage().contains("numClasses"), "invalid config rejected with every violation");
}

// The family's presets (parameter counts from the paper tables).
presetTable("vit-");
check(ModelParameters.count(Presets.get("vit-b16")) == 86_567_656L, "ViT-B/16 has 86,567,656 parameters");
model.close();

System.out.println(failures == 0 ? "PASS vit" : "FAIL vit: " + failures + " check(s) failed");
