// CaiT (Touvron et al. 2021): LayerScale, talking-heads attention over the patches, then class-attention
// blocks where only the class token queries. Open interactively from the project root:
//   jshell --class-path "$(notebooks/run --classpath)" notebooks/cait.jsh
/open notebooks/lib/common.jsh

VitModel model = explore("cait-tiny", 2);

// Two stages of attention maps: self-attention among the 16 patches (no class token yet), and class
// attention with one query (the class token) over class token + patches.
HostTensor images = randomImages(model.config(), 2, 1);
List<String> names = AttentionMaps.mapNames(model);
System.out.println("attention maps: " + names);
Map<String, HostTensor> maps = AttentionMaps.all(model, images);
maps.forEach((k, v) -> System.out.printf("  %-28s %s%n", k, Arrays.toString(v.shape())));
HostTensor cls = maps.get("cls_blocks/0/attn/weights");
check(Arrays.equals(maps.get("blocks/0/attn/weights").shape(), new long[] {2, 4, 16, 16}), "patch-stage maps [2, 4, 16, 16]");
check(Arrays.equals(cls.shape(), new long[] {2, 4, 1, 17}), "class-attention maps [2, 4, 1, 17]");

// What the class token looks at, on the 4x4 patch grid.
float[][] grid = AttentionMaps.classAttention(cls, 0, 4, 4);
for (float[] row : grid) System.out.println(Arrays.toString(row));

// Rollout applies to the square patch-stage maps only (select them by name).
Map<String, HostTensor> patchStage = new LinkedHashMap<>();
maps.forEach((k, v) -> { if (k.startsWith("blocks/")) patchStage.put(k, v); });
HostTensor rollout = AttentionMaps.rollout(AttentionMaps.perBlock(patchStage), AttentionMaps.HeadFusion.MEAN);
check(Arrays.equals(rollout.shape(), new long[] {2, 16, 16}), "patch-stage rollout [2, 16, 16]");
try {
  AttentionMaps.rollout(model, images);
  check(false, "rollout over the class-attention stage is rejected");
} catch (IllegalArgumentException e) {
  check(e.getMessage().contains("square"), "rollout over the class-attention stage is rejected: " + e.getMessage());
}

presetTable("cait-");
model.close();

System.out.println(failures == 0 ? "PASS cait" : "FAIL cait: " + failures + " check(s) failed");
