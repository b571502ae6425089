package dev.vittf.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vittf.Fixtures;
import dev.vittf.core.HostTensor;
import dev.vittf.data.FolderAugmentation;
import dev.vittf.data.GeneratedImageFolder;
import dev.vittf.data.ImageFiles;
import dev.vittf.export.cli.VitTfExport;
import dev.vittf.io.CheckpointSource;
import dev.vittf.io.Checkpoints;
import dev.vittf.io.SafeTensors;
import dev.vittf.models.ConfigJson;
import dev.vittf.models.ModelConfig;
import dev.vittf.models.VitModel;
import dev.vittf.preprocess.ImageDecoder;
import dev.vittf.preprocess.ImagePipeline;
import dev.vittf.train.FineTuning;
import dev.vittf.train.Fit;
import dev.vittf.train.TrainConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The end-to-end case: fine-tune the tiny hub ViT (vit-tf/fixtures/hub/hf_vit, 5 ImageNet-style labels) on a
 * generated image folder of 3 classes, export the output's model.safetensors as a SavedModel, and get those 3 labels
 * back from the served model (classes output and assets/labels.txt), with the fine-tuned model's logits.
 */
class FineTunedExportTest {
  @TempDir Path dir;

  @Test
  void theServedModelReturnsTheFoldersLabels() throws Exception {
    Path photos = GeneratedImageFolder.write(dir.resolve("photos"), 8, 5);
    Path out = dir.resolve("run");
    Path model;
    List<ImageFiles.Sample> validation;
    try (ImageDecoder decoder = new ImageDecoder()) {
      FineTuning.Plan plan = FineTuning.imageFolder(new FineTuning.Options(photos, null, 0.25, false, null,
          Fixtures.dir().resolve("hub/hf_vit"), 0, false, FolderAugmentation.cropAndFlip(0.3), 0, 0),
          TrainConfig.builder().epochs(2).batchSize(6).learningRate(2e-3).warmupSteps(2).seed(1).build(), decoder);
      Fit.run(plan.job(), out, false, new Fit.Listener() {});
      model = out.resolve(Fit.WEIGHTS);
      validation = plan.validation();
    }
    ModelConfig config = ConfigJson.fromJson(SafeTensors.read(model).metadata().get("config"));
    SavedModelExporter.Result r = SavedModelExporter.export(config, Weights.checkpoint(model, CheckpointSource.NATIVE),
        dir.resolve("serving"), ExportOptions.defaults());
    assertEquals(List.of("cat", "dog", "fish"), Files.readAllLines(r.directory().resolve("assets/labels.txt")));

    ImagePipeline pipeline = ImagePipeline.forModel(model);
    HostTensor pixels;
    try (ImageDecoder decoder = new ImageDecoder()) {
      pixels = pipeline.tensor(decoder.decode(validation.get(0).file()));
    }
    HostTensor expected;
    try (VitModel m = Checkpoints.model(model, config, CheckpointSource.NATIVE)) {
      expected = m.predict(pixels);
    }
    try (ServingModel served = ServingModel.load(r.directory())) {
      ServingModel.Outputs o = served.outputs(pixels);
      assertTrue(o.tensors().get("logits").maxAbsDiff(expected) <= 1e-4, "served vs fine-tuned logits");
      List<String> top = o.classes().get(0);
      assertEquals(Set.of("cat", "dog", "fish"), Set.copyOf(top), "top-k of a 3-class model: its 3 labels");
      float[] z = expected.data();
      int best = z[0] >= z[1] && z[0] >= z[2] ? 0 : z[1] >= z[2] ? 1 : 2;
      assertEquals(List.of("cat", "dog", "fish").get(best), top.get(0));
    }

    // the command line needs nothing but the checkpoint: config and labels come from its metadata
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    int code = VitTfExport.run(new String[] {"export", "--model", model.toString(), "-o", dir.resolve("cli").toString(), "-q"},
        new PrintStream(o, true, StandardCharsets.UTF_8), new PrintStream(e, true, StandardCharsets.UTF_8));
    assertEquals(0, code, e.toString(StandardCharsets.UTF_8));
    try (var versions = Files.list(dir.resolve("cli"))) {
      Path v = versions.findFirst().orElseThrow();
      assertEquals(List.of("cat", "dog", "fish"), Files.readAllLines(v.resolve("assets/labels.txt")));
    }
  }
}
