package dev.vittf.cli;

import dev.vittf.arch.vit.ViTConfig;
import dev.vittf.core.HostTensor;
import dev.vittf.models.VitModel;
import dev.vittf.cli.support.PathCheck;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Builds the seed ViT, runs one image through it, then runs the fixture parity check. */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Build the seed ViT (256x256, patch 32, dim 1024, depth 6, 16 heads), run a [1,256,256,3] input, "
        + "print the output shape and parameter count, then check parity with the reference fixtures.")
final class DemoCommand implements Callable<Integer> {
  @Option(names = "--fixtures", converter = PathCheck.InputDir.class, description = "fixture directory (default: the project's vit-tf/fixtures, found from "
      + "the working directory or the jar's location)")
  Path fixtures;

  @Override
  public Integer call() throws Exception {
    // Before the 10 s build, so a missing directory fails at once (a usage error, exit 2).
    Path dir = FixtureLocator.locate(fixtures);
    ViTConfig config = ViTConfig.seed();
    long t0 = System.nanoTime();
    try (VitModel model = VitModel.create(config, 1L)) {
      long t1 = System.nanoTime();
      float[] pixels = new float[256 * 256 * 3];
      Random r = new Random(0);
      for (int i = 0; i < pixels.length; i++) {
        pixels[i] = (float) r.nextGaussian();
      }
      HostTensor logits = model.predict(new HostTensor(new long[] {1, 256, 256, 3}, pixels));
      long t2 = System.nanoTime();
      System.out.printf("ViT seed config: %s%n", config);
      System.out.printf("output shape %s, parameters %,d, build %.0f ms, first run %.0f ms%n",
          Arrays.toString(logits.shape()), model.parameterCount(), (t1 - t0) / 1e6, (t2 - t1) / 1e6);
      System.out.printf("first logits: %s%n", Arrays.toString(Arrays.copyOf(logits.data(), 5)));
    }
    System.out.println();
    return new ParityCommand().withDir(dir).call();
  }
}
