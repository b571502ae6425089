package dev.vittf.export.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vittf.cli.support.Conflicts;
import dev.vittf.cli.support.PathCheck;
import dev.vittf.cli.support.Ranges;
import dev.vittf.cli.support.UsageException;
import dev.vittf.models.InputCheck;
import dev.vittf.core.HostTensor;
import dev.vittf.export.ImageDecoding;
import dev.vittf.export.SavedModelInfo;
import dev.vittf.export.ServingModel;
import dev.vittf.export.ServingSignatures;
import dev.vittf.io.SafeTensors;
import dev.vittf.models.Preprocessing;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.tensorflow.proto.TensorShapeProto;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vittf-export predict}: runs a SavedModel and prints the top-k classes per image. */
@Command(
    name = "predict",
    header = "Run a SavedModel on images or a safetensors batch; print the top-k classes.",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description =
        "Run a SavedModel on image files (JPEG/PNG/GIF/BMP: through its 'serving_image_bytes' signature "
        + "if it has one, else decoded, resized and normalised with the same TensorFlow ops and the "
        + "export's mean/std) or on a safetensors batch [B,H,W,C], and print the top classes of each "
        + "image.")
final class PredictCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin SavedModelDirectory savedModel;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Inputs inputs;

  /** Exactly one kind of input. */
  static final class Inputs {
    @Option(names = {"-i", "--image"}, paramLabel = "FILE", required = true, converter = PathCheck.InputFile.class, description = "image file (repeatable)")
    List<Path> images;

    @Option(names = "--input", paramLabel = "FILE", required = true, converter = PathCheck.InputFile.class, description = "safetensors file with an NHWC float batch")
    Path tensors;
  }

  @Option(names = "--tensor", paramLabel = "NAME", description = "tensor to read from --input (default: 'images', 'input' or the only one)")
  String tensor;

  @Option(names = {"-k", "--top"}, defaultValue = "5", paramLabel = "K", converter = Ranges.PositiveInt.class, description = "classes to print per image (default: ${DEFAULT-VALUE})")
  int top;

  @Option(names = "--labels", paramLabel = "FILE", converter = PathCheck.InputFile.class, description = "class names, one per line (default: the export's assets/labels.txt)")
  Path labels;

  @Option(names = "--xla-jit", description = "run with XLA JIT (the launcher sets TF_XLA_FLAGS=--tf_xla_cpu_global_jit)")
  boolean xlaJit;

  @Mixin VerboseOption verbose;

  @Override
  public Integer call() throws IOException {
    Conflicts.requires(spec, "--tensor", "--input", "it names a tensor of the --input file");
    Path version = savedModel.version();
    // The export's own labels (assets/labels.txt) unless --labels names others.
    Path asset = version.resolve(ServingSignatures.ASSETS_DIR).resolve(ServingSignatures.LABELS_FILE);
    List<String> names = labels != null ? Files.readAllLines(labels)
        : Files.isRegularFile(asset) ? Files.readAllLines(asset) : List.of();
    List<String> sources = new ArrayList<>();
    List<byte[]> encoded = new ArrayList<>();
    HostTensor batch = null;
    if (inputs.images != null) {
      for (Path p : inputs.images) {
        encoded.add(Files.readAllBytes(p));
        sources.add(p.toString());
      }
    } else {
      batch = readBatch(inputs.tensors);
      if (batch.rank() >= 1 && batch.dim(0) == 0) {
        throw new UsageException(inputs.tensors + ": no image to predict: the batch has shape "
            + Arrays.toString(batch.shape()) + " (expected [B, H, W, C] with B >= 1, or one image [H, W, C])");
      }
      for (int i = 0; i < batch.dim(0); i++) {
        sources.add(inputs.tensors + "[" + i + "]");
      }
    }
    PrintWriter out = spec.commandLine().getOut();
    try (ServingModel model = ServingModel.load(version, new ServingModel.Options(xlaJit, 0, 0))) {
      SavedModelInfo info = model.info();
      Map<String, HostTensor> result;
      if (batch != null) {
        // A wrong shape or a non-finite pixel in the user's file is a usage error (exit 2), with the one
        // message every predict path gives (InputCheck).
        List<Long> want = inputShape(info);
        try {
          InputCheck.check(want.get(1), want.get(2), want.get(3), batch);
        } catch (IllegalArgumentException e) {
          throw new UsageException(inputs.tensors + ": " + e.getMessage());
        }
        result = model.predict(batch);
      } else if (info.signatures().containsKey(ServingSignatures.IMAGE_BYTES_KEY)) {
        result = model.predictEncoded(encoded);
      } else {
        List<Long> shape = inputShape(info);
        Preprocessing pre = preprocessing(info, shape.get(3).intValue());
        result = model.predict(ImageDecoding.decode(encoded, shape.get(1).intValue(), shape.get(2).intValue(),
            shape.get(3).intValue(), pre));
      }
      HostTensor probs = result.get(ServingSignatures.PROBABILITIES);
      HostTensor logits = result.get(ServingSignatures.LOGITS);
      for (int i = 0; i < sources.size(); i++) {
        out.println(sources.get(i) + ":");
        float[] p = probs.row(i);
        float[] l = logits.row(i);
        Integer[] order = new Integer[p.length];
        for (int j = 0; j < p.length; j++) {
          order[j] = j;
        }
        Arrays.sort(order, (a, b) -> Float.compare(p[b], p[a]));
        for (int r = 0; r < Math.min(top, p.length); r++) {
          int c = order[r];
          out.printf(Locale.ROOT, "  %d. class %-5d p=%.4f  logit=%.4f%s%n", r + 1, c, p[c], l[c],
              c < names.size() ? "  " + names.get(c) : "");
        }
      }
    }
    out.flush();
    return 0;
  }

  private HostTensor readBatch(Path file) throws IOException {
    Map<String, HostTensor> all = SafeTensors.read(file).tensors();
    HostTensor t;
    if (tensor != null) {
      t = all.get(tensor);
      if (t == null) {
        throw new UsageException(file + " has no tensor '" + tensor + "'; it has " + all.keySet());
      }
    } else if (all.containsKey("images")) {
      t = all.get("images");
    } else if (all.containsKey("input")) {
      t = all.get("input");
    } else if (all.size() == 1) {
      t = all.values().iterator().next();
    } else {
      throw new UsageException(file + " has several tensors " + all.keySet() + "; choose one with --tensor");
    }
    return t.rank() == 3 ? t.reshape(1, t.dim(0), t.dim(1), t.dim(2)) : t;
  }

  private static List<Long> inputShape(SavedModelInfo info) {
    TensorShapeProto s = info.signatures().get(ServingSignatures.DEFAULT_KEY).getInputsMap()
        .get(ServingSignatures.IMAGES).getTensorShape();
    return s.getDimList().stream().map(TensorShapeProto.Dim::getSize).toList();
  }

  private static Preprocessing preprocessing(SavedModelInfo info, int channels) {
    JsonNode p = info.metadata() == null ? null : info.metadata().get("preprocessing");
    if (p == null) {
      return Preprocessing.defaultFor(channels);
    }
    List<Double> mean = new ArrayList<>();
    p.get("mean").forEach(n -> mean.add(n.asDouble()));
    List<Double> std = new ArrayList<>();
    p.get("std").forEach(n -> std.add(n.asDouble()));
    return new Preprocessing(mean, std);
  }
}
