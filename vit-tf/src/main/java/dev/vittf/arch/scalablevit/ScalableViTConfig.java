package dev.vittf.arch.scalablevit;

import dev.vittf.blocks.Conv2d;
import dev.vittf.core.ConfigCheck;
import dev.vittf.core.ModelSize;
import dev.vittf.models.ImageModelBuilder;
import dev.vittf.models.ModelConfig;
import dev.vittf.models.Network;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Configuration of a ScalableViT (Yang et al., "ScalableViT: Rethinking the Context-oriented
 * Generalization of Vision Transformer", ECCV 2022), in vit-pytorch's parameterisation. The number of
 * stages is the length of {@code depth}; stage {@code s} has width {@code dim * 2^s}. Every other
 * per-stage hyper-parameter is a list with one entry per stage; the builder (and the constructor)
 * also accept a single entry, meaning "the same for every stage". Immutable; validated completely in
 * the constructor, including the feature-map geometry (the image size is known, so a window that does
 * not divide its stage's map is reported here, naming the stage, the map and the window, before any
 * op is built).
 *
 * <p>Feature-map sizes: stem conv 7x7 / stride 4 / padding 3 gives {@code floor((H - 1) / 4) + 1};
 * each downsampling conv 3x3 / stride 2 / padding 1 gives {@code floor((h - 1) / 2) + 1}. A 256 input
 * gives 64, 32, 16, 8; a 224 input 56, 28, 14, 7.
 *
 * @param imageHeight input height
 * @param imageWidth input width
 * @param channels input channels
 * @param numClasses classifier outputs
 * @param dim width of the first stage
 * @param depth blocks per stage (its length is the number of stages)
 * @param heads attention heads per stage (SSA and IWSA)
 * @param ssaDimKey SSA query/key width per head, per stage
 * @param ssaDimValue SSA value width per head, per stage
 * @param reductionFactor SSA key/value spatial reduction per stage
 * @param iwsaDimKey IWSA query/key width per head, per stage
 * @param iwsaDimValue IWSA value width per head, per stage
 * @param windowSize IWSA window side per stage; a {@code null} entry means the whole map
 * @param ffExpansionFactor feed-forward expansion (hidden = width * factor)
 * @param dropout attention, projection and feed-forward dropout (training only)
 * @param normEps channel LayerNorm epsilon (vit-pytorch: 1e-5)
 * @param upstreamBlockOrder run vit-pytorch's block order SSA, FF, PEG, FF, IWSA instead of the paper's
 *     SSA, FF, PEG, IWSA, FF (for checkpoints trained with upstream code)
 */
public record ScalableViTConfig(
    int imageHeight,
    int imageWidth,
    int channels,
    int numClasses,
    int dim,
    List<Integer> depth,
    List<Integer> heads,
    List<Integer> ssaDimKey,
    List<Integer> ssaDimValue,
    List<Integer> reductionFactor,
    List<Integer> iwsaDimKey,
    List<Integer> iwsaDimValue,
    List<Integer> windowSize,
    int ffExpansionFactor,
    double dropout,
    double normEps,
    boolean upstreamBlockOrder)
    implements ModelConfig {

  /** Expands single-entry lists to one entry per stage and validates every field. */
  public ScalableViTConfig {
    ConfigCheck c = new ConfigCheck("ScalableViTConfig");
    boolean image = c.positive("imageHeight", imageHeight) & c.positive("imageWidth", imageWidth);
    c.positive("channels", channels);
    c.positive("numClasses", numClasses);
    c.positive("dim", dim);
    int stages = 0;
    if (c.notNull("depth", depth)) {
      stages = depth.size();
      c.require(stages > 0, "depth", depth, "must have at least one stage");
      for (int s = 0; s < stages; s++) {
        Integer d = depth.get(s);
        c.require(d != null && d > 0, "depth[" + s + "]", d, "must be > 0");
      }
      if (stages > 0 && dim > 0) {
        c.require(stages <= 31 && ((long) dim << (stages - 1)) <= Integer.MAX_VALUE / 64, "depth", depth,
            "too many stages: the last stage's width dim*2^(stages-1) must stay < 2^25");
      }
    }
    heads = perStage(c, "heads", heads, stages, false);
    ssaDimKey = perStage(c, "ssaDimKey", ssaDimKey, stages, false);
    ssaDimValue = perStage(c, "ssaDimValue", ssaDimValue, stages, false);
    reductionFactor = perStage(c, "reductionFactor", reductionFactor, stages, false);
    iwsaDimKey = perStage(c, "iwsaDimKey", iwsaDimKey, stages, false);
    iwsaDimValue = perStage(c, "iwsaDimValue", iwsaDimValue, stages, false);
    windowSize = perStage(c, "windowSize", windowSize, stages, true);
    depth = depth == null ? null : Collections.unmodifiableList(new ArrayList<>(depth));
    c.positive("ffExpansionFactor", ffExpansionFactor);
    c.rate("dropout", dropout);
    c.positiveFinite("normEps", normEps);
    if (c.ok() && image) {
      int[][] maps = maps(imageHeight, imageWidth, stages);
      for (int s = 0; s < stages; s++) {
        int h = maps[s][0];
        int w = maps[s][1];
        String map = "the stage-" + s + " feature map is " + h + "x" + w + " (image " + imageHeight + "x" + imageWidth + ")";
        int r = reductionFactor.get(s);
        c.require(r <= h && r <= w, "reductionFactor[" + s + "]", r, "must not exceed the feature map: " + map);
        Integer win = windowSize.get(s);
        if (win != null) {
          c.require(h % win == 0 && w % win == 0, "windowSize[" + s + "]", win,
              "must divide the feature map: " + map + ", not divisible by window " + win);
        }
        long width = (long) dim << s;
        c.productFitsInt("heads[" + s + "]*dims", heads.get(s), heads.get(s),
            Math.max(Math.max(ssaDimKey.get(s), ssaDimValue.get(s)), Math.max(iwsaDimKey.get(s), iwsaDimValue.get(s))),
            Math.max(width, 1));
        c.productFitsInt("ffExpansionFactor", ffExpansionFactor, ffExpansionFactor, width, width);
      }
      if (c.ok()) {
        size(imageHeight, imageWidth, channels, numClasses, dim, ffExpansionFactor, maps, depth, heads, ssaDimKey, ssaDimValue, reductionFactor, iwsaDimKey, iwsaDimValue, windowSize).check(c);
      }
    }
    c.throwIfInvalid();
  }

  /** Graph ops of one ScalableViT block, an upper bound (a test keeps it true). */
  static final int OPS_PER_BLOCK = 250;

  /** The size of the model (see {@link ModelSize}), from fields already checked; all arithmetic in double. */
  private static ModelSize size(int imageHeight, int imageWidth, int channels, int numClasses, int dim,
      int ffExpansionFactor, int[][] maps, List<Integer> depth, List<Integer> heads, List<Integer> ssaDimKey,
      List<Integer> ssaDimValue, List<Integer> reductionFactor, List<Integer> iwsaDimKey, List<Integer> iwsaDimValue,
      List<Integer> windowSize) {
    ModelSize s = new ModelSize();
    ModelSize.Factor h = ModelSize.f("imageHeight", imageHeight);
    ModelSize.Factor w = ModelSize.f("imageWidth", imageWidth);
    s.parameters("stem kernel", 1, 49.0 * channels * dim, ModelSize.f("channels", channels), ModelSize.f("dim", dim));
    s.activation("stem output", (double) maps[0][0] * maps[0][1] * dim, h, w, ModelSize.f("dim", dim));
    for (int st = 0; st < maps.length; st++) {
      String i = "[" + st + "]";
      double width = (double) dim * (1L << st);
      double pixels = (double) maps[st][0] * maps[st][1];
      double hd = heads.get(st);
      double r = reductionFactor.get(st);
      double inner = hd * Math.max(Math.max(ssaDimKey.get(st), ssaDimValue.get(st)), Math.max(iwsaDimKey.get(st), iwsaDimValue.get(st)));
      Integer win = windowSize.get(st);
      double window = win == null ? pixels : (double) win * win;
      ModelSize.Factor n = ModelSize.f("depth" + i, depth.get(st));
      ModelSize.Factor fh = ModelSize.f("heads" + i, hd);
      ModelSize.Factor fd = ModelSize.f("dim", dim);
      double blocks = depth.get(st);
      // SSA q and proj, IWSA q, k, v and proj; SSA's k and v are r x r convolutions; IWSA's local
      // interaction is a 3x3 convolution over its values.
      s.parameters("stage-" + st + " attention kernels", blocks * 6, inner * width, n, fh, fd);
      s.parameters("stage-" + st + " reduction kernels", blocks * 2, r * r * width * inner, n,
          ModelSize.f("reductionFactor" + i, r), fh, fd);
      s.parameters("stage-" + st + " local interaction kernels", blocks, 9 * inner * inner, n, fh);
      s.parameters("stage-" + st + " feed-forward kernels", blocks * 4, width * width * ffExpansionFactor, n,
          ModelSize.f("ffExpansionFactor", ffExpansionFactor), fd);
      s.parameters("stage-" + st + " biases and norms", blocks, 40 * width + 4 * inner, n, fd);
      s.parameters("stage-" + st + " downsampling kernel", 1, 9 * width * 2 * width, fd);
      s.activation("stage-" + st + " feed-forward hidden layer", pixels * width * ffExpansionFactor, h, w, fd,
          ModelSize.f("ffExpansionFactor", ffExpansionFactor));
      s.activation("stage-" + st + " SSA attention map", hd * pixels * Math.ceil(pixels / (r * r)), h, w, fh);
      s.activation("stage-" + st + " IWSA attention map", hd * pixels * window, h, w, fh,
          ModelSize.f("windowSize" + i, win == null ? 0 : win));
      s.activation("stage-" + st + " queries, keys and values", pixels * 3 * inner, h, w, fh);
      s.ops("stage-" + st + " blocks", blocks * OPS_PER_BLOCK, n);
    }
    double last = (double) dim * (1L << (maps.length - 1));
    s.parameters("classifier head", 1, last * numClasses + numClasses, ModelSize.f("numClasses", numClasses),
        ModelSize.f("dim", dim));
    s.activation("logits", numClasses, ModelSize.f("numClasses", numClasses));
    s.ops("stem, downsampling and head", 100.0 + 30 * maps.length);
    return s;
  }

  /** Checks a per-stage list: 1 entry (expanded) or one per stage; entries > 0 (or null if allowed). */
  private static List<Integer> perStage(ConfigCheck c, String field, List<Integer> values, int stages, boolean nullable) {
    if (!c.notNull(field, values)) {
      return values;
    }
    if (values.size() != 1 && values.size() != stages) {
      c.require(false, field, values,
          "must have 1 entry (same for every stage) or one per stage (" + stages + " stages, from depth), got " + values.size());
      return values;
    }
    for (int s = 0; s < values.size(); s++) {
      Integer v = values.get(s);
      if (v == null) {
        c.require(nullable, field + "[" + s + "]", null, "must not be null");
      } else {
        c.require(v > 0, field + "[" + s + "]", v, nullable ? "must be > 0 (or null for the whole map)" : "must be > 0");
      }
    }
    List<Integer> out = new ArrayList<>();
    for (int s = 0; s < Math.max(stages, values.size()); s++) {
      out.add(values.get(values.size() == 1 ? 0 : s));
    }
    return Collections.unmodifiableList(out);
  }

  private static int[][] maps(int height, int width, int stages) {
    Conv2d stem = Conv2d.of(1, 1, 7, 4, 3, false);
    Conv2d down = Conv2d.of(1, 1, 3, 2, 1, false);
    int[][] out = new int[stages][];
    int h = stem.outputSize(height);
    int w = stem.outputSize(width);
    for (int s = 0; s < stages; s++) {
      out[s] = new int[] {h, w};
      h = down.outputSize(h);
      w = down.outputSize(w);
    }
    return out;
  }

  @Override
  public ModelSize size() {
    return size(imageHeight, imageWidth, channels, numClasses, dim, ffExpansionFactor, stageMaps(), depth, heads,
        ssaDimKey, ssaDimValue, reductionFactor, iwsaDimKey, iwsaDimValue, windowSize);
  }

  /** Number of stages. */
  public int numStages() {
    return depth.size();
  }

  /** Width of stage {@code s}: {@code dim * 2^s}. */
  public long stageDim(int s) {
    return (long) dim << s;
  }

  /** Feature-map size {@code {height, width}} of every stage. */
  public int[][] stageMaps() {
    return maps(imageHeight, imageWidth, numStages());
  }

  @Override
  public Network network() {
    return new ScalableViT(this);
  }

  /** A builder initialised with this config's values. */
  public Builder toBuilder() { return new Builder().from(this); }

  /**
   * A builder with vit-pytorch's defaults: 3 channels, SSA/IWSA key and value widths 32, windows
   * {@code null} (whole map), feed-forward expansion 4, dropout 0, eps 1e-5, the paper's block order.
   */
  public static Builder builder() { return new Builder(); }

  // ---- presets ----

  /**
   * The seed usage (vit-pytorch's README rendering of ScalableViT-S): image 256, 1000 classes, dim
   * 64, heads (2, 4, 8, 16), depth (2, 2, 20, 2), ssa_dim_key (40, 40, 40, 32), reduction (8, 4, 2, 1),
   * windows (64, 32, whole, whole), dropout 0.1. Valid for 256: the stage maps are 64, 32, 16, 8, so
   * the windows 64 and 32 each cover their whole map (a single window).
   */
  public static ScalableViTConfig seed() {
    return builder().imageSize(256).numClasses(1000).dim(64).heads(2, 4, 8, 16).depth(2, 2, 20, 2)
        .ssaDimKey(40, 40, 40, 32).reductionFactor(8, 4, 2, 1).windowSize(64, 32, null, null).dropout(0.1).build();
  }

  /**
   * A tiny ScalableViT for tests and notebooks (the fixture's shape): 32x32, dim 16, 2 stages of one
   * block, heads (1, 2), reduction (2, 1), windows (4, whole), key/value widths 32, 10 classes.
   */
  public static ScalableViTConfig tiny() {
    return builder().imageSize(32).numClasses(10).dim(16).depth(1, 1).heads(1, 2).reductionFactor(2, 1)
        .windowSize(4, null).build();
  }

  /**
   * ScalableViT-S (Yang et al. 2022, Table 1: C = 64, heads 2/4/8/16, depths 2/2/20/2, 224 input;
   * 32.4M parameters, 4.2 GMACs, 83.1% top-1) in vit-pytorch's parameterisation: one vit-pytorch block
   * is an SSA block plus an IWSA block (each with its FFN), i.e. two of the paper's blocks, so the
   * depths are 1/1/10/1; SSA key width 40 = 32 x the paper's channel scale 1.25 in stages 1-3, spatial
   * reductions 8/4/2/1, 7x7 IWSA windows on the 56, 28, 14, 7 maps. vit-pytorch's blocks differ in
   * detail from the official code, so this has 39.0M parameters and 6.0 GMACs, not the paper's figures.
   */
  public static ScalableViTConfig small() {
    return builder().imageSize(224).numClasses(1000).dim(64).heads(2, 4, 8, 16).depth(1, 1, 10, 1)
        .ssaDimKey(40, 40, 40, 32).reductionFactor(8, 4, 2, 1).windowSize(7).build();
  }

  /** Builder for {@link ScalableViTConfig}; {@link #build()} validates. */
  public static final class Builder extends ImageModelBuilder<ScalableViTConfig, Builder> {
    private Builder() {
      super(ScalableViTConfig.class);
      ssaDimKey(32).ssaDimValue(32).iwsaDimKey(32).iwsaDimValue(32).windowSize((Integer) null).ffExpansionFactor(4);
    }

    @Override
    protected Builder self() {
      return this;
    }

    private Builder list(String field, int... v) {
      return set(field, v == null ? null : Arrays.stream(v).boxed().toList());
    }

    /** Width of the first stage. */
    public Builder dim(int v) { return set("dim", v); }

    /** Blocks per stage; the number of values is the number of stages. */
    public Builder depth(int... v) { return list("depth", v); }

    /** Heads per stage (one value: every stage). */
    public Builder heads(int... v) { return list("heads", v); }

    /** SSA key width per head, per stage (default 32). */
    public Builder ssaDimKey(int... v) { return list("ssaDimKey", v); }

    /** SSA value width per head, per stage (default 32). */
    public Builder ssaDimValue(int... v) { return list("ssaDimValue", v); }

    /** SSA key/value spatial reduction per stage. */
    public Builder reductionFactor(int... v) { return list("reductionFactor", v); }

    /** IWSA key width per head, per stage (default 32). */
    public Builder iwsaDimKey(int... v) { return list("iwsaDimKey", v); }

    /** IWSA value width per head, per stage (default 32). */
    public Builder iwsaDimValue(int... v) { return list("iwsaDimValue", v); }

    /** IWSA window side per stage, {@code null} for the whole map (default: whole map everywhere). */
    public Builder windowSize(Integer... v) { return set("windowSize", v == null ? null : Arrays.asList(v.clone())); }

    /** Feed-forward expansion factor (default 4). */
    public Builder ffExpansionFactor(int v) { return set("ffExpansionFactor", v); }

    /** vit-pytorch's block order instead of the paper's (default false). */
    public Builder upstreamBlockOrder(boolean v) { return set("upstreamBlockOrder", v); }
  }
}
