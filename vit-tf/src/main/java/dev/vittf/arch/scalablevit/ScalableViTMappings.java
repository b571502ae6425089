package dev.vittf.arch.scalablevit;

import dev.vittf.io.CheckpointMapping;
import dev.vittf.io.Conversion;

/**
 * Checkpoint table for {@link ScalableViTConfig}, pinned to vit-pytorch {@code
 * vit_pytorch/scalable_vit.py} (the revision the fixtures were generated with: every stage but the
 * last ends with {@code layers.<s>.0.norm}). Block modules are {@code layers.<s>.0.layers.<j>.<m>} with
 * {@code m} = 0 SSA, 1 first feed-forward, 2 PEG (first block only), 3 second feed-forward, 4 IWSA,
 * whatever order upstream runs them in; the names do not depend on {@link
 * ScalableViTConfig#upstreamBlockOrder()}.
 *
 * <p>Conversions: {@code ChanLayerNorm.g}/{@code .b} {@code [1, C, 1, 1]} reshaped to {@code [C]}; 1x1
 * convs (q, IWSA k/v, output projections, feed-forward) to dense kernels {@code [in, out]}; SSA's
 * {@code r x r} k/v convs, the stem, the LIM and the downsampling convs to HWIO; the depthwise PEG
 * {@code [C, 1, 3, 3]} to {@code [3, 3, C, 1]}; the head's LayerNorm and Linear as usual.
 */
public final class ScalableViTMappings {
  /** vit-pytorch file targeted (the fixtures' {@code reference_source_sha256} pins it). */
  public static final String VIT_PYTORCH = "vit-pytorch vit_pytorch/scalable_vit.py";

  private ScalableViTMappings() {}

  /** vit-pytorch {@code ScalableViT}. */
  public static CheckpointMapping vitPytorch(ScalableViTConfig c) {
    CheckpointMapping.Builder m = CheckpointMapping.builder(VIT_PYTORCH);
    m.conv("stem", "to_patches", true);
    for (int s = 0; s < c.numStages(); s++) {
      String stage = "stages/" + s;
      String theirStage = "layers." + s;
      for (int j = 0; j < c.depth().get(s); j++) {
        String ours = stage + "/blocks/" + j;
        String theirs = theirStage + ".0.layers." + j;
        chanNorm(m, ours + "/ssa/norm", theirs + ".0.norm");
        m.add(ours + "/ssa/q/kernel", theirs + ".0.to_q.weight", Conversion.CONV_1X1_TO_DENSE);
        m.conv(ours + "/ssa/k", theirs + ".0.to_k", false);
        m.conv(ours + "/ssa/v", theirs + ".0.to_v", false);
        conv1x1(m, ours + "/ssa/proj", theirs + ".0.to_out.0", true);
        feedForward(m, ours + "/ff1", theirs + ".1");
        if (j == 0) {
          m.add(ours + "/peg/kernel", theirs + ".2.proj.weight", Conversion.DEPTHWISE);
          m.add(ours + "/peg/bias", theirs + ".2.proj.bias", Conversion.IDENTITY);
        }
        feedForward(m, ours + "/ff2", theirs + ".3");
        chanNorm(m, ours + "/iwsa/norm", theirs + ".4.norm");
        conv1x1(m, ours + "/iwsa/q", theirs + ".4.to_q", false);
        conv1x1(m, ours + "/iwsa/k", theirs + ".4.to_k", false);
        conv1x1(m, ours + "/iwsa/v", theirs + ".4.to_v", false);
        m.conv(ours + "/iwsa/lim", theirs + ".4.local_interactive_module", true);
        conv1x1(m, ours + "/iwsa/proj", theirs + ".4.to_out.0", true);
      }
      if (s < c.numStages() - 1) {
        chanNorm(m, stage + "/norm", theirStage + ".0.norm");
        m.conv(stage + "/downsample", theirStage + ".1.conv", true);
      }
    }
    m.layerNorm("norm", "mlp_head.1");
    m.linear("head", "mlp_head.2", true);
    return m.build();
  }

  private static void chanNorm(CheckpointMapping.Builder m, String ours, String theirs) {
    m.add(ours + "/scale", theirs + ".g", Conversion.RESHAPE);
    m.add(ours + "/bias", theirs + ".b", Conversion.RESHAPE);
  }

  private static void conv1x1(CheckpointMapping.Builder m, String ours, String theirs, boolean bias) {
    m.add(ours + "/kernel", theirs + ".weight", Conversion.CONV_1X1_TO_DENSE);
    if (bias) {
      m.add(ours + "/bias", theirs + ".bias", Conversion.IDENTITY);
    }
  }

  private static void feedForward(CheckpointMapping.Builder m, String ours, String theirs) {
    chanNorm(m, ours + "/norm", theirs + ".net.0");
    conv1x1(m, ours + "/fc1", theirs + ".net.1", true);
    conv1x1(m, ours + "/fc2", theirs + ".net.4", true);
  }
}
