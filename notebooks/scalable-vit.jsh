// ScalableViT (Yang et al. 2022): a hierarchical (multi-stage, CNN-like) transformer whose blocks pair
// scalable self-attention (SSA: keys and values spatially reduced) with interactive window attention (IWSA).
//   jshell --class-path "$(notebooks/run --classpath)" notebooks/scalable-vit.jsh
/open notebooks/lib/common.jsh

VitModel model = explore("scalable-vit-tiny", 2);

// Attention maps of both kinds, per stage. SSA maps attend from every position to a reduced grid, IWSA maps
// within windows, so they are not square over one token sequence: layer access works, rollout does not apply.
HostTensor images = randomImages(model.config(), 2, 1);
List<String> names = AttentionMaps.mapNames(model);
System.out.println("attention maps: " + names);
Map<String, HostTensor> maps = AttentionMaps.all(model, images);
maps.forEach((k, v) -> System.out.printf("  %-28s %s%n", k, Arrays.toString(v.shape())));
check(names.stream().anyMatch(n -> n.contains("ssa")) && names.stream().anyMatch(n -> n.contains("iwsa")), "SSA and IWSA maps are exposed");
boolean rowsOk = true;
for (HostTensor m : maps.values()) {
  long[] s = m.shape();
  int nk = (int) s[s.length - 1];
  for (int row = 0; row < m.size() / nk; row++) {
    double sum = 0;
    for (int k = 0; k < nk; k++) sum += m.data()[row * nk + k];
    rowsOk &= Math.abs(sum - 1) < 1e-5;
  }
}
check(rowsOk, "every attention row sums to 1");
HostTensor tokens = model.run(images, "tokens").get("tokens");
System.out.println("final feature map (tokens): " + Arrays.toString(tokens.shape()));

presetTable("scalable-vit-");
model.close();

System.out.println(failures == 0 ? "PASS scalable-vit" : "FAIL scalable-vit: " + failures + " check(s) failed");
