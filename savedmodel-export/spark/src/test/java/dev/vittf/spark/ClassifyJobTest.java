package dev.vittf.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vittf.Fixtures;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ClassifyJob} in this JVM on {@code local[2]}: the documented command, its output formats and exit codes. */
class ClassifyJobTest {
  @TempDir static Path scratch;
  static SparkSession spark;
  static Path photos;
  static String model;

  @BeforeAll
  static void start() throws IOException {
    photos = scratch.resolve("photos");
    List<Path> good = SparkTestImages.write(photos, 20, 3);
    SparkTestImages.writeCorrupt(photos, good.get(1));
    model = Fixtures.dir().resolve("hub/hf_vit").toString();
    spark = SparkSession.builder().master("local[2]").appName("ClassifyJobTest")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate();
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
  }

  /** Exit code, stdout, stderr. */
  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = ClassifyJob.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  static String[] job(String output, String format, String... more) {
    List<String> args = new ArrayList<>(List.of("--master", "local[2]", "--model", model,
        "--input", photos + "/*.jpg", "--output", output, "--format", format));
    args.addAll(Arrays.asList(more));
    return args.toArray(String[]::new);
  }

  @Test
  void writesParquetWithLabelsAndErrorsAndRefusesToOverwrite() {
    String out = scratch.resolve("labels.parquet").toString();
    Run r = run(job(out, "parquet", "--top-k", "2"));
    assertEquals(0, r.code(), r.err());
    // 10 JPEGs of the 20 photos, and the two corrupt .jpg files.
    assertEquals("classified 12 images into " + out + " (parquet): 10 ok, 2 with an error\n", r.out());
    Dataset<Row> written = spark.read().parquet(out);
    assertEquals(List.of("path", "label", "score", "top_k", "error"), Arrays.asList(written.columns()));
    assertEquals(10, written.filter("error is null and label is not null and size(top_k) = 2").count());
    assertEquals(2, written.filter("error is not null and label is null and path like '%corrupt-%'").count());

    Run again = run(job(out, "parquet"));
    assertEquals(4, again.code());
    assertEquals("error: --output " + out + " exists; pass --overwrite to replace it\n", again.err());
    assertEquals(0, run(job(out, "parquet", "--overwrite")).code());
  }

  @Test
  void csvKeepsTopKAsJson() throws IOException {
    String out = scratch.resolve("labels.csv").toString();
    Run r = run(job(out, "csv", "--logits"));
    assertEquals(0, r.code(), r.err());
    List<String> lines = new ArrayList<>();
    try (var parts = Files.list(Path.of(out))) {
      for (Path part : parts.filter(p -> p.getFileName().toString().endsWith(".csv")).toList()) {
        List<String> l = Files.readAllLines(part);
        assertEquals("path,label,score,top_k,logits,error", l.get(0));
        lines.addAll(l.subList(1, l.size()));
      }
    }
    assertEquals(12, lines.size());
    assertTrue(lines.stream().anyMatch(l -> l.contains("[{\"\"label\"\":")), lines.get(0));
  }

  @Test
  void usageErrorsAndFailedJobs() {
    String out = scratch.resolve("never").toString();
    Run missing = run("--model", scratch.resolve("nope").toString(), "--input", photos + "/*.jpg", "--output", out);
    assertEquals(2, missing.code());
    assertEquals("error: model " + scratch.resolve("nope") + ": no such file or folder\n", missing.err());

    Run noInput = run("--model", model, "--input", photos + "/*.tiff", "--output", out);
    assertEquals(2, noInput.code(), noInput.err());
    assertTrue(noInput.err().startsWith("error: --input " + photos + "/*.tiff: "), noInput.err());

    Run batch = run("--model", model, "--input", photos + "/*.jpg", "--output", out, "--batch-size", "0");
    assertEquals(2, batch.code());
    assertTrue(batch.err().startsWith("error: --batch-size=0: must be >= 1"), batch.err());

    Run fail = run(job(out, "json", "--fail-on-error"));
    assertEquals(1, fail.code());
    assertTrue(fail.err().startsWith("error: the Spark job failed: image file:" + photos + "/corrupt-"), fail.err());
    assertTrue(fail.err().contains("corrupt-") && fail.err().contains("failOnError is set"), fail.err());
  }
}
