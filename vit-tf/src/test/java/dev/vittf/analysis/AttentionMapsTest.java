package dev.vittf.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vittf.analysis.AttentionMaps.HeadFusion;
import dev.vittf.arch.vit.ViTConfig;
import dev.vittf.core.HostTensor;
import dev.vittf.core.Mode;
import dev.vittf.models.EagerRunner;
import dev.vittf.models.VitModel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AttentionMapsTest {

  /** Random row-stochastic maps [b, h, n, n] (softmax of Gaussian logits, some rows peaked). */
  static HostTensor randomMaps(Random rnd, int b, int h, int n) {
    float[] d = new float[b * h * n * n];
    for (int row = 0; row < b * h * n; row++) {
      double[] e = new double[n];
      double sum = 0;
      for (int k = 0; k < n; k++) {
        e[k] = Math.exp(3 * rnd.nextGaussian());
        sum += e[k];
      }
      for (int k = 0; k < n; k++) {
        d[row * n + k] = (float) (e[k] / sum);
      }
    }
    return new HostTensor(new long[] {b, h, n, n}, d);
  }

  static double at(HostTensor t, int... idx) {
    long[] s = t.shape();
    int flat = 0;
    for (int i = 0; i < s.length; i++) {
      flat = flat * (int) s[i] + idx[i];
    }
    return t.data()[flat];
  }

  /**
   * Independent rollout: since every row of A sums to 1, "add I and renormalise" is 0.5*mean_h(A) +
   * 0.5*I; the product over three layers is written out as an explicit sum over paths.
   */
  static double[][][] pathSumRollout(List<HostTensor> maps, int b, int h, int n) {
    double[][][][] hat = new double[maps.size()][b][n][n];
    for (int l = 0; l < maps.size(); l++) {
      for (int i = 0; i < b; i++) {
        for (int q = 0; q < n; q++) {
          for (int k = 0; k < n; k++) {
            double mean = 0;
            for (int head = 0; head < h; head++) {
              mean += at(maps.get(l), i, head, q, k);
            }
            hat[l][i][q][k] = 0.5 * mean / h + (q == k ? 0.5 : 0);
          }
        }
      }
    }
    double[][][] r = new double[b][n][n];
    for (int i = 0; i < b; i++) {
      for (int q = 0; q < n; q++) {
        for (int j = 0; j < n; j++) {
          double sum = 0;
          for (int k = 0; k < n; k++) {
            for (int m = 0; m < n; m++) {
              sum += hat[2][i][q][k] * hat[1][i][k][m] * hat[0][i][m][j];
            }
          }
          r[i][q][j] = sum;
        }
      }
    }
    return r;
  }

  @Test
  void rolloutMatchesIndependentPathSumAndRowsSumToOne() {
    Random rnd = new Random(42);
    int b = 2;
    int h = 3;
    int n = 5;
    List<HostTensor> maps = List.of(randomMaps(rnd, b, h, n), randomMaps(rnd, b, h, n), randomMaps(rnd, b, h, n));
    HostTensor r = AttentionMaps.rollout(maps, HeadFusion.MEAN);
    assertArrayEquals(new long[] {b, n, n}, r.shape());
    double[][][] expected = pathSumRollout(maps, b, h, n);
    for (int i = 0; i < b; i++) {
      for (int q = 0; q < n; q++) {
        double rowSum = 0;
        for (int j = 0; j < n; j++) {
          assertEquals(expected[i][q][j], at(r, i, q, j), 1e-6, "R[" + i + "," + q + "," + j + "]");
          rowSum += at(r, i, q, j);
        }
        assertEquals(1.0, rowSum, 1e-6, "row " + q + " of batch " + i);
      }
    }
  }

  @Test
  void rolloutOfIdentityMapsIsIdentityAndOrderMatters() {
    int n = 3;
    float[] eye = new float[n * n];
    for (int i = 0; i < n; i++) {
      eye[i * n + i] = 1;
    }
    HostTensor id = new HostTensor(new long[] {1, 1, n, n}, eye);
    HostTensor r = AttentionMaps.rollout(List.of(id, id), HeadFusion.MEAN);
    assertArrayEquals(eye, r.data(), 0f);
    // Non-commuting layers: rollout(A, B) = B^ A^ differs from rollout(B, A).
    Random rnd = new Random(1);
    HostTensor a = randomMaps(rnd, 1, 2, 4);
    HostTensor c = randomMaps(rnd, 1, 2, 4);
    double diff = AttentionMaps.rollout(List.of(a, c), HeadFusion.MEAN).maxAbsDiff(AttentionMaps.rollout(List.of(c, a), HeadFusion.MEAN));
    assertTrue(diff > 1e-3, "layer order must matter, diff " + diff);
  }

  @Test
  void fuseHeadsMeanMaxMin() {
    // b=1, h=2, 1x2 maps: head0 = [0.2, 0.8], head1 = [0.6, 0.4]
    HostTensor m = new HostTensor(new long[] {1, 2, 1, 2}, new float[] {0.2f, 0.8f, 0.6f, 0.4f});
    assertArrayEquals(new float[] {0.4f, 0.6f}, AttentionMaps.fuseHeads(m, HeadFusion.MEAN).data(), 1e-7f);
    assertArrayEquals(new float[] {0.6f, 0.8f}, AttentionMaps.fuseHeads(m, HeadFusion.MAX).data(), 0f);
    assertArrayEquals(new float[] {0.2f, 0.4f}, AttentionMaps.fuseHeads(m, HeadFusion.MIN).data(), 0f);
  }

  @Test
  void rolloutRejectsBadMaps() {
    Random rnd = new Random(3);
    IllegalArgumentException empty = assertThrows(IllegalArgumentException.class, () -> AttentionMaps.rollout(List.of(), HeadFusion.MEAN));
    assertTrue(empty.getMessage().contains("at least one"), empty.getMessage());
    HostTensor notSquare = new HostTensor(new long[] {1, 2, 1, 5}, new float[10]);
    IllegalArgumentException sq = assertThrows(IllegalArgumentException.class,
        () -> AttentionMaps.rollout(List.of(randomMaps(rnd, 1, 2, 5), notSquare), HeadFusion.MEAN));
    assertTrue(sq.getMessage().contains("square") && sq.getMessage().contains("map 1"), sq.getMessage());
    IllegalArgumentException tokens = assertThrows(IllegalArgumentException.class,
        () -> AttentionMaps.rollout(List.of(randomMaps(rnd, 1, 2, 5), randomMaps(rnd, 1, 2, 4)), HeadFusion.MEAN));
    assertTrue(tokens.getMessage().contains("does not match map 0"), tokens.getMessage());
    IllegalArgumentException rank = assertThrows(IllegalArgumentException.class,
        () -> AttentionMaps.rollout(List.of(new HostTensor(new long[] {2, 2}, new float[4])), HeadFusion.MEAN));
    assertTrue(rank.getMessage().contains("[B, H, N, N]"), rank.getMessage());
  }

  @Test
  void mapNamesAreNaturallyOrderedAndPreferPostMixWeights() {
    List<String> outputs = List.of("logits", "blocks/10/attn/probs", "blocks/2/attn/probs", "blocks/2/attn/weights",
        "blocks/1/attns/0/attn/probs", "blocks/1/attns/1/attn/probs", "tokens", "cls_blocks/0/attn/probs");
    assertEquals(List.of("blocks/1/attns/0/attn/probs", "blocks/1/attns/1/attn/probs", "blocks/2/attn/weights",
        "blocks/10/attn/probs", "cls_blocks/0/attn/probs"), AttentionMaps.mapNames(outputs));
    Map<String, List<String>> byBlock = AttentionMaps.mapNamesByBlock(outputs);
    assertEquals(List.of("blocks/1", "blocks/2", "blocks/10", "cls_blocks/0"), new ArrayList<>(byBlock.keySet()));
    assertEquals(2, byBlock.get("blocks/1").size());
    // a table holding only the post-mix maps (as fetched by AttentionMaps.all) keeps them
    assertEquals(List.of("blocks/2/attn/weights", "blocks/10/attn/weights"),
        AttentionMaps.mapNames(List.of("blocks/10/attn/weights", "blocks/2/attn/weights")));
  }

  @Test
  void parallelBranchesOfOneBlockAreFusedAsExtraHeads() {
    Random rnd = new Random(5);
    HostTensor b0 = randomMaps(rnd, 2, 2, 4);
    HostTensor b1 = randomMaps(rnd, 2, 3, 4);
    HostTensor next = randomMaps(rnd, 2, 2, 4);
    Map<String, HostTensor> maps = new LinkedHashMap<>();
    maps.put("blocks/0/attns/0/attn/probs", b0);
    maps.put("blocks/0/attns/1/attn/probs", b1);
    maps.put("blocks/1/attns/0/attn/probs", next);
    List<HostTensor> perBlock = AttentionMaps.perBlock(maps);
    assertEquals(2, perBlock.size());
    assertArrayEquals(new long[] {2, 5, 4, 4}, perBlock.get(0).shape());
    // batch 1, head 3 of the combined block is head 1 of the second branch
    assertEquals(at(b1, 1, 1, 2, 3), at(perBlock.get(0), 1, 3, 2, 3), 0);
    assertEquals(at(b0, 1, 1, 0, 2), at(perBlock.get(0), 1, 1, 0, 2), 0);
  }

  @Test
  void classAttentionReadsTheClassRowOrPatchColumnMeans() {
    int n = 5; // class token + 2x2 patches
    float[] d = new float[n * n];
    for (int i = 0; i < d.length; i++) {
      d[i] = i;
    }
    HostTensor withCls = new HostTensor(new long[] {1, n, n}, d);
    float[][] g = AttentionMaps.classAttention(withCls, 0, 2, 2);
    assertArrayEquals(new float[] {1, 2}, g[0], 0f);
    assertArrayEquals(new float[] {3, 4}, g[1], 0f);
    HostTensor noCls = new HostTensor(new long[] {1, 4, 4}, java.util.Arrays.copyOf(d, 16));
    float[][] m = AttentionMaps.classAttention(noCls, 0, 2, 2);
    assertEquals((0 + 4 + 8 + 12) / 4.0, m[0][0], 1e-6); // column 0 mean
    assertEquals((3 + 7 + 11 + 15) / 4.0, m[1][1], 1e-6);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AttentionMaps.classAttention(withCls, 0, 3, 3));
    assertTrue(e.getMessage().contains("needs 9 or 10"), e.getMessage());
  }

  @Test
  void negativeEntriesAreClippedBeforeTheResidualIsAdded() {
    // one head, 2 tokens: row 0 has a negative entry (as after DeepViT's head-axis LayerNorm)
    HostTensor signed = new HostTensor(new long[] {1, 1, 2, 2}, new float[] {1.5f, -0.5f, 0.25f, 0.75f});
    HostTensor clipped = new HostTensor(new long[] {1, 1, 2, 2}, new float[] {1.5f, 0f, 0.25f, 0.75f});
    HostTensor r = AttentionMaps.rollout(List.of(signed), HeadFusion.MEAN);
    assertArrayEquals(AttentionMaps.rollout(List.of(clipped), HeadFusion.MEAN).data(), r.data(), 0f);
    // (A+ + I) row 0 = [2.5, 0] -> [1, 0]; row 1 = [0.25, 1.75] / 2 -> [0.125, 0.875]
    assertArrayEquals(new float[] {1f, 0f, 0.125f, 0.875f}, r.data(), 1e-7f);
  }

  @Test
  void classAttentionOfASingleQueryClassAttentionMap() {
    // CaiT class attention: [B=1, H=2, 1 query, 1 + 2x2 keys]
    float[] d = {0.2f, 0.1f, 0.3f, 0.2f, 0.2f, 0.0f, 0.3f, 0.1f, 0.4f, 0.2f};
    float[][] g = AttentionMaps.classAttention(new HostTensor(new long[] {1, 2, 1, 5}, d), 0, 2, 2);
    assertEquals(0.2f, g[0][0], 1e-7f); // mean of 0.1 and 0.3
    assertEquals(0.2f, g[0][1], 1e-7f); // mean of 0.3 and 0.1
    assertEquals(0.3f, g[1][0], 1e-7f);
    assertEquals(0.2f, g[1][1], 1e-7f);
  }

  @Test
  void modelLayersAndRolloutMatchEagerMaps() {
    ViTConfig config = ViTConfig.tiny(); // 32x32, patch 8: 16 patches + class token, 2 blocks, 4 heads
    Random rnd = new Random(7);
    float[] px = new float[2 * 32 * 32 * 3];
    for (int i = 0; i < px.length; i++) {
      px[i] = (float) rnd.nextGaussian();
    }
    HostTensor images = new HostTensor(new long[] {2, 32, 32, 3}, px);
    try (VitModel model = VitModel.create(config, 11)) {
      List<String> names = AttentionMaps.mapNames(model);
      assertEquals(List.of("blocks/0/attn/probs", "blocks/1/attn/probs"), names);
      HostTensor layer1 = AttentionMaps.layer(model, images, names.get(1));
      assertArrayEquals(new long[] {2, 4, 17, 17}, layer1.shape());
      for (int row = 0; row < 2 * 4 * 17; row++) {
        double s = 0;
        for (int k = 0; k < 17; k++) {
          s += layer1.data()[row * 17 + k];
        }
        assertEquals(1.0, s, 1e-5);
      }
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AttentionMaps.layer(model, images, "blocks/9/attn/probs"));
      assertTrue(e.getMessage().contains("blocks/0/attn/probs"), e.getMessage());

      HostTensor graphRollout = AttentionMaps.rollout(model, images);
      Map<String, HostTensor> eager = EagerRunner.forward(config, model.weights(), 0, Mode.INFERENCE, images);
      Map<String, HostTensor> eagerMaps = new LinkedHashMap<>();
      AttentionMaps.mapNames(eager.keySet()).forEach(n -> eagerMaps.put(n, eager.get(n)));
      double layerDiff = layer1.maxAbsDiff(eager.get(names.get(1)));
      assertTrue(layerDiff < 1e-5, "graph vs eager layer map " + layerDiff);
      HostTensor eagerRollout = AttentionMaps.rollout(AttentionMaps.perBlock(eagerMaps), HeadFusion.MEAN);
      assertArrayEquals(new long[] {2, 17, 17}, graphRollout.shape());
      assertTrue(graphRollout.maxAbsDiff(eagerRollout) < 1e-5, "graph vs eager rollout " + graphRollout.maxAbsDiff(eagerRollout));
      float[][] grid = AttentionMaps.classAttention(graphRollout, 1, 4, 4);
      assertEquals(at(graphRollout, 1, 0, 16), grid[3][3], 0);
    }
  }
}
