package dev.vittf.export.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vittf.core.StrictJson;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vittf.cli.support.Conflicts;
import dev.vittf.cli.support.Names;
import dev.vittf.cli.support.PathCheck;
import dev.vittf.cli.support.Ranges;
import dev.vittf.cli.support.UsageException;
import dev.vittf.core.Precision;
import dev.vittf.export.ExportOptions;
import dev.vittf.export.SavedModelExporter;
import dev.vittf.export.Weights;
import dev.vittf.export.ExportProgress;
import dev.vittf.io.CheckpointSource;
import dev.vittf.io.Checkpoints;
import dev.vittf.io.Pretrained;
import dev.vittf.preprocess.ImagePipeline;
import java.nio.file.Files;
import dev.vittf.models.ConfigJson;
import dev.vittf.models.ModelConfig;
import dev.vittf.models.ModelParameters;
import dev.vittf.models.Preprocessing;
import dev.vittf.models.Presets;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vittf-export export}: writes a SavedModel version directory. */
@Command(
    name = "export",
    header = "Export a model as a SavedModel for TensorFlow Serving.",
    sortOptions = false,
    description =
        "Export a model as a SavedModel under <output>/<version>/ (tag 'serve', signature "
        + "'serving_default': images float32 [-1,H,W,C] -> logits, probabilities, classes (top-k labels), scores). "
        + "The model is a hub folder or one of our checkpoints (--model: config, weights, labels and, for a "
        + "folder, its own preprocessing in 'serving_image_bytes'), a preset (--preset) or a config JSON "
        + "(--config, with an \"architecture\" field or --architecture); weights come from --model, a "
        + "checkpoint (--checkpoint, --source) or are freshly initialised from --seed.")
final class ExportCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = {"-m", "--model"}, paramLabel = "PATH", converter = PathCheck.InputPath.class,
      description = "a hub folder (transformers ViT/DeiT, timm, torchvision), one of our checkpoints (config and labels "
          + "in its metadata), or a .safetensors/.bin/.pth checkpoint together with --preset/--config and --source")
  Path model;

  @Option(names = "--pipeline", paramLabel = "NAME|FILE",
      description = "preprocessing run in the graph by 'serving_image_bytes' (switches it on): torchvision_vit_b_16, "
          + "a preprocessor_config.json, a timm config.json or a hub folder (default with a hub folder --model: its own)")
  String pipeline;

  @Option(names = {"-p", "--preset"}, paramLabel = "NAME", converter = Names.PresetName.class, description = "a named preset, e.g. vit-tiny, vit-b16")
  String preset;

  @Option(names = {"-a", "--architecture"}, paramLabel = "ARCH", converter = Names.ArchitectureName.class,
      description = "architecture of the --config document (if it has no \"architecture\" field): ${COMPLETION-CANDIDATES}",
      completionCandidates = Architectures.class)
  String architecture;

  @Option(names = {"-c", "--config"}, paramLabel = "FILE", converter = PathCheck.InputFile.class, description = "config JSON (all fields, or {\"preset\": ..., overrides})")
  Path config;

  @Option(names = "--set", paramLabel = "FIELD=VALUE", description = "override a config field (repeatable), e.g. --set numClasses=100")
  List<String> overrides = new ArrayList<>();

  @Option(names = "--checkpoint", paramLabel = "FILE", converter = PathCheck.InputFile.class, description = "safetensors weights (default: fresh initialisation)")
  Path checkpoint;

  @Option(names = "--source", paramLabel = "SOURCE", defaultValue = "native", converter = Names.SourceName.class,
      description = "checkpoint naming: native (vit-tf names), vit_pytorch or timm (default: ${DEFAULT-VALUE})")
  CheckpointSource source;

  @Option(names = "--seed", paramLabel = "N", defaultValue = "0", converter = Ranges.AnyLong.class, description = "initialisation seed without --checkpoint (default: ${DEFAULT-VALUE})")
  long seed;

  @Option(names = {"-o", "--output"}, required = true, paramLabel = "DIR", converter = PathCheck.OutputDir.class,
      description = "model base directory (TensorFlow Serving's --model_base_path)")
  Path output;

  @Option(names = "--version", paramLabel = "N", converter = Ranges.NonNegativeLong.class, description = "version directory (default: the next free version)")
  Long version;

  @Option(names = "--overwrite", description = "replace an existing version (atomically)")
  boolean overwrite;

  @Option(names = "--xla", description = "compile the forward pass with XLA (_XlaMustCompile function call)")
  boolean xla;

  @Option(names = "--precision", paramLabel = "P", defaultValue = "fp32", converter = Names.PrecisionName.class,
      description = "compute precision of the graph, fp32 or bf16 (explicit casts: no serving option needed; default: ${DEFAULT-VALUE})")
  Precision precision;

  @Option(names = "--image-bytes", description = "add the 'serving_image_bytes' signature taking encoded JPEG/PNG images")
  boolean imageBytes;

  @Option(names = "--mean", split = ",", paramLabel = "M", converter = Ranges.FiniteDouble.class, description = "per-channel mean for --image-bytes (default: the config's)")
  List<Double> mean;

  @Option(names = "--std", split = ",", paramLabel = "S", converter = Ranges.PositiveDouble.class, description = "per-channel std for --image-bytes (default: the config's)")
  List<Double> std;

  @Option(names = "--labels", paramLabel = "FILE", converter = PathCheck.InputFile.class,
      description = "class names, one per line, line i naming logit i (default: the checkpoint's own labels, else LABEL_i)")
  Path labels;

  @Option(names = "--top-k", paramLabel = "K", converter = Ranges.PositiveInt.class,
      description = "classes in the 'classes'/'scores' outputs per image (default: 5, at most the number of classes)")
  Integer topK;

  @Option(names = {"-q", "--quiet"}, description = "no progress output")
  boolean quiet;

  @Mixin VerboseOption verbose;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
  boolean help;

  /** Completion candidates for --architecture. */
  static final class Architectures extends ArrayList<String> {
    private static final long serialVersionUID = 1L;

    Architectures() {
      super(ConfigJson.architectures());
    }
  }

  @Override
  public Integer call() throws IOException {
    if (model == null) {
      Conflicts.requires(spec, "--source", "--checkpoint", "it names the checkpoint's tensor naming");
    }
    Conflicts.atMostOne(spec, "--model", "--checkpoint");
    Conflicts.ignoredWhen(spec, "--seed", checkpoint != null, "with --checkpoint (the weights come from the checkpoint)");
    Conflicts.ignoredWhen(spec, "--seed", model != null, "with --model (the weights come from the model)");
    Conflicts.requires(spec, "--overwrite", "--version", "without --version the export takes the next free version");
    boolean hub = model != null && Files.isDirectory(model);
    if (!hub && pipeline == null) {
      Conflicts.requires(spec, "--mean", "--image-bytes", "only the image-bytes signature normalises images");
      Conflicts.requires(spec, "--std", "--image-bytes", "only the image-bytes signature normalises images");
    }
    for (String o : List.of("--mean", "--std")) {
      Conflicts.ignoredWhen(spec, o, pipeline != null, "with --pipeline (the pipeline has its own mean/std)");
      Conflicts.ignoredWhen(spec, o, hub && pipeline == null, "with a hub folder --model (its own pipeline normalises; "
          + "choose another with --pipeline)");
    }
    ImagePipeline chosen = pipeline == null ? null : ImagePipeline.named(pipeline);
    ExportProgress progress = (stage, took) -> {
      if (!quiet) {
        out().printf(Locale.ROOT, "  %-60s %8.2f s%n", stage, took.toNanos() / 1e9);
        out().flush();
      }
    };
    SavedModelExporter.Result r;
    if (hub) {
      for (String o : List.of("--preset", "--config", "--architecture", "--set", "--source")) {
        Conflicts.ignoredWhen(spec, o, true, "with a hub folder --model (the folder's config.json describes the model)");
      }
      Pretrained p = Pretrained.load(model);
      ExportOptions options = options(p.config(), chosen);
      announce(model.getFileName().toString(), p.config());
      r = SavedModelExporter.export(p, output, options, progress);
    } else {
      java.util.Optional<ModelConfig> own = model == null ? java.util.Optional.empty() : Checkpoints.config(model);
      if (own.isPresent()) {
        for (String o : List.of("--preset", "--config", "--architecture")) {
          Conflicts.ignoredWhen(spec, o, true, "with --model " + model + " (its metadata holds the config)");
        }
        if (source != CheckpointSource.NATIVE) {
          throw new UsageException("--source " + source.name().toLowerCase(Locale.ROOT) + ": " + model
              + " is one of our checkpoints (native names, config in its metadata)");
        }
      } else if (model != null && preset == null && config == null) {
        throw new UsageException("--model " + model + " has no config in its metadata (not one of our checkpoints): "
            + "describe the model with --preset or --config, and its naming with --source");
      }
      ModelConfig cfg = own.isPresent() ? applyOverrides(own.get()) : resolveConfig();
      // Our checkpoints record their eval preprocessing (training writes it): serving_image_bytes runs it, unless
      // --pipeline chooses another or --mean/--std ask for the plain normalisation.
      if (own.isPresent() && chosen == null && mean == null && std == null
          && dev.vittf.io.SafeTensors.read(model).metadata().containsKey(Checkpoints.PREPROCESSING)) {
        chosen = ImagePipeline.forModel(model);
      }
      Path weightsFile = model != null ? model : checkpoint;
      Weights weights = weightsFile == null ? Weights.seed(seed) : Weights.checkpoint(weightsFile, source);
      announce(preset != null ? preset : model != null ? model.getFileName().toString() : cfg.architecture(), cfg);
      r = SavedModelExporter.export(cfg, weights, output, options(cfg, chosen), progress);
    }
    PrintWriter out = out();
    out.printf(Locale.ROOT, "exported version %d to %s in %.2f s (signatures: %s)%n", r.version(), r.directory(),
        r.took().toNanos() / 1e9, String.join(", ", r.signatures()));
    return 0;
  }

  private PrintWriter out() {
    return spec.commandLine().getOut();
  }

  private void announce(String name, ModelConfig m) {
    if (!quiet) {
      out().printf(Locale.ROOT, "exporting %s (%s, %,d parameters, %dx%dx%d -> %d classes%s) to %s%n", name, m.architecture(),
          ModelParameters.count(m), m.imageHeight(), m.imageWidth(), m.channels(), m.numClasses(),
          (xla ? ", XLA" : "") + (precision == Precision.FP32 ? "" : ", " + precision.label()), output);
      out().flush();
    }
  }

  /** The export options of the command line for {@code model}; {@code chosen} is the --pipeline, if any. */
  private ExportOptions options(ModelConfig m, ImagePipeline chosen) throws IOException {
    ExportOptions o = new ExportOptions(version, overwrite, xla, imageBytes, preprocessing(m), null, labels(m.numClasses()),
        topK == null ? 0 : topK).withPrecision(precision);
    if (chosen != null && (chosen.outputHeight() != m.imageHeight() || chosen.outputWidth() != m.imageWidth())) {
      throw new UsageException("--pipeline " + pipeline + " produces " + chosen.outputHeight() + "x" + chosen.outputWidth()
          + " images, the model reads " + m.imageHeight() + "x" + m.imageWidth());
    }
    return chosen == null ? o : o.withPipeline(chosen);
  }

  private ModelConfig resolveConfig() throws IOException {
    if (preset != null && config != null) {
      throw new UsageException("give either --preset or --config, not both");
    }
    ModelConfig base;
    if (preset != null) {
      base = Presets.get(preset);
      if (architecture != null && !architecture.equals(base.architecture())) {
        throw new UsageException(
            "preset '" + preset + "' is a '" + base.architecture() + "' model, not '" + architecture + "'");
      }
    } else if (config != null) {
      JsonNode tree;
      try {
        tree = StrictJson.mapper().readTree(config.toFile());
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new UsageException(config + ": malformed JSON: " + e.getOriginalMessage());
      }
      if (tree instanceof ObjectNode o && architecture != null) {
        JsonNode given = o.get(ConfigJson.ARCHITECTURE);
        String named = o.path(ConfigJson.PRESET).asText("");
        // The document's own architecture: its field, else its preset's (an unknown preset is reported below).
        String described = given != null ? given.asText()
            : Presets.all().containsKey(named) ? Presets.get(named).architecture() : null;
        if (described != null && !described.equals(architecture)) {
          throw new UsageException(config + " describes architecture '" + described + "'"
              + (given == null ? " (preset '" + named + "')" : "") + ", not --architecture=" + architecture);
        }
        if (given == null && !o.has(ConfigJson.PRESET)) {
          o.put(ConfigJson.ARCHITECTURE, architecture);
        }
      }
      try {
        base = ConfigJson.fromTree(tree);
      } catch (dev.vittf.models.ConfigJsonException e) {
        throw new dev.vittf.models.ConfigJsonException(config + ": " + e.getMessage());
      }
    } else if (architecture != null) {
      String tiny = architecture.replace('_', '-') + "-tiny";
      throw new UsageException("--architecture " + architecture + " needs --config FILE with the model's fields"
          + (Presets.all().containsKey(tiny) ? " (or use a preset, e.g. --preset " + tiny + ")" : ""));
    } else {
      throw new UsageException("choose a model with --preset NAME or --config FILE");
    }
    return applyOverrides(base);
  }

  /** {@code base} with the --set overrides. */
  private ModelConfig applyOverrides(ModelConfig base) {
    if (overrides.isEmpty()) {
      return base;
    }
    ObjectMapper json = new ObjectMapper();
    ObjectNode o = json.createObjectNode();
    for (String kv : overrides) {
      int eq = kv.indexOf('=');
      if (eq <= 0) {
        throw new UsageException("--set expects FIELD=VALUE, got '" + kv + "'");
      }
      String value = kv.substring(eq + 1);
      JsonNode node;
      try {
        node = json.readTree(value);
      } catch (IOException e) {
        node = null;
      }
      o.set(kv.substring(0, eq), node == null || node.isMissingNode() ? json.getNodeFactory().textNode(value) : node);
    }
    return ConfigJson.override(base, o);
  }

  /** The --labels file, checked: one non-empty label per class. */
  private List<String> labels(int classes) throws IOException {
    if (labels == null) {
      return null;
    }
    List<String> lines = java.nio.file.Files.readAllLines(labels);
    if (lines.size() != classes) {
      throw new UsageException("--labels " + labels + ": " + lines.size() + " lines, but the model has " + classes
          + " classes (one label per line, line i naming logit i)");
    }
    try {
      return ExportOptions.defaults().withLabels(lines).labels();
    } catch (IllegalArgumentException e) {
      throw new UsageException("--labels " + labels + ": " + e.getMessage());
    }
  }

  private Preprocessing preprocessing(ModelConfig model) {
    if (mean == null && std == null) {
      return null;
    }
    Preprocessing d = model.preprocessing();
    return new Preprocessing(mean != null ? mean : d.mean(), std != null ? std : d.std());
  }
}
