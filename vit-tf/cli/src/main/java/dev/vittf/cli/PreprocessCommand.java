package dev.vittf.cli;

import dev.vittf.cli.support.PathCheck;

import dev.vittf.core.HostTensor;
import dev.vittf.io.SafeTensors;
import dev.vittf.preprocess.ImageDecoder;
import dev.vittf.preprocess.ImagePipeline;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Writes the model-ready tensor of one photo, to compare with Python. */
@Command(name = "preprocess", mixinStandardHelpOptions = true,
    description = "Run a model's preprocessing on one photo and write 'pixels' [1, H, W, 3] float32 NHWC to a safetensors file.")
final class PreprocessCommand implements Callable<Integer> {
  /** Exactly one of --model / --pipeline. */
  static final class Source {
    @Option(names = "--model", required = true, paramLabel = "PATH", converter = PathCheck.InputPath.class,
        description = "a hub folder, its preprocessor_config.json, or a timm config.json")
    Path model;

    @Option(names = "--pipeline", required = true, paramLabel = "NAME|FILE",
        description = "torchvision_vit_b_16, or a preprocessor_config.json / timm config.json")
    String pipeline;
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  Source source;

  @Option(names = "--image", required = true, paramLabel = "FILE", converter = PathCheck.InputFile.class, description = "the photo")
  Path image;

  @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT.safetensors", converter = PathCheck.OutputFile.class, description = "output file (written atomically)")
  Path output;

  @Mixin ImageInputOptions input;


  @Override
  public Integer call() throws Exception {
    ModelFiles.checkWritable(output, input.overwrite);
    ImagePipeline p = source.model != null ? ImagePipeline.forModel(source.model) : ImagePipeline.named(source.pipeline);
    HostTensor pixels;
    try (ImageDecoder decoder = new ImageDecoder(input.maxPixels())) {
      pixels = p.tensor(decoder.decode(image));
    }
    SafeTensors.write(output, Map.of("pixels", pixels),
        Map.of("image", image.getFileName().toString(), "pipeline", p.name(), "layout", "NHWC"));
    input.out().println(output + ": pixels " + Arrays.toString(pixels.shape()) + " (" + p.name() + ")");
    return 0;
  }
}
