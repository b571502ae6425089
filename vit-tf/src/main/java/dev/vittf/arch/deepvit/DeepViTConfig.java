package dev.vittf.arch.deepvit;

import dev.vittf.arch.vit.ViTConfig;
import dev.vittf.arch.vit.VisionTransformer;
import dev.vittf.blocks.AttentionConfig;
import dev.vittf.blocks.FeedForward;
import dev.vittf.blocks.HeadMix;
import dev.vittf.blocks.PatchEmbedding;
import dev.vittf.blocks.TransformerBlock;
import dev.vittf.core.ConfigCheck;
import dev.vittf.models.ModelConfig;
import dev.vittf.models.Network;
import dev.vittf.models.NormPlacement;
import dev.vittf.models.PatchModelBuilder;
import dev.vittf.models.Pool;
import java.util.ArrayList;
import java.util.List;

/**
 * Configuration of DeepViT (Zhou et al., "DeepViT: Towards Deeper Vision Transformer", 2021): a ViT
 * whose attention uses <em>re-attention</em>, i.e. the softmax probabilities are mixed across heads
 * by a learned {@code H x H} matrix and then layer-normalised over the head axis before they weight
 * the values. Everything else is vit-pytorch's ViT: LayerNorm/Linear/LayerNorm patch embedding, class
 * token, learned positional embedding over all tokens, pre-norm blocks, no final transformer norm and
 * a LayerNorm + Linear head. {@code pool = MEAN} averages over all tokens <em>including</em> the class
 * token (vit-pytorch DeepViT semantics).
 *
 * <p>Immutable; validated completely in the constructor. Build with {@link #builder()} or start from a
 * preset ({@link #seed()}, {@link #tiny()}, {@link #deepvitS()}, {@link #deepvitL()}).
 *
 * @param imageHeight input height
 * @param imageWidth input width
 * @param patchHeight patch height (must divide {@code imageHeight})
 * @param patchWidth patch width (must divide {@code imageWidth})
 * @param channels input channels
 * @param numClasses classifier outputs
 * @param dim token width
 * @param depth number of transformer blocks
 * @param heads attention heads (the re-attention matrix is {@code heads x heads})
 * @param dimHead width of each head (independent of {@code dim}, as in vit-pytorch)
 * @param mlpDim feed-forward inner width
 * @param pool class-token or mean pooling
 * @param normEps epsilon of every LayerNorm, the head-axis re-attention norm included (vit-pytorch: 1e-5)
 * @param dropout feed-forward and projection dropout (training only)
 * @param embDropout embedding dropout (training only)
 * @param attnDropout dropout on the re-attention map (training only; the builder defaults it to {@code dropout})
 */
public record DeepViTConfig(
    int imageHeight,
    int imageWidth,
    int patchHeight,
    int patchWidth,
    int channels,
    int numClasses,
    int dim,
    int depth,
    int heads,
    int dimHead,
    int mlpDim,
    Pool pool,
    double normEps,
    double dropout,
    double embDropout,
    double attnDropout)
    implements ModelConfig {

  /** Validates every field; throws {@link dev.vittf.core.InvalidConfigException} listing all violations. */
  public DeepViTConfig {
    ConfigCheck c = new ConfigCheck("DeepViTConfig");
    ViTConfig.checkImageAndPatches(c, imageHeight, imageWidth, patchHeight, patchWidth, channels);
    c.positive("numClasses", numClasses);
    c.positive("dim", dim);
    c.positive("depth", depth);
    c.positive("heads", heads);
    c.positive("dimHead", dimHead);
    c.positive("mlpDim", mlpDim);
    c.productFitsInt("heads*dimHead", heads + "*" + dimHead, heads, dimHead, 3, Math.max(dim, 1));
    c.productFitsInt("mlpDim", mlpDim, mlpDim, Math.max(dim, 1));
    c.notNull("pool", pool);
    c.positiveFinite("normEps", normEps);
    c.rate("dropout", dropout);
    c.rate("embDropout", embDropout);
    c.rate("attnDropout", attnDropout);
    c.throwIfInvalid();
  }

  @Override
  public String architecture() {
    return "deepvit";
  }

  /** Number of patch tokens. */
  public int numPatches() {
    return (imageHeight / patchHeight) * (imageWidth / patchWidth);
  }

  /** The attention of every block: ViT's fused, bias-free qkv with the re-attention hook after the softmax. */
  public AttentionConfig attention() {
    return new AttentionConfig(dim, heads, dimHead, AttentionConfig.QkvLayout.FUSED, false, true,
        null, HeadMix.reattention(normEps), attnDropout, dropout, Double.NaN);
  }

  @Override
  public Network network() {
    PatchEmbedding embed = new PatchEmbedding(PatchEmbedding.Style.NORM_LINEAR_NORM, imageHeight, imageWidth,
        channels, patchHeight, patchWidth, dim, normEps);
    AttentionConfig attn = attention();
    FeedForward ff = new FeedForward(dim, mlpDim, dropout);
    List<TransformerBlock> blocks = new ArrayList<>();
    for (int i = 0; i < depth; i++) {
      blocks.add(new TransformerBlock(attn, ff, normEps, 1, 0, 0));
    }
    return new VisionTransformer(embed, true, pool, NormPlacement.POOLED, normEps, blocks, numClasses, embDropout);
  }

  /** A builder initialised with this config's values. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** A builder with vit-pytorch's defaults (3 channels, dimHead 64, class pooling, eps 1e-5, no dropout). */
  public static Builder builder() {
    return new Builder();
  }

  // ---- presets ----

  /** The seed usage: image 256, patch 32, 1000 classes, dim 1024, depth 6, 16 heads, mlp 2048, dropout 0.1, emb 0.1. */
  public static DeepViTConfig seed() {
    return builder().imageSize(256).patchSize(32).numClasses(1000).dim(1024).depth(6).heads(16).mlpDim(2048)
        .dropout(0.1).embDropout(0.1).build();
  }

  /** A tiny DeepViT for tests and notebooks: 32x32, patch 8, dim 64, depth 2, 4 heads of 16, mlp 128, 10 classes. */
  public static DeepViTConfig tiny() {
    return builder().imageSize(32).patchSize(8).numClasses(10).dim(64).depth(2).heads(4).dimHead(16).mlpDim(128)
        .build();
  }

  /**
   * DeepViT-S at 224: patch 16, dim 396, depth 16, 12 heads of 33, mlp 1188 (ratio 3), 1000 classes:
   * the widths of {@code deepvit_S} in the authors' repository (zhoudaquan/dvit_repo). Unlike that model
   * (re-attention with BatchNorm in the last 5 blocks, a 3-convolution patch stem, qkv biases) this
   * preset is the vit-pytorch formulation: re-attention with the head-axis LayerNorm in every block and
   * the LayerNorm/Linear/LayerNorm embedding.
   */
  public static DeepViTConfig deepvitS() {
    return builder().imageSize(224).patchSize(16).numClasses(1000).dim(396).depth(16).heads(12).dimHead(33)
        .mlpDim(1188).build();
  }

  /**
   * DeepViT-L at 224: patch 16, dim 420, depth 32, 12 heads of 35, mlp 1260 (ratio 3), 1000 classes
   * ({@code deepvit_L} in the authors' repository; same caveats as {@link #deepvitS()}).
   */
  public static DeepViTConfig deepvitL() {
    return builder().imageSize(224).patchSize(16).numClasses(1000).dim(420).depth(32).heads(12).dimHead(35)
        .mlpDim(1260).build();
  }

  /** Builder; {@link #build()} validates. */
  public static final class Builder extends PatchModelBuilder<Builder> {
    private Pool pool = Pool.CLS;
    private Double attnDropout;

    @Override
    protected Builder self() {
      return this;
    }

    private Builder() {}

    private Builder(DeepViTConfig c) {
      imageHeight = c.imageHeight;
      imageWidth = c.imageWidth;
      patchHeight = c.patchHeight;
      patchWidth = c.patchWidth;
      channels = c.channels;
      numClasses = c.numClasses;
      dim = c.dim;
      depth = c.depth;
      heads = c.heads;
      dimHead = c.dimHead;
      mlpDim = c.mlpDim;
      pool = c.pool;
      normEps = c.normEps;
      dropout = c.dropout;
      embDropout = c.embDropout;
      attnDropout = c.attnDropout;
    }

    /** Pooling (default CLS); MEAN averages all tokens, class token included. */
    public Builder pool(Pool v) {
      pool = v;
      return this;
    }

    /** Attention-map dropout rate (default: the {@link #dropout} rate, as in vit-pytorch). */
    public Builder attnDropout(double v) {
      attnDropout = v;
      return this;
    }

    /** Validates and builds. */
    public DeepViTConfig build() {
      return new DeepViTConfig(imageHeight, imageWidth, patchHeight, patchWidth, channels, numClasses, dim, depth,
          heads, dimHead, mlpDim, pool, normEps, dropout, embDropout, attnDropout == null ? dropout : attnDropout);
    }
  }
}
