package dev.vittf.analysis;

import dev.vittf.core.HostTensor;
import dev.vittf.models.VitModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Attention maps of a model: the probabilities of any attention layer (read from the named outputs
 * that {@link dev.vittf.blocks.Attention} taps, {@code <scope>/probs} and, where a head mix follows
 * the softmax, {@code <scope>/weights}) and attention rollout (Abnar &amp; Zuidema 2020, "Quantifying
 * Attention Flow in Transformers") for ViT-family models.
 *
 * <p>Maps are {@code [B, H, Nq, Nk]} {@link HostTensor}s: batch, head, query token, key token. For
 * rollout each transformer block contributes the map finally applied to the values ({@code weights}
 * if tapped, e.g. DeepViT's re-attention, else {@code probs}); blocks with parallel branches
 * (Parallel ViT) contribute all their branches' heads. Rollout needs square maps over one token
 * sequence, so it applies to ViT, DeepViT and Parallel ViT, and to a CaiT's self-attention stage if
 * its maps are selected by name; layer access works for every model.
 *
 * <pre>{@code
 * try (VitModel model = VitModel.create(ViTConfig.tiny())) {
 *   List<String> names = AttentionMaps.mapNames(model);           // blocks/0/attn/probs, ...
 *   HostTensor probs = AttentionMaps.layer(model, images, names.get(1));  // [B, H, N, N]
 *   HostTensor rollout = AttentionMaps.rollout(model, images);   // [B, N, N], rows sum to 1
 *   float[][] grid = AttentionMaps.classAttention(rollout, 0, 4, 4);     // class token over the patches
 * }
 * }</pre>
 */
public final class AttentionMaps {
  private static final Pattern BLOCK = Pattern.compile("^(.*?blocks/\\d+)/");
  private static final String PROBS = "probs";
  private static final String WEIGHTS = "weights";

  private AttentionMaps() {}

  /** How the heads of one layer are combined before rollout. */
  public enum HeadFusion {
    /** Average over heads (Abnar &amp; Zuidema). */
    MEAN,
    /** Element-wise maximum over heads. */
    MAX,
    /** Element-wise minimum over heads. */
    MIN
  }

  /**
   * The attention maps among {@code outputNames}, in natural order ({@code blocks/2} before {@code
   * blocks/10}): for each attention scope its {@code weights} output if there is one, else its
   * {@code probs}.
   */
  public static List<String> mapNames(Collection<String> outputNames) {
    Set<String> all = Set.copyOf(outputNames);
    TreeSet<String> names = new TreeSet<>(NATURAL);
    for (String n : outputNames) {
      String scope = parent(n);
      if (n.endsWith("/" + PROBS) || n.endsWith("/" + WEIGHTS)) {
        names.add(all.contains(scope + "/" + WEIGHTS) ? scope + "/" + WEIGHTS : scope + "/" + PROBS);
      }
    }
    return List.copyOf(names);
  }

  /** The attention maps a model exposes (see {@link #mapNames(Collection)}). */
  public static List<String> mapNames(VitModel model) {
    return mapNames(model.outputNames());
  }

  /**
   * The maps grouped by transformer block ({@code blocks/<i>}, {@code cls_blocks/<i>}, ...; a map
   * outside any block is its own group), in natural order.
   */
  public static Map<String, List<String>> mapNamesByBlock(Collection<String> outputNames) {
    Map<String, List<String>> groups = new LinkedHashMap<>();
    for (String n : mapNames(outputNames)) {
      Matcher m = BLOCK.matcher(n);
      String key = m.find() ? m.group(1) : parent(n);
      groups.computeIfAbsent(key, k -> new ArrayList<>()).add(n);
    }
    return groups;
  }

  /**
   * Runs the model on {@code images} and returns one attention map {@code [B, H, Nq, Nk]}.
   *
   * @param name an output name from {@link #mapNames(VitModel)}, e.g. {@code blocks/3/attn/probs}
   */
  public static HostTensor layer(VitModel model, HostTensor images, String name) {
    if (!model.outputNames().contains(name)) {
      throw new IllegalArgumentException("no attention map '" + name + "'; available: " + mapNames(model));
    }
    return model.run(images, name).get(name);
  }

  /** Runs the model once and returns every attention map by name (see {@link #mapNames(VitModel)}). */
  public static Map<String, HostTensor> all(VitModel model, HostTensor images) {
    List<String> names = mapNames(model);
    if (names.isEmpty()) {
      throw new IllegalArgumentException(model.config().architecture() + " model exposes no attention maps");
    }
    return model.run(images, names.toArray(String[]::new));
  }

  /**
   * One map per transformer block, from a name → map table (as returned by {@link #all} or by {@code
   * EagerRunner.forward}): a block with several maps (parallel branches) gets them concatenated
   * along the head axis.
   */
  public static List<HostTensor> perBlock(Map<String, HostTensor> maps) {
    List<HostTensor> out = new ArrayList<>();
    for (List<String> group : mapNamesByBlock(maps.keySet()).values()) {
      List<HostTensor> parts = group.stream().map(maps::get).toList();
      out.add(parts.size() == 1 ? parts.get(0) : concatHeads(parts));
    }
    return out;
  }

  /** Attention rollout of a model on {@code images}, heads averaged: {@code [B, N, N]}. */
  public static HostTensor rollout(VitModel model, HostTensor images) {
    return rollout(perBlock(all(model, images)), HeadFusion.MEAN);
  }

  /**
   * Attention rollout: for every block {@code l} (in order) fuse the heads of {@code A_l [B, H, N,
   * N]}, add the identity (the residual connection), renormalise the rows to sum to 1, and multiply
   * the layers together, {@code R = Â_L ... Â_2 Â_1}. Returns {@code R [B, N, N]}; each row is a
   * distribution over the input tokens. Rollout treats attention as a flow, so negative entries (DeepViT's
   * re-attention maps after their head-axis LayerNorm can have some) are clipped to 0 after fusing the
   * heads; softmax maps are unaffected.
   *
   * @throws IllegalArgumentException if the list is empty, a map is not rank 4, not square, or the
   *     maps disagree in batch or token count
   */
  public static HostTensor rollout(List<HostTensor> maps, HeadFusion fusion) {
    if (maps.isEmpty()) {
      throw new IllegalArgumentException("rollout needs at least one attention map");
    }
    long[] s0 = maps.get(0).shape();
    checkMap(0, s0, s0);
    int b = (int) s0[0];
    int n = (int) s0[2];
    double[] r = null;
    for (int l = 0; l < maps.size(); l++) {
      HostTensor a = maps.get(l);
      checkMap(l, a.shape(), s0);
      double[] layer = residualNormalized(fuseHeads(a, fusion), b, n);
      r = r == null ? layer : multiply(layer, r, b, n);
    }
    float[] out = new float[r.length];
    for (int i = 0; i < r.length; i++) {
      out[i] = (float) r[i];
    }
    return new HostTensor(new long[] {b, n, n}, out);
  }

  /** Combines the heads of {@code [B, H, Nq, Nk]} into {@code [B, Nq, Nk]}. */
  public static HostTensor fuseHeads(HostTensor map, HeadFusion fusion) {
    long[] s = map.shape();
    if (s.length != 4) {
      throw new IllegalArgumentException("attention map must be [B, H, Nq, Nk], got " + Arrays.toString(s));
    }
    int b = (int) s[0];
    int h = (int) s[1];
    int plane = (int) (s[2] * s[3]);
    float[] in = map.data();
    float[] out = new float[b * plane];
    for (int i = 0; i < b; i++) {
      for (int p = 0; p < plane; p++) {
        double acc = fusion == HeadFusion.MEAN ? 0 : in[(i * h) * plane + p];
        for (int k = 0; k < h; k++) {
          float v = in[(i * h + k) * plane + p];
          acc = switch (fusion) {
            case MEAN -> acc + v;
            case MAX -> Math.max(acc, v);
            case MIN -> Math.min(acc, v);
          };
        }
        out[i * plane + p] = (float) (fusion == HeadFusion.MEAN ? acc / h : acc);
      }
    }
    return new HostTensor(new long[] {b, s[2], s[3]}, out);
  }

  /**
   * How much the class token attends to each patch, on the patch grid {@code [gridH][gridW]}.
   * {@code map} is a rollout {@code [B, N, N]}, a layer {@code [B, H, Nq, Nk]} (heads averaged) or a
   * class-attention map with one query ({@code [B, H, 1, Nk]}, CaiT). With {@code Nk == 1 +
   * gridH*gridW} the class token is token 0 and the first query's row (without the class column) is
   * returned; with {@code Nk == gridH*gridW} (no class token) the mean attention each patch receives
   * over all queries.
   */
  public static float[][] classAttention(HostTensor map, int batchIndex, int gridH, int gridW) {
    HostTensor m = map.rank() == 4 ? fuseHeads(map, HeadFusion.MEAN) : map;
    long[] s = m.shape();
    if (s.length != 3) {
      throw new IllegalArgumentException("expected a map [B, Nq, Nk] or [B, H, Nq, Nk], got " + Arrays.toString(map.shape()));
    }
    int nq = (int) s[1];
    int nk = (int) s[2];
    int patches = gridH * gridW;
    if (nk != patches && nk != patches + 1) {
      throw new IllegalArgumentException(
          "map has " + nk + " key tokens; a " + gridH + "x" + gridW + " grid needs " + patches + " or " + (patches + 1));
    }
    if (batchIndex < 0 || batchIndex >= s[0]) {
      throw new IllegalArgumentException("batch index " + batchIndex + " out of range [0, " + s[0] + ")");
    }
    float[] d = m.data();
    int base = batchIndex * nq * nk;
    boolean classRow = nk == patches + 1;
    float[][] grid = new float[gridH][gridW];
    for (int p = 0; p < patches; p++) {
      double v;
      if (classRow) {
        v = d[base + 1 + p];
      } else {
        double sum = 0;
        for (int q = 0; q < nq; q++) {
          sum += d[base + q * nk + p];
        }
        v = sum / nq;
      }
      grid[p / gridW][p % gridW] = (float) v;
    }
    return grid;
  }

  // ---- internals ----

  private static void checkMap(int index, long[] s, long[] first) {
    if (s.length != 4) {
      throw new IllegalArgumentException("map " + index + " must be [B, H, N, N], got " + Arrays.toString(s));
    }
    if (s[2] != s[3]) {
      throw new IllegalArgumentException(
          "rollout needs square self-attention maps over one token sequence; map " + index + " is " + Arrays.toString(s));
    }
    if (s[0] != first[0] || s[2] != first[2]) {
      throw new IllegalArgumentException(
          "map " + index + " " + Arrays.toString(s) + " does not match map 0 " + Arrays.toString(first) + " in batch or tokens");
    }
  }

  /** {@code (A + I)} with each row divided by its sum, in double precision. */
  private static double[] residualNormalized(HostTensor fused, int b, int n) {
    float[] a = fused.data();
    double[] out = new double[a.length];
    for (int i = 0; i < b; i++) {
      for (int q = 0; q < n; q++) {
        int row = (i * n + q) * n;
        double sum = 0;
        for (int k = 0; k < n; k++) {
          double v = Math.max(0, a[row + k]) + (k == q ? 1.0 : 0.0);
          out[row + k] = v;
          sum += v;
        }
        if (!(sum > 0)) {
          throw new IllegalArgumentException("attention row sums to " + sum + " (negative or NaN entries?)");
        }
        for (int k = 0; k < n; k++) {
          out[row + k] /= sum;
        }
      }
    }
    return out;
  }

  /** Batched {@code x · y} of {@code [B, N, N]} matrices. */
  private static double[] multiply(double[] x, double[] y, int b, int n) {
    double[] out = new double[x.length];
    for (int i = 0; i < b; i++) {
      int base = i * n * n;
      for (int r = 0; r < n; r++) {
        for (int k = 0; k < n; k++) {
          double xv = x[base + r * n + k];
          if (xv == 0) {
            continue;
          }
          for (int c = 0; c < n; c++) {
            out[base + r * n + c] += xv * y[base + k * n + c];
          }
        }
      }
    }
    return out;
  }

  private static HostTensor concatHeads(List<HostTensor> parts) {
    long[] s = parts.get(0).shape();
    int heads = 0;
    for (HostTensor p : parts) {
      long[] ps = p.shape();
      if (ps.length != 4 || ps[0] != s[0] || ps[2] != s[2] || ps[3] != s[3]) {
        throw new IllegalArgumentException("cannot combine maps " + Arrays.toString(s) + " and " + Arrays.toString(ps));
      }
      heads += (int) ps[1];
    }
    int b = (int) s[0];
    int plane = (int) (s[2] * s[3]);
    float[] out = new float[b * heads * plane];
    int pos = 0;
    for (int i = 0; i < b; i++) {
      for (HostTensor p : parts) {
        int h = (int) p.dim(1);
        System.arraycopy(p.data(), i * h * plane, out, pos, h * plane);
        pos += h * plane;
      }
    }
    return new HostTensor(new long[] {b, heads, s[2], s[3]}, out);
  }

  private static String parent(String name) {
    int i = name.lastIndexOf('/');
    return i < 0 ? "" : name.substring(0, i);
  }

  /** Orders names with embedded numbers numerically ({@code blocks/2} before {@code blocks/10}). */
  static final Comparator<String> NATURAL = (x, y) -> {
    String[] a = x.split("(?<=\\D)(?=\\d)|(?<=\\d)(?=\\D)");
    String[] c = y.split("(?<=\\D)(?=\\d)|(?<=\\d)(?=\\D)");
    for (int i = 0; i < Math.min(a.length, c.length); i++) {
      int cmp;
      if (!a[i].isEmpty() && !c[i].isEmpty() && Character.isDigit(a[i].charAt(0)) && Character.isDigit(c[i].charAt(0))) {
        cmp = new java.math.BigInteger(a[i]).compareTo(new java.math.BigInteger(c[i]));
      } else {
        cmp = a[i].compareTo(c[i]);
      }
      if (cmp != 0) {
        return cmp;
      }
    }
    return Integer.compare(a.length, c.length);
  };
}
