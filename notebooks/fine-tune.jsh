// Fine-tuning a pretrained checkpoint on your own images: a folder of photos (one sub-folder per class) trains
// the tiny hub ViT of the fixtures (vit-tf/fixtures/hub/hf_vit, 5 ImageNet-style labels) into a classifier of
// 3 new classes; the output model.safetensors carries config, labels and eval pipeline, and classifies a photo.
//   jshell --class-path "$(notebooks/run --classpath)" notebooks/fine-tune.jsh
/open notebooks/lib/common.jsh
import dev.vittf.classify.*;
import dev.vittf.data.*;
import dev.vittf.preprocess.*;
import dev.vittf.train.*;
import java.awt.image.BufferedImage;
import javax.imageio.ImageIO;

// 1. A folder of photos: 3 classes, 8 photos each, of different sizes, PNG and JPEG. Each class has its own
//    dominant colour and stripe direction, so a few steps can learn it.
Path work = Files.createTempDirectory("vittf-notebook-finetune");
Path photos = work.resolve("photos");
List<String> classes = List.of("cat", "dog", "fish");
Random rnd = new Random(1);
for (int k = 0; k < 3; k++) {
  Path d = Files.createDirectories(photos.resolve(classes.get(k)));
  for (int i = 0; i < 8; i++) {
    int h = 20 + rnd.nextInt(29), w = 20 + rnd.nextInt(29);
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
    for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) {
      int stripe = ((k == 0 ? x : k == 1 ? y : x + y) / 4) % 2 == 0 ? 60 : 0;
      int[] c = new int[3];
      for (int ch = 0; ch < 3; ch++) c[ch] = Math.min(255, (ch == k ? 170 : 40) + stripe + rnd.nextInt(25));
      img.setRGB(x, y, (c[0] << 16) | (c[1] << 8) | c[2]);
    }
    String fmt = i % 3 == 2 ? "jpg" : "png";
    ImageIO.write(img, fmt, d.resolve(classes.get(k) + "_" + i + "." + fmt).toFile());
  }
}

// 2. The run, checked before any step: files decoded once (bad ones would be listed), 25% of each class held out,
//    the checkpoint fitted to 3 classes (everything but the head loads), its own eval pipeline, random resized
//    crops and flips for training, batches decoded from disk as needed.
Path hub = fixtures().resolve("hub/hf_vit");
TrainConfig train = TrainConfig.builder().epochs(4).batchSize(6).learningRate(2e-3).warmupSteps(2).seed(1).build();
Path out = work.resolve("out");
Fit.Result result;
try (ImageDecoder decoder = new ImageDecoder()) {
  FineTuning.Plan plan = FineTuning.imageFolder(new FineTuning.Options(photos, null, 0.25, false, null, hub, 0, false,
      FolderAugmentation.cropAndFlip(0.3), 0, 0), train, decoder);
  WarmStart w = plan.warmStart();
  System.out.printf("init from %s: %s, loaded %d tensors; not loaded: %s%n", hub.getFileName(), w.description(),
      w.weights().size(), w.notLoaded());
  System.out.printf("train %d photos, validation %d, eval pipeline %s%n", plan.train().size(), plan.validation().size(),
      plan.transforms().eval().name());
  check(w.notLoaded().size() == 2 && w.notLoaded().get(0).startsWith("head/kernel re-initialised"), "only the head is new");
  long t0 = System.nanoTime();
  result = Fit.run(plan.job(), out, false, new Fit.Listener() {
    @Override
    public void epochEnded(EpochRecord e, List<EpochRecord> history, Path dir) {
      System.out.printf("  epoch %d: train loss %.4f, validation accuracy %.1f%%%n", e.epoch(), e.trainLoss(), 100 * e.testAccuracy());
    }
  });
  System.out.printf("fine-tuned in %.1f s%n", ms(t0) / 1000);
}
check(result.history().size() == 4, "4 epochs");
check(result.last().trainLoss() < result.history().get(0).trainLoss(), "the training loss went down");

// 3. The output folder holds what a classifier (and the SavedModel exporter) needs.
Path model = out.resolve("model.safetensors");
try (var files = Files.list(out)) {
  files.sorted().forEach(f -> System.out.printf("  %-28s %,10d bytes%n", f.getFileName(), f.toFile().length()));
}
ModelConfig config = ConfigJson.fromJson(SafeTensors.read(model).metadata().get("config"));
List<String> labels = Checkpoints.labels(model);
System.out.println("labels " + labels + ", config " + config.numClasses() + " classes, pipeline " + ImagePipeline.forModel(model).name());
check(labels.equals(classes), "the labels are the class folder names");

// 4. Classify one of the photos with the fine-tuned model.
Path photo = photos.resolve("fish/fish_0.png");
try (VitModel m = Checkpoints.model(model, config, CheckpointSource.NATIVE);
    ImageClassifier classifier = ImageClassifier.of(m, ImagePipeline.forModel(model), labels, 3)) {
  var top = classifier.classify(photo);
  top.forEach(p -> System.out.printf("  %-5s %.3f%n", p.label(), p.score()));
  check(top.size() == 3 && top.get(0).label().equals("fish"), "top-3 over the 3 new classes, a fish first");
}

try (var files = Files.walk(work)) {
  files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
}
System.out.println(failures == 0 ? "PASS fine-tune" : "FAIL fine-tune: " + failures + " check(s) failed");
