package dev.vittf.export;

import dev.vittf.core.HostTensor;
import dev.vittf.io.SafeTensors;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * Runs in a fresh JVM for {@link XlaJitTest}: loads a SavedModel with XLA JIT on or off, prints the
 * executed kernels ({@code kernels <mode> [..]}) and writes the logits.
 */
public final class XlaJitChild {
  private XlaJitChild() {}

  /** Entry point: {@code dir input output-prefix mode...} with modes {@code jit} / {@code plain}. */
  public static void main(String[] args) throws Exception {
    HostTensor images = SafeTensors.read(Path.of(args[1])).tensors().get("images");
    for (int i = 3; i < args.length; i++) {
      boolean jit = args[i].equals("jit");
      try (ServingModel m = ServingModel.load(Path.of(args[0]), new ServingModel.Options(jit, 0, 0))) {
        HostTensor logits = m.predict(images).get("logits");
        Set<String> kernels = m.executedKernels(images);
        System.out.println("kernels " + args[i] + " " + kernels);
        System.out.println("flag " + ServingModel.cpuJitFlagSet());
        SafeTensors.write(Path.of(args[2] + "-" + args[i] + ".safetensors"), Map.of("logits", logits), Map.of());
      }
    }
  }
}
