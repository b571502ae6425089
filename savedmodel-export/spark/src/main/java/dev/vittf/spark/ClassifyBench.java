package dev.vittf.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vittf.classify.ImageClassifier;
import dev.vittf.cli.support.CliErrors;
import dev.vittf.cli.support.PathCheck;
import dev.vittf.cli.support.Ranges;
import dev.vittf.core.HostTensor;
import dev.vittf.core.ParameterSpec;
import dev.vittf.io.CheckpointMapping;
import dev.vittf.io.Checkpoints;
import dev.vittf.io.Pretrained;
import dev.vittf.io.ReferenceModels;
import dev.vittf.io.SafeTensors;
import dev.vittf.models.ModelConfig;
import dev.vittf.models.ModelParameters;
import dev.vittf.preprocess.ImageDecoder;
import dev.vittf.preprocess.ImagePipeline;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Throughput of {@link VitSpark#classify} on a local Spark against one JVM running {@link ImageClassifier} on
 * the same images, with the same model and batch size (a benchmark command, not a test: docs/spark.md).
 *
 * <pre>
 * java [Spark's Java 17 flags] -cp ... dev.vittf.spark.ClassifyBench --model DIR | --make-vit-b16 DIR
 *     [--images N] [--master local[2]] [--batch-size 16]
 * </pre>
 *
 * <p>{@code --make-vit-b16 DIR} first writes a timm hub folder of {@code vit_base_patch16_224} (86.6 M
 * parameters, 224x224, bicubic resize + centre crop, 1000 classes) with random weights, so the benchmark runs a
 * realistic model without downloading one. Photos are generated (640x480 JPEGs). Each side classifies every image
 * once to warm up, then once timed.
 */
@Command(
    name = "ClassifyBench",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = "Throughput of VitSpark on a local Spark against one JVM running ImageClassifier, same model and images.")
public final class ClassifyBench implements Callable<Integer> {
  @ArgGroup(exclusive = true, multiplicity = "1")
  ModelChoice choice;

  /** An existing model folder, or one to write. */
  static final class ModelChoice {
    @Option(names = "--model", required = true, paramLabel = "DIR", converter = PathCheck.InputDir.class,
        description = "hub folder to benchmark")
    Path model;

    @Option(names = "--make-vit-b16", required = true, paramLabel = "DIR", converter = PathCheck.OutputDir.class,
        description = "write a random-weight timm vit_base_patch16_224 folder there and benchmark it")
    Path makeVitB16;
  }

  @Option(names = "--images", defaultValue = "64", paramLabel = "N", converter = Ranges.PositiveInt.class,
      description = "generated 640x480 JPEG photos (default: ${DEFAULT-VALUE})")
  int count;

  @Option(names = "--batch-size", defaultValue = "16", paramLabel = "N", converter = Ranges.PositiveInt.class,
      description = "images per model call, both sides (default: ${DEFAULT-VALUE})")
  int batch;

  @Option(names = "--master", defaultValue = "local[2]", paramLabel = "URL", description = "Spark master (default: ${DEFAULT-VALUE})")
  String master;

  /** Picocli instantiates the command. */
  ClassifyBench() {}

  /** Runs the benchmark and exits with its code. */
  public static void main(String[] args) {
    CommandLine cmd = new CommandLine(new ClassifyBench());
    CliErrors.install(cmd, e -> null, false);
    System.exit(cmd.execute(args));
  }

  @Override
  public Integer call() throws IOException {
    Path model = choice.model;
    if (choice.makeVitB16 != null) {
      model = choice.makeVitB16;
      writeRandomTimmVitB16(model);
    }
    Path photos = Files.createTempDirectory("vittf-bench-photos-");
    List<Path> files = writePhotos(photos, count);

    double single;
    Pretrained hub = Pretrained.load(model);
    List<String> labels = hub.labels().isEmpty() ? ImageClassifier.defaultLabels(hub.config().numClasses()) : hub.labels();
    try (ImageClassifier c = ImageClassifier.of(hub.model(), ImagePipeline.forModel(model), labels, 5, batch,
        ImageDecoder.DEFAULT_MAX_PIXELS)) {
      c.classify(files);
      long t0 = System.nanoTime();
      c.classify(files);
      single = count / ((System.nanoTime() - t0) / 1e9);
    }
    System.out.printf("model %s (%s, %,d parameters), %d photos 640x480 JPEG, batch %d%n", model,
        hub.config().architecture(), hub.parameterCount(), count, batch);
    System.out.printf("one JVM, ImageClassifier:   %8.2f images/s%n", single);

    org.apache.log4j.Logger.getRootLogger().setLevel(org.apache.log4j.Level.WARN);
    SparkSession spark = SparkSession.builder().master(master).appName("vit-tf ClassifyBench")
        .config("spark.ui.enabled", "false").getOrCreate();
    try {
      ClassifyOptions options = ClassifyOptions.defaults().withBatchSize(batch);
      var labelled = VitSpark.classify(spark.read().format("binaryFile").load(photos.toString()), model.toString(), options);
      int partitions = labelled.rdd().getNumPartitions();
      labelled.count();
      long t0 = System.nanoTime();
      long rows = labelled.count();
      double spk = rows / ((System.nanoTime() - t0) / 1e9);
      System.out.printf("Spark %s, VitSpark:   %8.2f images/s (%d partitions; %.2fx one JVM)%n", master, spk, partitions,
          spk / single);
    } finally {
      spark.stop();
      try (Stream<Path> s = Files.walk(photos)) {
        s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    return 0;
  }

  /** Smooth colour fields with noise, as JPEG, so decoding and resizing cost what a photo costs. */
  private static List<Path> writePhotos(Path dir, int count) throws IOException {
    Random random = new Random(1);
    List<Path> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      BufferedImage image = new BufferedImage(640, 480, BufferedImage.TYPE_INT_RGB);
      int base = random.nextInt(0xffffff);
      for (int y = 0; y < 480; y++) {
        for (int x = 0; x < 640; x++) {
          image.setRGB(x, y, (base + x * 0x010203 / 7 + y * 0x030201 / 5 + random.nextInt(16)) & 0xffffff);
        }
      }
      Path f = dir.resolve(String.format("photo-%05d.jpg", i));
      ImageIO.write(image, "jpeg", f.toFile());
      out.add(f);
    }
    return out;
  }

  /**
   * A timm hub folder of {@code vit_base_patch16_224} with random weights (std 0.02), written in timm's names
   * and layouts through the declared mapping table (the inverse of what {@link Pretrained} reads).
   */
  static void writeRandomTimmVitB16(Path dir) throws IOException {
    ObjectMapper json = new ObjectMapper();
    ObjectNode cfg = json.createObjectNode();
    cfg.put("architecture", "vit_base_patch16_224").put("num_classes", 1000).put("global_pool", "token");
    ObjectNode pre = cfg.putObject("pretrained_cfg");
    pre.putArray("input_size").add(3).add(224).add(224);
    pre.put("interpolation", "bicubic").put("crop_pct", 0.9).put("crop_mode", "center");
    pre.putArray("mean").add(0.5).add(0.5).add(0.5);
    pre.putArray("std").add(0.5).add(0.5).add(0.5);
    pre.put("num_classes", 1000);
    ObjectNode kwargs = json.createObjectNode();
    kwargs.put("embed_dim", 768).put("depth", 12).put("num_heads", 12).put("patch_size", 16).put("img_size", 224)
        .put("num_classes", 1000).put("global_pool", "token");
    ObjectNode desc = json.createObjectNode();
    desc.put("family", "timm_vit");
    desc.set("constructor_kwargs", kwargs);
    ReferenceModels.ReferenceModel ref = ReferenceModels.fromJson(desc);
    ModelConfig config = ref.config();
    Random random = new Random(0);
    Map<String, HostTensor> ours = new LinkedHashMap<>();
    for (ParameterSpec p : ModelParameters.of(config)) {
      long n = 1;
      for (long d : p.shape()) {
        n *= d;
      }
      float[] v = new float[(int) n];
      for (int i = 0; i < v.length; i++) {
        v[i] = (float) (random.nextGaussian() * 0.02);
      }
      ours.put(p.name(), new HostTensor(p.shape(), v));
    }
    CheckpointMapping mapping = Checkpoints.mapping(config, ref.source());
    Map<String, HostTensor> theirs = new LinkedHashMap<>();
    for (CheckpointMapping.Entry e : mapping.entries()) {
      HostTensor t = ours.get(e.ours());
      theirs.put(e.theirs(), e.conversion().invert(t, e.conversion().expectedSource(t.shape())));
    }
    for (CheckpointMapping.Position p : mapping.positions()) {
      theirs.putIfAbsent(p.theirs(), ours.get("pos_embed"));
    }
    Files.createDirectories(dir);
    SafeTensors.write(dir.resolve("model.safetensors"), theirs, Map.of());
    json.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("config.json").toFile(), cfg);
  }
}
