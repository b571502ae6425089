package dev.vittf.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.to_json;

import dev.vittf.cli.support.CliErrors;
import dev.vittf.cli.support.ExitCodes;
import dev.vittf.cli.support.Ranges;
import dev.vittf.cli.support.UsageException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.SparkException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The batch job: classifies every image matching {@code --input} and writes one row per image to {@code
 * --output} ({@code path}, {@code label}, {@code score}, {@code top_k}, optional {@code logits}, {@code error}).
 *
 * <pre>
 * spark-submit --class dev.vittf.spark.ClassifyJob vit-tf-spark-VERSION-all.jar \
 *   --model hdfs:///models/vit-base-patch16-224 --input 'hdfs:///photos/*.jpg' --output hdfs:///labels
 * </pre>
 *
 * <p>Paths are Hadoop paths (local, {@code hdfs://}, {@code s3a://}, ...); {@code --input} may hold globs
 * ({@code DIR/*.jpg}, {@code DIR/{a,b}/*}). Exit codes as in the project's other tools: 2 for a usage error found
 * before any task runs (bad option, missing model, model that does not load, no input file), 4 when the output
 * exists without {@code --overwrite}, 1 when the job fails (with {@code --fail-on-error}: an unreadable image).
 */
@Command(
    name = "ClassifyJob",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = "Classify images with a vit-tf model on Apache Spark and write the labels as Parquet, CSV or JSON.")
public final class ClassifyJob implements Callable<Integer> {
  /** Output formats. */
  public enum Format {
    /** Apache Parquet (nested top_k and logits kept as arrays). */
    PARQUET,
    /** CSV with a header; top_k and logits as JSON strings (CSV has no arrays). */
    CSV,
    /** JSON lines. */
    JSON
  }

  @Spec CommandSpec spec;

  @Option(names = "--model", required = true, paramLabel = "PATH",
      description = "model folder (transformers, timm or torchvision hub snapshot) or a vit-tf .safetensors checkpoint (train, convert); local, hdfs://, s3a://, ...")
  String model;

  @Option(names = "--input", required = true, paramLabel = "GLOB", description = "images, e.g. 'DIR/*.jpg' (quote it)")
  String input;

  @Option(names = "--output", required = true, paramLabel = "PATH", description = "output folder (Spark writes part files)")
  String output;

  @Option(names = "--format", defaultValue = "parquet", paramLabel = "FORMAT",
      description = "parquet, csv or json (default: ${DEFAULT-VALUE})")
  Format format;

  @Option(names = "--batch-size", defaultValue = "16", paramLabel = "N", converter = Ranges.PositiveInt.class,
      description = "images per model call (default: ${DEFAULT-VALUE})")
  int batchSize;

  @Option(names = "--top-k", defaultValue = "5", paramLabel = "K", converter = Ranges.PositiveInt.class,
      description = "classes in top_k (default: ${DEFAULT-VALUE})")
  int topK;

  @Option(names = "--threads-per-task", defaultValue = "1", paramLabel = "N", converter = Ranges.PositiveInt.class,
      description = "TensorFlow intra-op threads per running task, usually spark.task.cpus (default: ${DEFAULT-VALUE})")
  int threadsPerTask;

  @Option(names = "--partitions", paramLabel = "N", converter = Ranges.PositiveInt.class,
      description = "repartition the images into N partitions first (default: as read)")
  Integer partitions;

  @Option(names = "--logits", description = "add the logits column")
  boolean logits;

  @Option(names = "--fail-on-error", description = "an image that cannot be classified fails the job (default: its row gets an error)")
  boolean failOnError;

  @Option(names = "--overwrite", description = "replace the output folder if it exists")
  boolean overwrite;

  @Option(names = "--master", paramLabel = "URL",
      description = "Spark master when not started by spark-submit, e.g. local[4] (default: spark.master, else local[*])")
  String master;

  @Option(names = {"-v", "--verbose"}, description = "stack traces")
  boolean verbose;

  /** Picocli instantiates the command. */
  ClassifyJob() {}

  /** Runs the job, then stops the Spark session; exits with the job's exit code. */
  public static void main(String[] args) {
    int code = run(args, System.out, System.err);
    SparkSession.getActiveSession().foreach(s -> {
      s.stop();
      return null;
    });
    System.exit(code);
  }

  /** Runs the job in this JVM (the Spark session is created or reused, and left running). */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    CommandLine cmd = new CommandLine(new ClassifyJob());
    cmd.setOut(new PrintWriter(new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8), true));
    cmd.setErr(new PrintWriter(new java.io.OutputStreamWriter(err, StandardCharsets.UTF_8), true));
    boolean verbose = java.util.Arrays.asList(args).contains("-v") || java.util.Arrays.asList(args).contains("--verbose");
    CliErrors.install(cmd, ClassifyJob::jobFailure, verbose);
    return cmd.execute(args);
  }

  /** Spark's failures carry the task's exception several causes deep: report the first useful message. */
  private static CliErrors.Failure jobFailure(Exception e) {
    if (e instanceof SparkException) {
      Throwable root = e;
      while (root.getCause() != null && root.getCause() != root) {
        root = root.getCause();
      }
      String why = root == e || root.getMessage() == null ? e.getMessage() : root.getMessage();
      return new CliErrors.Failure(ExitCodes.FAILED, "the Spark job failed: " + why);
    }
    return null;
  }

  @Override
  public Integer call() throws Exception {
    if (!verbose) {
      // Spark logs at INFO by default (hundreds of lines per job); the job prints its own summary.
      org.apache.log4j.Logger.getRootLogger().setLevel(org.apache.log4j.Level.WARN);
    }
    SparkSession.Builder builder = SparkSession.builder().appName("vit-tf classify");
    if (master != null) {
      builder.master(master);
    } else if (SparkSession.getActiveSession().isEmpty() && !new org.apache.spark.SparkConf().contains("spark.master")) {
      builder.master("local[*]");
    }
    SparkSession spark = builder.getOrCreate();
    if (!verbose) {
      // A glob --input makes Spark look for a streaming-sink metadata folder of that name and warn with a stack trace.
      // (log4j 1.2 API: Spark ships its bridge to log4j 2.)
      org.apache.log4j.Logger.getLogger("org.apache.spark.sql.execution.streaming.FileStreamSink")
          .setLevel(org.apache.log4j.Level.ERROR);
    }
    org.apache.hadoop.fs.Path out = new org.apache.hadoop.fs.Path(output);
    FileSystem fs = out.getFileSystem(spark.sparkContext().hadoopConfiguration());
    if (fs.exists(out) && !overwrite) {
      spec.commandLine().getErr().println("error: --output " + output + " exists; pass --overwrite to replace it");
      return ExitCodes.EXISTS;
    }
    Dataset<Row> images;
    try {
      images = spark.read().format("binaryFile").load(input);
    } catch (Exception e) {
      // Scala declares no checked exceptions: Spark's AnalysisException (e.g. PATH_NOT_FOUND) arrives undeclared.
      if (e instanceof org.apache.spark.sql.AnalysisException) {
        throw new UsageException("--input " + input + ": " + e.getMessage());
      }
      throw e;
    }
    if (partitions != null) {
      images = images.repartition(partitions);
    }
    ClassifyOptions options = ClassifyOptions.defaults()
        .withBatchSize(batchSize).withTopK(topK).withLogits(logits).withFailOnError(failOnError)
        .withIntraOpThreadsPerTask(threadsPerTask);
    Dataset<Row> labelled;
    try {
      labelled = VitSpark.classify(images, model, options);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage().startsWith("the input has no rows")
          ? "--input " + input + ": no file matches" : e.getMessage());
    }
    Dataset<Row> result = labelled.drop("content", "modificationTime", "length");
    if (format == Format.CSV) {
      result = result.withColumn(VitSpark.TOP_K, to_json(col(VitSpark.TOP_K)));
      if (logits) {
        result = result.withColumn(VitSpark.LOGITS, to_json(col(VitSpark.LOGITS)));
      }
    }
    var writer = result.write().mode(overwrite ? SaveMode.Overwrite : SaveMode.ErrorIfExists);
    if (format == Format.CSV) {
      // RFC 4180 quoting (a quote inside a field is doubled), which every CSV reader understands.
      writer = writer.option("header", "true").option("escape", "\"");
    }
    writer.format(format.name().toLowerCase(Locale.ROOT)).save(output);
    Dataset<Row> written = spark.read().format(format.name().toLowerCase(Locale.ROOT)).option("header", "true")
        .option("escape", "\"").load(output);
    long rows = written.count();
    long failed = written.filter(col(VitSpark.ERROR).isNotNull()).count();
    spec.commandLine().getOut().printf("classified %d images into %s (%s): %d ok, %d with an error%n",
        rows, output, format.name().toLowerCase(Locale.ROOT), rows - failed, failed);
    return ExitCodes.OK;
  }
}
