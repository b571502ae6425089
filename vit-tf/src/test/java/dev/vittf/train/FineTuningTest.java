package dev.vittf.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vittf.Fixtures;
import dev.vittf.core.HostTensor;
import dev.vittf.data.DataException;
import dev.vittf.data.FolderAugmentation;
import dev.vittf.data.GeneratedImageFolder;
import dev.vittf.io.Checkpoints;
import dev.vittf.io.Pretrained;
import dev.vittf.io.SafeTensors;
import dev.vittf.models.ConfigJson;
import dev.vittf.models.ModelConfig;
import dev.vittf.preprocess.ImageDecoder;
import dev.vittf.preprocess.ImagePipeline;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fine-tuning a tiny hub checkpoint on a generated image folder of 3 classes, through {@link FineTuning} and
 * {@link Fit}: what the output folder holds, and that an interrupted run resumes to exactly the same weights.
 */
class FineTuningTest {
  @TempDir static Path dir;
  private static final Path HUB = Fixtures.dir().resolve("hub/hf_vit");
  private static ImageDecoder decoder;
  private static Path data;

  @BeforeAll
  static void setUp() throws IOException {
    decoder = new ImageDecoder();
    data = GeneratedImageFolder.write(dir.resolve("photos"), 8, 2);
  }

  @AfterAll
  static void tearDown() {
    decoder.close();
  }

  static TrainConfig train(int epochs) {
    return TrainConfig.builder().epochs(epochs).batchSize(6).learningRate(2e-3).warmupSteps(2).seed(1).build();
  }

  static FineTuning.Plan plan(TrainConfig t, Path init) throws IOException {
    return FineTuning.imageFolder(new FineTuning.Options(data, null, 0.25, false, null, init, 0, false,
        FolderAugmentation.cropAndFlip(0.3), 0, 0), t, decoder);
  }

  @Test
  void outputFolderHoldsWhatTheClassifierAndExporterNeed() throws IOException {
    Path out = dir.resolve("out");
    FineTuning.Plan plan = plan(train(2), HUB);
    assertEquals(List.of("cat", "dog", "fish"), plan.job().labels());
    Fit.Result r = Fit.run(plan.job(), out, false, new Fit.Listener() {});
    assertEquals(2, r.history().size());
    Path model = out.resolve(Fit.WEIGHTS);
    assertEquals(List.of("cat", "dog", "fish"), Checkpoints.labels(model));
    ModelConfig config = ConfigJson.fromJson(SafeTensors.read(model).metadata().get("config"));
    assertEquals(3, config.numClasses());
    assertEquals(ImagePipeline.forModel(HUB), ImagePipeline.forModel(model), "the checkpoint's eval pipeline travels with it");
    assertEquals(3, Files.readAllLines(out.resolve(Fit.METRICS)).size());
    // full fine-tuning moved the pretrained body; the head has the data's 3 classes
    Map<String, HostTensor> trained = SafeTensors.read(model).tensors();
    Pretrained p = Pretrained.load(HUB);
    assertTrue(trained.get("blocks/0/attn/qkv/kernel").maxAbsDiff(p.weights().get("blocks/0/attn/qkv/kernel")) > 0);
    assertArrayEquals(new long[] {48, 3}, trained.get("head/kernel").shape());
  }

  @Test
  void anInterruptedRunResumesToTheSameWeights() throws IOException {
    Path straight = dir.resolve("straight");
    Fit.run(plan(train(3), HUB).job(), straight, false, new Fit.Listener() {});
    Path resumed = dir.resolve("resumed");
    Fit.run(plan(train(1), HUB).job(), resumed, false, new Fit.Listener() {});
    // the second process is started with another (wrong) checkpoint: a resume never loads it
    Fit.Result r = Fit.run(plan(train(3), Fixtures.dir().resolve("hub/hf_vit_bin")).job(), resumed, true, new Fit.Listener() {});
    assertEquals(3, r.history().size());
    Map<String, HostTensor> a = SafeTensors.read(straight.resolve(Fit.WEIGHTS)).tensors();
    Map<String, HostTensor> b = SafeTensors.read(resumed.resolve(Fit.WEIGHTS)).tensors();
    for (String n : a.keySet()) {
      assertEquals(0, a.get(n).maxAbsDiff(b.get(n)), n);
    }
    assertEquals(Files.readString(straight.resolve(Fit.METRICS)).lines().map(l -> l.split(",")[2]).toList(),
        Files.readString(resumed.resolve(Fit.METRICS)).lines().map(l -> l.split(",")[2]).toList(), "same loss curve");
    assertTrue(Files.list(resumed).noneMatch(f -> f.getFileName().toString().contains(".vittf-tmp-")), "no half-written file");
  }

  @Test
  void resumingOnOtherClassesIsRefused() throws IOException {
    Path out = dir.resolve("other");
    Fit.run(plan(train(1), HUB).job(), out, false, new Fit.Listener() {});
    Path moreClasses = GeneratedImageFolder.write(dir.resolve("more"), 4, 3);
    GeneratedImageFolder.grey(moreClasses.resolve("zebra/a.png"), 20, 1);
    GeneratedImageFolder.grey(moreClasses.resolve("zebra/b.png"), 20, 2);
    FineTuning.Plan p = FineTuning.imageFolder(new FineTuning.Options(moreClasses, null, 0.25, false, null, HUB, 0, false,
        FolderAugmentation.NONE, 0, 0), TrainConfig.builder().epochs(2).batchSize(4).seed(1).build(), decoder);
    String m = assertThrows(DataException.class, () -> Fit.run(p.job(), out, true, new Fit.Listener() {})).getMessage();
    assertTrue(m.contains("was trained on the classes [\"cat\",\"dog\",\"fish\"], the data has [\"cat\",\"dog\",\"fish\",\"zebra\"]"), m);
  }
}
