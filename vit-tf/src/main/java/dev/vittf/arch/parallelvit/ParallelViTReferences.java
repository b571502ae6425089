package dev.vittf.arch.parallelvit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vittf.arch.vit.ViTReferences;
import dev.vittf.io.Kwargs;

/**
 * Reference-model converters for the Parallel ViT family: vit-pytorch {@code parallel_vit.ViT(**kwargs)}
 * and timm {@code vit_small_patch16_18x2_224(**kwargs)}. Unknown or ill-typed arguments are rejected,
 * never ignored.
 */
public final class ParallelViTReferences {
  private ParallelViTReferences() {}

  /** vit-pytorch {@code vit_pytorch.parallel_vit.ViT(**kwargs)}. */
  public static ParallelViTConfig vitPytorch(JsonNode kwargs) {
    Kwargs k = new Kwargs("vit-pytorch Parallel ViT", kwargs);
    ParallelViTConfig c = ViTReferences.vitPytorchFamily(k, ParallelViTConfig.builder())
        .numParallelBranches(k.integer("num_parallel_branches", 2))
        .pool(k.vitPytorchPool())
        .build();
    k.finish();
    return c;
  }

  /**
   * timm {@code vit_small_patch16_18x2_224(**kwargs)}: its defaults, overridden by the kwargs; the
   * branches per block from {@code block_fn} ({@code ParallelThingsBlock}, {@code num_parallel}, default 2).
   * {@code class_token=False} is not supported (this network always has a class token).
   */
  public static ParallelViTConfig timm(JsonNode kwargs) {
    Kwargs k = new Kwargs("timm vit_small_patch16_18x2_224", kwargs);
    int branches = k.has("block_fn") ? ViTReferences.timmBranches(k) : 2;
    if (branches < 2) {
      throw new IllegalArgumentException(k.owner() + ": block_fn '" + k.string("block_fn", "") + "' has no parallel"
          + " branches (expected ParallelThingsBlock)");
    }
    k.onlyDefault("class_token", true);
    ParallelViTConfig.Builder b = k.timmCommon(ParallelViTConfig.timmBuilder(), new int[] {224, 16, 384, 18, 6});
    ParallelViTConfig c = ViTReferences.timmFamily(k, b, 1e-5, true).numParallelBranches(branches).build();
    k.finish();
    return c;
  }
}
