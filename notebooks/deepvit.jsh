// DeepViT (Zhou et al. 2021): ViT with re-attention, a learned mix of the heads' attention maps after the
// softmax followed by a LayerNorm across heads. Open interactively from the project root:
//   jshell --class-path "$(notebooks/run --classpath)" notebooks/deepvit.jsh
/open notebooks/lib/common.jsh

VitModel model = explore("deepvit-tiny", 2);

// Each block taps the softmax probabilities (`probs`) and the re-attention map actually applied to the
// values (`weights`): the head mix starts at the identity, so at initialisation they differ only by the
// head-axis LayerNorm.
HostTensor images = randomImages(model.config(), 2, 1);
Map<String, HostTensor> maps = model.run(images, "blocks/0/attn/probs", "blocks/0/attn/weights");
HostTensor probs = maps.get("blocks/0/attn/probs");
HostTensor weights = maps.get("blocks/0/attn/weights");
System.out.println("probs " + Arrays.toString(probs.shape()) + ", re-attention weights " + Arrays.toString(weights.shape()));
double worst = 0;
for (int row = 0; row < probs.size() / 17; row++) {
  double s = 0;
  for (int k = 0; k < 17; k++) s += probs.data()[row * 17 + k];
  worst = Math.max(worst, Math.abs(s - 1));
}
check(worst < 1e-5, "softmax rows sum to 1 (worst " + worst + ")");
System.out.printf("max |weights - probs| = %.3f (re-attention changes the maps)%n", weights.maxAbsDiff(probs));
check(weights.maxAbsDiff(probs) > 1e-3, "re-attention output differs from the softmax maps");

// Rollout through the re-attention maps (the ones applied to the values; negative entries clipped).
List<String> names = AttentionMaps.mapNames(model);
System.out.println("maps used for rollout: " + names);
HostTensor rollout = AttentionMaps.rollout(model, images);
check(Arrays.equals(rollout.shape(), new long[] {2, 17, 17}), "rollout [2, 17, 17]");
float[][] grid = AttentionMaps.classAttention(rollout, 0, 4, 4);
for (float[] row : grid) System.out.println(Arrays.toString(row));

presetTable("deepvit-");
model.close();

System.out.println(failures == 0 ? "PASS deepvit" : "FAIL deepvit: " + failures + " check(s) failed");
