// Parallel ViT (Touvron et al. 2022, "Three things everyone should know about ViTs"): each block runs several
// attention branches side by side (and several MLP branches), summing them into the residual stream.
//   jshell --class-path "$(notebooks/run --classpath)" notebooks/parallel-vit.jsh
/open notebooks/lib/common.jsh

VitModel model = explore("parallel-vit-tiny", 2);

// Every branch taps its own attention map: blocks/<i>/attns/<branch>/attn/probs.
HostTensor images = randomImages(model.config(), 2, 1);
List<String> names = AttentionMaps.mapNames(model);
System.out.println("attention maps: " + names);
Map<String, List<String>> byBlock = AttentionMaps.mapNamesByBlock(model.outputNames());
byBlock.forEach((block, maps) -> System.out.println("  " + block + ": " + maps.size() + " branches"));
check(byBlock.values().stream().allMatch(m -> m.size() == 2), "two attention branches per block");

// For rollout the branches of one block count as extra heads of that block.
Map<String, HostTensor> maps = AttentionMaps.all(model, images);
List<HostTensor> perBlock = AttentionMaps.perBlock(maps);
System.out.println("per-block maps: " + perBlock.stream().map(t -> Arrays.toString(t.shape())).toList());
HostTensor rollout = AttentionMaps.rollout(model, images);
double worst = 0;
for (int row = 0; row < 2 * 17; row++) {
  double s = 0;
  for (int k = 0; k < 17; k++) s += rollout.data()[row * 17 + k];
  worst = Math.max(worst, Math.abs(s - 1));
}
check(Arrays.equals(rollout.shape(), new long[] {2, 17, 17}) && worst < 1e-5, "rollout [2, 17, 17], rows sum to 1");
for (float[] row : AttentionMaps.classAttention(rollout, 0, 4, 4)) System.out.println(Arrays.toString(row));

presetTable("parallel-vit-");
model.close();

System.out.println(failures == 0 ? "PASS parallel-vit" : "FAIL parallel-vit: " + failures + " check(s) failed");
