package dev.vittf.export;

import dev.vittf.core.HostTensor;
import dev.vittf.io.SafeTensors;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.types.TFloat32;

/**
 * Runs in a fresh JVM for {@link RoundTripTest}: for each (SavedModel dir, input file, output file)
 * triple, loads the model with {@link SavedModelBundle#load}, calls {@code serving_default} by name on
 * the {@code images} tensor of the input file and writes {@code logits} and {@code probabilities}.
 * Uses only TensorFlow Java and the safetensors codec, none of the export code.
 */
public final class RoundTripChild {
  private RoundTripChild() {}

  /** Entry point: {@code dir1 in1 out1 [dir2 in2 out2 ...]}. */
  public static void main(String[] args) throws Exception {
    for (int i = 0; i + 2 < args.length; i += 3) {
      HostTensor images = SafeTensors.read(Path.of(args[i + 1])).tensors().get("images");
      Map<String, HostTensor> out = new LinkedHashMap<>();
      try (SavedModelBundle bundle = SavedModelBundle.load(args[i], "serve");
          TFloat32 in = images.toTensor();
          Result r = bundle.function("serving_default").call(Map.of("images", in))) {
        out.put("logits", HostTensor.of((TFloat32) r.get("logits").orElseThrow()));
        out.put("probabilities", HostTensor.of((TFloat32) r.get("probabilities").orElseThrow()));
      }
      SafeTensors.write(Path.of(args[i + 2]), out, Map.of());
      System.out.println("ok " + args[i]);
    }
  }
}
