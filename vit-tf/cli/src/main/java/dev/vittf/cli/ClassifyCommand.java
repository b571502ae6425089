package dev.vittf.cli;

import dev.vittf.cli.support.PathCheck;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vittf.analysis.AttentionMaps;
import dev.vittf.analysis.Plots;
import dev.vittf.classify.Classification;
import dev.vittf.classify.ImageClassifier;
import dev.vittf.classify.Prediction;
import dev.vittf.core.HostTensor;
import dev.vittf.preprocess.ImageDecoder;
import dev.vittf.preprocess.ImagePipeline;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Classifies photos with a checkpoint's own preprocessing and labels. */
@Command(name = "classify", mixinStandardHelpOptions = true,
    description = "Classify photos: top-k labels per image (table, or one JSON object per image with --json).")
final class ClassifyCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Option(names = "--model", required = true, paramLabel = "PATH", converter = PathCheck.InputPath.class,
      description = "a hub folder, or a reference description <case>.json next to <case>.safetensors")
  Path model;

  @Option(names = "--image", required = true, arity = "1..*", paramLabel = "FILE", converter = PathCheck.InputFile.class, description = "photos (PNG, JPEG, GIF, BMP)")
  List<Path> images;

  @Option(names = "--top", defaultValue = "5", paramLabel = "K", converter = dev.vittf.cli.support.Ranges.PositiveInt.class, description = "labels per image (default: ${DEFAULT-VALUE})")
  int top;

  @Option(names = "--precision", defaultValue = "fp32", paramLabel = "P", converter = dev.vittf.cli.support.Names.PrecisionName.class,
      description = "compute precision, fp32 or bf16 (bf16 falls back to fp32 on a CPU without bf16; default: ${DEFAULT-VALUE})")
  dev.vittf.core.Precision precision;

  @Option(names = "--json", description = "one JSON object per image: {\"image\", \"top_k\": [{\"label\", \"index\", \"probability\"}]}")
  boolean json;

  @Option(names = "--pipeline", paramLabel = "NAME|FILE",
      description = "preprocessing instead of the model's own: torchvision_vit_b_16, a preprocessor_config.json or a timm config.json")
  String pipeline;

  @Option(names = "--explain", paramLabel = "DIR", converter = PathCheck.OutputDir.class, description = "write the attention-rollout heat map of each image to DIR/<image>.attention.png")
  Path explain;

  @Mixin ImageInputOptions input;


  @Override
  public Integer call() throws Exception {
    if (top < 1) {
      throw new IllegalArgumentException("--top must be >= 1, got " + top);
    }
    if (explain != null) {
      for (Path image : images) {
        ModelFiles.checkWritable(explainFile(image), input.overwrite);
      }
    }
    ModelFiles.Opened opened = ModelFiles.open(model, precision);
    ImagePipeline p = pipeline != null ? ImagePipeline.named(pipeline) : opened.pipeline();
    if (p == null) {
      opened.model().close();
      throw new IllegalArgumentException("--model " + model + " declares no preprocessing; give --pipeline");
    }
    int failed = 0;
    try (ImageClassifier classifier =
        ImageClassifier.of(opened.model(), p, opened.labels(), top, ImageClassifier.DEFAULT_BATCH, input.maxPixels())) {
      List<Classification> results = classifier.classify(new ArrayList<Object>(images));
      for (int i = 0; i < results.size(); i++) {
        Classification c = results.get(i);
        if (!c.ok()) {
          failed++;
        }
        print(c);
        if (explain != null && c.ok()) {
          explain(classifier, images.get(i));
        }
      }
    }
    return failed == 0 ? 0 : 1;
  }

  private void print(Classification c) throws Exception {
    if (json) {
      ObjectNode o = JSON.createObjectNode();
      o.put("image", c.image());
      if (c.ok()) {
        ArrayNode topK = o.putArray("top_k");
        for (Prediction pr : c.topK()) {
          topK.addObject().put("label", pr.label()).put("index", pr.index()).put("probability", pr.score());
        }
      } else {
        o.put("error", c.error());
      }
      input.out().println(JSON.writeValueAsString(o));
      return;
    }
    input.out().println(c.image());
    if (!c.ok()) {
      input.out().println("  error: " + c.error());
      return;
    }
    input.out().printf(Locale.ROOT, "  %4s  %11s  %5s  %s%n", "rank", "probability", "index", "label");
    for (int k = 0; k < c.topK().size(); k++) {
      Prediction pr = c.topK().get(k);
      input.out().printf(Locale.ROOT, "  %4d  %11.4f  %5d  %s%n", k + 1, pr.score(), pr.index(), pr.label());
    }
  }

  private Path explainFile(Path image) {
    String name = image.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return explain.resolve((dot > 0 ? name.substring(0, dot) : name) + ".attention.png");
  }

  /** Rollout of the model's attention on the preprocessed image, drawn over what the model saw. */
  private void explain(ImageClassifier classifier, Path image) throws Exception {
    HostTensor pixels;
    try (ImageDecoder decoder = new ImageDecoder(input.maxPixels())) {
      pixels = classifier.pipeline().tensor(decoder.decode(image));
    }
    HostTensor rollout = AttentionMaps.rollout(classifier.model(), pixels);
    int tokens = (int) rollout.dim(2);
    int h = (int) pixels.dim(1);
    int w = (int) pixels.dim(2);
    int[] grid = grid(tokens, h, w);
    float[][] cells = AttentionMaps.classAttention(rollout, 0, grid[0], grid[1]);
    int scale = Math.max(1, (int) Math.ceil(256.0 / Math.max(h, w)));
    Path file = explainFile(image);
    ModelFiles.writePngAtomically(Plots.heatmapOverlay(pixels, 0, cells, 0.5, scale), file);
    input.out().println((json ? "" : "  ") + "attention map: " + file);
  }

  /** The patch grid of {@code tokens} (with or without a class token) for an {@code h × w} input. */
  static int[] grid(int tokens, int h, int w) {
    for (int patches : new int[] {tokens - 1, tokens}) {
      int gh = (int) Math.round(Math.sqrt((double) patches * h / w));
      if (gh > 0 && patches % gh == 0) {
        return new int[] {gh, patches / gh};
      }
    }
    throw new IllegalArgumentException("cannot lay " + tokens + " tokens out on a patch grid for a " + h + "x" + w + " input");
  }
}
