package dev.vittf.spark;

import dev.vittf.classify.ImageClassifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Batch image classification on Apache Spark with a vit-tf model.
 *
 * <pre>{@code
 * Dataset<Row> images = spark.read().format("binaryFile").option("pathGlobFilter", "*.jpg").load("s3a://bucket/photos");
 * Dataset<Row> labelled = VitSpark.classify(images, "s3a://bucket/models/vit-base-patch16-224", ClassifyOptions.defaults());
 * labelled.drop("content").write().parquet("s3a://bucket/labels");
 * }</pre>
 *
 * <p>The result has every input column plus {@value #LABEL} (string), {@value #SCORE} (double, the softmax
 * probability of the label), {@value #TOP_K} ({@code array<struct<label: string, score: double>>}, best first),
 * {@value #LOGITS} ({@code array<float>}, only with {@link ClassifyOptions#logits()}) and {@value #ERROR}
 * (string: null unless that row's image could not be classified, then the reason, naming the row; the other
 * result columns are then null). Rows keep their partitioning and order.
 *
 * <p>The model is a hub snapshot folder (transformers, timm or torchvision: {@code config.json} and the
 * weights) or one of our {@code .safetensors} checkpoints (what {@code vit-tf train} writes: config, labels and
 * eval pipeline in its metadata) on any file system Hadoop can read; each executor JVM loads it once, lazily,
 * copies a remote model to a local temporary folder first, shares it between its tasks and closes it when the JVM exits. Images go
 * through the folder's own preprocessing ({@code ImagePipeline.forModel}) and {@link ImageClassifier}, so a row
 * gets exactly the answer {@code ImageClassifier} gives in a single JVM.
 *
 * <p>Checked on the driver before any task is scheduled, each with an {@link IllegalArgumentException} naming
 * the problem: the options, the input column (present, {@code binary}), result columns the input already has,
 * the model path (exists, is a folder with {@code config.json} or a {@code .safetensors} file), that the model loads (unless {@link
 * ClassifyOptions#validateOnDriver()} is off), and an empty input.
 */
public final class VitSpark {
  /** The best class's name. */
  public static final String LABEL = "label";
  /** The best class's softmax probability. */
  public static final String SCORE = "score";
  /** The best classes with their probabilities. */
  public static final String TOP_K = "top_k";
  /** The model's raw outputs (optional). */
  public static final String LOGITS = "logits";
  /** Why the row failed, or null. */
  public static final String ERROR = "error";

  private VitSpark() {}

  /**
   * Adds the classification columns to {@code images} (lazily: nothing runs until an action).
   *
   * @param images rows with a binary column of encoded images ({@code spark.read().format("binaryFile")} gives
   *     {@code path}, {@code modificationTime}, {@code length}, {@code content})
   * @param modelPath a model folder or checkpoint file: local path, {@code file:}, {@code hdfs://}, {@code s3a://}, ...
   * @throws IllegalArgumentException for the driver-side problems listed in the class comment
   */
  public static Dataset<Row> classify(Dataset<Row> images, String modelPath, ClassifyOptions options) {
    if (options == null) {
      throw new IllegalArgumentException("options: must not be null (ClassifyOptions.defaults())");
    }
    if (modelPath == null || modelPath.isBlank()) {
      throw new IllegalArgumentException("model path: must name a model folder, got " + (modelPath == null ? "null" : "''"));
    }
    StructType in = images.schema();
    int inputIndex = inputColumn(in, options.inputColumn());
    int nameIndex = nameColumn(in, options);
    StructType out = outputSchema(in, options);
    SparkSession spark = images.sparkSession();
    HashMap<String, String> hadoop = ModelFolder.entries(spark.sparkContext().hadoopConfiguration());
    ModelFolder.check(modelPath, ModelFolder.configuration(hadoop));
    if (options.validateOnDriver()) {
      validateModel(spark, modelPath, options, hadoop);
    }
    if (images.isEmpty()) {
      throw new IllegalArgumentException("the input has no rows: nothing to classify (with binaryFile: no file "
          + "matched the path and pathGlobFilter)");
    }
    Broadcast<HashMap<String, String>> conf = JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(hadoop);
    return images.mapPartitions(new PartitionClassifier(modelPath, options, conf, inputIndex, nameIndex), Encoders.row(out));
  }

  /** The schema {@link #classify} returns for this input schema. */
  public static StructType outputSchema(StructType input, ClassifyOptions options) {
    List<String> taken = new ArrayList<>();
    List<String> ours = new ArrayList<>(List.of(LABEL, SCORE, TOP_K, ERROR));
    if (options.logits()) {
      ours.add(LOGITS);
    }
    for (String name : ours) {
      if (Arrays.stream(input.fieldNames()).anyMatch(f -> f.equalsIgnoreCase(name))) {
        taken.add(name);
      }
    }
    if (!taken.isEmpty()) {
      throw new IllegalArgumentException("the input already has column(s) " + taken + " that classify adds; rename "
          + "or drop them first");
    }
    StructType prediction = new StructType()
        .add(LABEL, DataTypes.StringType, false)
        .add(SCORE, DataTypes.DoubleType, false);
    StructType out = input
        .add(LABEL, DataTypes.StringType, true)
        .add(SCORE, DataTypes.DoubleType, true)
        .add(TOP_K, DataTypes.createArrayType(prediction, false), true);
    if (options.logits()) {
      out = out.add(LOGITS, DataTypes.createArrayType(DataTypes.FloatType, false), true);
    }
    return out.add(ERROR, DataTypes.StringType, true);
  }

  private static int inputColumn(StructType schema, String column) {
    int index = Arrays.asList(schema.fieldNames()).indexOf(column);
    List<String> binary = new ArrayList<>();
    for (StructField f : schema.fields()) {
      if (f.dataType().equals(DataTypes.BinaryType)) {
        binary.add(f.name());
      }
    }
    String hint = binary.isEmpty() ? "the input has no binary column (read images with spark.read().format(\"binaryFile\"))"
        : "binary columns of the input: " + binary;
    if (index < 0) {
      throw new IllegalArgumentException("input column '" + column + "' not found; " + hint);
    }
    StructField field = schema.fields()[index];
    if (!field.dataType().equals(DataTypes.BinaryType)) {
      throw new IllegalArgumentException("input column '" + column + "' is " + field.dataType().simpleString()
          + "; it must be binary (the encoded image file); " + hint);
    }
    return index;
  }

  private static int nameColumn(StructType schema, ClassifyOptions options) {
    if (options.nameColumn() == null) {
      return -1;
    }
    int index = Arrays.asList(schema.fieldNames()).indexOf(options.nameColumn());
    if (index < 0 && !options.nameColumn().equals(ClassifyOptions.DEFAULT_NAME)) {
      throw new IllegalArgumentException("name column '" + options.nameColumn() + "' not found; columns: "
          + Arrays.toString(schema.fieldNames()));
    }
    return index;
  }

  /**
   * Loads the model once on the driver so that one that does not load fails here, with its own message. In
   * local mode the driver is the executor, so the model is kept for the tasks; otherwise it is closed again.
   */
  private static void validateModel(SparkSession spark, String modelPath, ClassifyOptions options,
      HashMap<String, String> hadoop) {
    ExecutorModels.Key key = ExecutorModels.Key.of(modelPath, options);
    try {
      if (spark.sparkContext().isLocal()) {
        ExecutorModels.get(key, hadoop);
      } else {
        ExecutorModels.load(key, hadoop).close();
      }
    } catch (IllegalStateException e) {
      ExecutorModels.forgetFailure(key);
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }
}
