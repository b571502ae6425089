package dev.vittf.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vittf.Fixtures;
import dev.vittf.classify.Classification;
import dev.vittf.classify.EncodedImage;
import dev.vittf.classify.ImageClassifier;
import dev.vittf.classify.Prediction;
import dev.vittf.io.Pretrained;
import dev.vittf.preprocess.ImagePipeline;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.SparkException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link VitSpark#classify} on a {@code local[2]} Spark with the {@code hub/hf_vit} fixture (a transformers ViT
 * folder with its preprocessor config and labels): 210 generated photos and 3 corrupt files. Each row must get
 * exactly what the single-JVM {@link ImageClassifier} gives for the same bytes, every file must come back exactly
 * once, the corrupt ones with an error naming them; and the driver-side checks must fail before any task runs.
 */
class VitSparkTest {
  static final int IMAGES = 210;
  @TempDir static Path scratch;
  static SparkSession spark;
  static Path model;
  static Path photos;
  static List<Path> good;
  static List<Path> corrupt;

  @BeforeAll
  static void start() throws IOException {
    model = Fixtures.dir().resolve("hub/hf_vit");
    photos = scratch.resolve("photos");
    good = SparkTestImages.write(photos, IMAGES, 17);
    corrupt = SparkTestImages.writeCorrupt(photos, good.get(1));
    spark = SparkSession.builder()
        .master("local[2]")
        .appName("VitSparkTest")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", "2")
        // Small splits, so that the 213 files make several partitions and both task slots work.
        .config("spark.sql.files.maxPartitionBytes", "65536")
        .config("spark.sql.files.openCostInBytes", "1024")
        // A "remote" file system (the local disk under another scheme), shipped to the tasks with the job.
        .config("spark.hadoop.fs." + RemoteLikeFileSystem.SCHEME + ".impl", RemoteLikeFileSystem.class.getName())
        .getOrCreate();
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
  }

  static Dataset<Row> binaryFiles() {
    return spark.read().format("binaryFile").load(photos.toString());
  }

  static ImageClassifier singleJvm(int topK, int batch) throws IOException {
    Pretrained hub = Pretrained.load(model);
    return ImageClassifier.of(hub.model(), ImagePipeline.forModel(model), hub.labels(), topK, batch,
        dev.vittf.preprocess.ImageDecoder.DEFAULT_MAX_PIXELS);
  }

  static String localPath(Row row) {
    return Path.of(java.net.URI.create(row.getAs("path"))).toString();
  }

  @Test
  void everyRowOnceWithTheSingleJvmAnswerAndCorruptRowsCarryErrors() throws IOException {
    Dataset<Row> images = binaryFiles();
    assertTrue(images.rdd().getNumPartitions() >= 2, "the input should span several partitions");
    ClassifyOptions options = ClassifyOptions.defaults().withBatchSize(8).withTopK(3).withLogits(true);
    List<Row> rows = VitSpark.classify(images, model.toString(), options).collectAsList();

    assertEquals(IMAGES + corrupt.size(), rows.size());
    Map<String, Row> byPath = new HashMap<>();
    for (Row r : rows) {
      assertNull(byPath.put(localPath(r), r), "row twice: " + localPath(r));
    }
    Set<String> expected = new HashSet<>();
    good.forEach(p -> expected.add(p.toString()));
    corrupt.forEach(p -> expected.add(p.toString()));
    assertEquals(expected, byPath.keySet());

    try (ImageClassifier reference = singleJvm(3, 8)) {
      List<EncodedImage> encoded = new ArrayList<>();
      for (Path p : good) {
        encoded.add(new EncodedImage(p.toString(), Files.readAllBytes(p)));
      }
      List<Classification> want = reference.classify(encoded);
      for (int i = 0; i < good.size(); i++) {
        Row r = byPath.get(good.get(i).toString());
        Classification c = want.get(i);
        assertNull(r.getAs("error"), () -> "unexpected error: " + r.getAs("error"));
        assertEquals(c.topK().get(0).label(), r.getAs("label"));
        assertEquals(c.topK().get(0).score(), (double) r.getAs("score"), 1e-6);
        List<Row> top = r.getList(r.fieldIndex("top_k"));
        assertEquals(3, top.size());
        for (int k = 0; k < 3; k++) {
          Prediction p = c.topK().get(k);
          assertEquals(p.label(), top.get(k).getString(0));
          assertEquals(p.score(), top.get(k).getDouble(1), 1e-6);
        }
        List<Float> logits = r.getList(r.fieldIndex("logits"));
        float[] got = new float[logits.size()];
        for (int k = 0; k < got.length; k++) {
          got[k] = logits.get(k);
        }
        assertArrayEquals(c.logits(), got, 1e-4f);
      }
    }
    Set<String> labels = new HashSet<>();
    rows.forEach(r -> labels.add(r.getAs("label")));
    assertTrue(labels.size() >= 2, "the generated photos should not all get one label: " + labels);

    for (Path p : corrupt) {
      Row r = byPath.get(p.toString());
      String error = r.getAs("error");
      assertNotNull(error, p + " should carry an error");
      assertTrue(error.contains(p.getFileName().toString()), error);
      assertNull(r.getAs("label"));
      assertTrue(r.isNullAt(r.fieldIndex("top_k")));
    }
    // local[2]: one JVM, so one model shared by both task slots (and by the driver's check).
    assertEquals(1, ExecutorModels.loadedCount(model.toString()));
  }

  @Test
  void modelPathsAsUsersWriteThem() throws IOException {
    Path spaced = Files.createDirectories(scratch.resolve("models with spaces"));
    Path copy = Files.createDirectories(spaced.resolve("hf_vit"));
    try (var files = Files.list(model)) {
      for (Path f : files.toList()) {
        Files.copy(f, copy.resolve(f.getFileName()));
      }
    }
    // Hadoop paths are written unescaped: "file:/a b", as Spark's own readers take them.
    for (String path : List.of(copy.toString(), "file:" + copy)) {
      List<Row> rows = VitSpark.classify(binaryFiles().limit(5), path, ClassifyOptions.defaults()).collectAsList();
      assertEquals(5, rows.size());
      assertTrue(rows.stream().allMatch(r -> r.getAs("label") != null || r.getAs("error") != null));
      assertTrue(ModelFolder.isLocal(path));
      assertEquals(copy, ModelFolder.local(path, new org.apache.hadoop.conf.Configuration(false), scratch));
    }
    assertTrue(!ModelFolder.isLocal("hdfs://namenode:8020/models/vit") && !ModelFolder.isLocal("s3a://bucket/m"));
  }

  @Test
  void remoteModelFolderIsCopiedOnceAndGivesTheSameAnswers() throws IOException {
    String remote = RemoteLikeFileSystem.SCHEME + "://" + model;
    assertTrue(!ModelFolder.isLocal(remote));
    Dataset<Row> images = binaryFiles().filter("path like '%img-000%'");
    List<Row> fromRemote = VitSpark.classify(images, remote, ClassifyOptions.defaults()).collectAsList();
    List<Row> fromLocal = VitSpark.classify(images, model.toString(), ClassifyOptions.defaults()).collectAsList();
    assertEquals(10, fromRemote.size());
    Map<String, String> local = new HashMap<>();
    fromLocal.forEach(r -> local.put(r.getAs("path"), r.getAs("label") + " " + r.getAs("score")));
    for (Row r : fromRemote) {
      assertEquals(local.get(r.<String>getAs("path")), r.getAs("label") + " " + r.getAs("score"));
    }
    assertEquals(1, ExecutorModels.loadedCount(remote));

    // The copy: a fresh local folder with every file of the model, not the model folder itself.
    Path copy = ModelFolder.local(remote, spark.sparkContext().hadoopConfiguration(), scratch);
    try (var files = Files.list(model)) {
      for (Path f : files.toList()) {
        assertArrayEquals(Files.readAllBytes(f), Files.readAllBytes(copy.resolve(f.getFileName())), f.toString());
      }
    }
    assertTrue(copy.startsWith(scratch) && !copy.equals(model));

    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
        () -> VitSpark.classify(images, remote + "-missing", ClassifyOptions.defaults()));
    assertEquals("model " + remote + "-missing: no such file or folder", missing.getMessage());
  }

  @Test
  void ourCheckpointFileGivesTheFolderAnswersLocallyAndRemotely() throws IOException {
    // The hub model saved as one of our checkpoints, as train/convert write it: config, labels, eval pipeline.
    Pretrained hub = Pretrained.load(model);
    Path checkpoint = scratch.resolve("checkpoints/hf_vit.safetensors");
    Files.createDirectories(checkpoint.getParent());
    dev.vittf.io.Checkpoints.save(hub.weights(), hub.config(), hub.labels(),
        Map.of(dev.vittf.io.Checkpoints.PREPROCESSING, ImagePipeline.forModel(model).toJson()), checkpoint);
    Dataset<Row> images = binaryFiles().filter("path like '%img-001%'");
    Map<String, String> fromFolder = new HashMap<>();
    VitSpark.classify(images, model.toString(), ClassifyOptions.defaults()).collectAsList()
        .forEach(r -> fromFolder.put(r.getAs("path"), r.getAs("label") + " " + r.getAs("score")));
    assertEquals(10, fromFolder.size());
    for (String path : List.of(checkpoint.toString(), RemoteLikeFileSystem.SCHEME + "://" + checkpoint)) {
      List<Row> rows = VitSpark.classify(images, path, ClassifyOptions.defaults()).collectAsList();
      assertEquals(10, rows.size(), path);
      for (Row r : rows) {
        assertNull(r.getAs("error"), path);
        assertEquals(fromFolder.get(r.<String>getAs("path")), r.getAs("label") + " " + r.getAs("score"), path);
      }
    }
    Path copy = ModelFolder.local(RemoteLikeFileSystem.SCHEME + "://" + checkpoint, spark.sparkContext().hadoopConfiguration(),
        scratch);
    assertArrayEquals(Files.readAllBytes(checkpoint), Files.readAllBytes(copy));

    // A safetensors file without our metadata loads nowhere, and says why; any other file is refused by name.
    Path foreign = scratch.resolve("checkpoints/state_dict.safetensors");
    dev.vittf.io.SafeTensors.write(foreign, hub.weights(), Map.of());
    IllegalArgumentException noConfig = assertThrows(IllegalArgumentException.class,
        () -> VitSpark.classify(images, foreign.toString(), ClassifyOptions.defaults()));
    assertTrue(noConfig.getMessage().startsWith("model " + foreign + " does not load: "), noConfig.getMessage());
    assertTrue(noConfig.getMessage().contains("metadata"), noConfig.getMessage());
    Path text = Files.writeString(scratch.resolve("checkpoints/model.txt"), "not a model");
    IllegalArgumentException notModel = assertThrows(IllegalArgumentException.class,
        () -> VitSpark.classify(images, text.toString(), ClassifyOptions.defaults()));
    assertTrue(notModel.getMessage().startsWith("model " + text + ": is a file but not a .safetensors checkpoint"),
        notModel.getMessage());
  }

  @Test
  void savedModelExportGivesTheFolderAnswersLocallyAndRemotely() throws IOException {
    // Version 1 names the classes backwards, version 2 as the folder does: a base folder means its highest version.
    Pretrained hub = Pretrained.load(model);
    Path exports = scratch.resolve("exports/hf_vit");
    List<String> reversed = new ArrayList<>(hub.labels());
    java.util.Collections.reverse(reversed);
    dev.vittf.export.SavedModelExporter.export(hub, exports,
        dev.vittf.export.ExportOptions.defaults().withVersion(1).withLabels(reversed), dev.vittf.export.ExportProgress.NONE);
    dev.vittf.export.SavedModelExporter.export(hub, exports, dev.vittf.export.ExportOptions.defaults().withVersion(2),
        dev.vittf.export.ExportProgress.NONE);
    Dataset<Row> images = binaryFiles().filter("path like '%img-002%'");
    Map<String, Row> fromFolder = new HashMap<>();
    VitSpark.classify(images, model.toString(), ClassifyOptions.defaults()).collectAsList()
        .forEach(r -> fromFolder.put(r.getAs("path"), r));
    assertEquals(10, fromFolder.size());
    for (String path : List.of(exports.toString(), exports.resolve("2").toString(), RemoteLikeFileSystem.SCHEME + "://" + exports)) {
      List<Row> rows = VitSpark.classify(images, path, ClassifyOptions.defaults()).collectAsList();
      assertEquals(10, rows.size(), path);
      for (Row r : rows) {
        Row want = fromFolder.get(r.<String>getAs("path"));
        assertNull(r.getAs("error"), path);
        assertEquals(want.<String>getAs("label"), r.getAs("label"), path);
        assertEquals(want.<Double>getAs("score"), r.<Double>getAs("score"), 1e-4, path);
      }
    }
    List<Row> v1 = VitSpark.classify(images, exports.resolve("1").toString(), ClassifyOptions.defaults()).collectAsList();
    for (Row r : v1) {
      String want = fromFolder.get(r.<String>getAs("path")).getAs("label");
      assertEquals(reversed.get(hub.labels().indexOf(want)), r.getAs("label"));
    }
    // A remote base folder: only the version read is copied.
    Path copy = ModelFolder.local(RemoteLikeFileSystem.SCHEME + "://" + exports, spark.sparkContext().hadoopConfiguration(), scratch);
    assertTrue(Files.isRegularFile(copy.resolve("saved_model.pb")) && Files.isDirectory(copy.resolve("variables")), copy.toString());
    assertEquals(hub.labels(), Files.readAllLines(copy.resolve("assets/labels.txt")));
  }

  @Test
  void failOnErrorFailsTheJobNamingTheImage() {
    Dataset<Row> labelled = VitSpark.classify(binaryFiles(), model.toString(),
        ClassifyOptions.defaults().withFailOnError(true));
    SparkException e = assertThrows(SparkException.class, labelled::collectAsList);
    assertTrue(e.getMessage().contains("failOnError is set"), e.getMessage());
    assertTrue(e.getMessage().contains("corrupt-"), e.getMessage());
  }

  @Test
  void anyBinaryColumnWithItsOwnNames() throws IOException {
    StructType schema = new StructType().add("id", DataTypes.StringType).add("img", DataTypes.BinaryType);
    List<Row> in = new ArrayList<>();
    List<EncodedImage> encoded = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      byte[] png = SparkTestImages.png(30 + i, 40, 0x102030 * (i + 1));
      in.add(RowFactory.create("item-" + i, png));
      encoded.add(new EncodedImage("item-" + i, png));
    }
    in.add(RowFactory.create("item-null", null));
    in.add(RowFactory.create("item-bad", new byte[] {1, 2, 3}));
    Dataset<Row> df = spark.createDataFrame(in, schema).repartition(3);
    List<Row> out = VitSpark.classify(df, model.toString(), ClassifyOptions.defaults().withColumns("img", "id"))
        .collectAsList();
    assertEquals(22, out.size());
    Map<String, Row> byId = new HashMap<>();
    out.forEach(r -> byId.put(r.getAs("id"), r));
    try (ImageClassifier reference = singleJvm(5, 16)) {
      List<Classification> want = reference.classify(encoded);
      for (int i = 0; i < 20; i++) {
        Row r = byId.get("item-" + i);
        assertEquals(want.get(i).topK().get(0).label(), r.getAs("label"));
        assertEquals(want.get(i).topK().get(0).score(), (double) r.getAs("score"), 1e-6);
      }
    }
    assertEquals("item-null: column 'img' is null", byId.get("item-null").getAs("error"));
    String bad = byId.get("item-bad").getAs("error");
    assertTrue(bad.startsWith("item-bad: "), bad);
  }

  @Test
  void driverSideErrorsBeforeAnyTask() throws IOException {
    Dataset<Row> images = binaryFiles();
    long jobsBefore = spark.sparkContext().statusTracker().getJobIdsForGroup(null).length;

    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
        () -> VitSpark.classify(images, scratch.resolve("no-such-model").toString(), ClassifyOptions.defaults()));
    assertEquals("model " + scratch.resolve("no-such-model") + ": no such file or folder", missing.getMessage());

    Path noConfig = Files.createDirectories(scratch.resolve("empty-model"));
    IllegalArgumentException notHub = assertThrows(IllegalArgumentException.class,
        () -> VitSpark.classify(images, noConfig.toString(), ClassifyOptions.defaults()));
    assertTrue(notHub.getMessage().contains("has no config.json and no saved_model.pb"), notHub.getMessage());

    Path broken = Files.createDirectories(scratch.resolve("broken-model"));
    Files.copy(model.resolve("config.json"), broken.resolve("config.json"));
    Files.write(broken.resolve("model.safetensors"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9});
    IllegalArgumentException noLoad = assertThrows(IllegalArgumentException.class,
        () -> VitSpark.classify(images, broken.toString(), ClassifyOptions.defaults()));
    assertTrue(noLoad.getMessage().startsWith("model " + broken + " does not load: "), noLoad.getMessage());

    Dataset<Row> strings = images.selectExpr("path", "cast(length as string) as content");
    IllegalArgumentException type = assertThrows(IllegalArgumentException.class,
        () -> VitSpark.classify(strings, model.toString(), ClassifyOptions.defaults()));
    assertEquals("input column 'content' is string; it must be binary (the encoded image file); the input has no "
        + "binary column (read images with spark.read().format(\"binaryFile\"))", type.getMessage());

    IllegalArgumentException taken = assertThrows(IllegalArgumentException.class,
        () -> VitSpark.classify(images.withColumn("label", images.col("path")), model.toString(), ClassifyOptions.defaults()));
    assertTrue(taken.getMessage().contains("[label]"), taken.getMessage());

    assertEquals(jobsBefore, spark.sparkContext().statusTracker().getJobIdsForGroup(null).length,
        "no Spark job may run for these checks");

    Dataset<Row> none = spark.read().format("binaryFile").option("pathGlobFilter", "*.webp").load(photos.toString());
    IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
        () -> VitSpark.classify(none, model.toString(), ClassifyOptions.defaults()));
    assertTrue(empty.getMessage().startsWith("the input has no rows"), empty.getMessage());

    IllegalArgumentException options = assertThrows(IllegalArgumentException.class,
        () -> ClassifyOptions.defaults().withBatchSize(0).withTopK(0));
    assertEquals("invalid ClassifyOptions: batchSize=0: must be >= 1", options.getMessage());
  }
}
