package dev.vittf.spark;

import dev.vittf.classify.Classification;
import dev.vittf.classify.EncodedImage;
import dev.vittf.classify.ImageClassifier;
import dev.vittf.classify.Prediction;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The task side of {@link VitSpark#classify}: takes the JVM's shared model ({@link ExecutorModels}) and
 * classifies its partition batch by batch, lazily (a partition is never held in memory whole), appending the
 * result columns to each input row (arrays as Scala sequences, what Spark's row encoder expects).
 */
final class PartitionClassifier implements MapPartitionsFunction<Row, Row> {
  private static final long serialVersionUID = 1L;

  private final String modelPath;
  private final ClassifyOptions options;
  private final Broadcast<HashMap<String, String>> hadoopConf;
  private final int inputIndex;
  private final int nameIndex;

  PartitionClassifier(String modelPath, ClassifyOptions options, Broadcast<HashMap<String, String>> hadoopConf,
      int inputIndex, int nameIndex) {
    this.modelPath = modelPath;
    this.options = options;
    this.hadoopConf = hadoopConf;
    this.inputIndex = inputIndex;
    this.nameIndex = nameIndex;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> rows) {
    if (!rows.hasNext()) {
      return rows;
    }
    ImageClassifier classifier = ExecutorModels.get(ExecutorModels.Key.of(modelPath, options), hadoopConf.value());
    return new Iterator<>() {
      private final List<Row> out = new ArrayList<>();
      private int next;
      private long position;

      @Override
      public boolean hasNext() {
        if (next < out.size()) {
          return true;
        }
        out.clear();
        next = 0;
        if (rows.hasNext()) {
          classifyBatch();
        }
        return next < out.size();
      }

      @Override
      public Row next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return out.get(next++);
      }

      private void classifyBatch() {
        List<Row> batch = new ArrayList<>(options.batchSize());
        List<EncodedImage> images = new ArrayList<>(options.batchSize());
        List<Integer> present = new ArrayList<>(options.batchSize());
        String[] nullError = new String[options.batchSize()];
        while (batch.size() < options.batchSize() && rows.hasNext()) {
          Row row = rows.next();
          String name = name(row, position++);
          if (row.isNullAt(inputIndex)) {
            nullError[batch.size()] = name + ": column '" + options.inputColumn() + "' is null";
          } else {
            present.add(batch.size());
            images.add(new EncodedImage(name, (byte[]) row.get(inputIndex)));
          }
          batch.add(row);
        }
        // One call, one model batch (the shared classifier does not split it further).
        List<Classification> results = images.isEmpty() ? List.of() : classifier.classify(images);
        Classification[] byRow = new Classification[batch.size()];
        for (int i = 0; i < results.size(); i++) {
          byRow[present.get(i)] = results.get(i);
        }
        for (int i = 0; i < batch.size(); i++) {
          String error = byRow[i] == null ? nullError[i] : byRow[i].error();
          if (error != null && options.failOnError()) {
            throw new IllegalStateException("image " + error + " (failOnError is set: one image that cannot be "
                + "classified fails the job; without it, the row's 'error' column says why)");
          }
          out.add(withResult(batch.get(i), error == null ? byRow[i] : null, error));
        }
      }
    };
  }

  private String name(Row row, long position) {
    if (nameIndex >= 0 && !row.isNullAt(nameIndex)) {
      return String.valueOf(row.get(nameIndex));
    }
    TaskContext task = TaskContext.get();
    return "row " + position + (task == null ? "" : " of partition " + task.partitionId());
  }

  private Row withResult(Row row, Classification c, String error) {
    int n = row.length();
    Object[] values = new Object[n + (options.logits() ? 5 : 4)];
    for (int i = 0; i < n; i++) {
      values[i] = row.get(i);
    }
    int at = n;
    if (c != null) {
      Prediction best = c.topK().get(0);
      values[at++] = best.label();
      values[at++] = best.score();
      List<Prediction> ranked = c.topK().subList(0, Math.min(options.topK(), c.topK().size()));
      List<Row> top = new ArrayList<>(ranked.size());
      for (Prediction p : ranked) {
        top.add(RowFactory.create(p.label(), p.score()));
      }
      values[at++] = CollectionConverters.asScala(top).toSeq();
      if (options.logits()) {
        float[] logits = c.logits();
        List<Float> boxed = new ArrayList<>(logits.length);
        for (float v : logits) {
          boxed.add(v);
        }
        values[at++] = CollectionConverters.asScala(boxed).toSeq();
      }
    } else {
      at += options.logits() ? 4 : 3;
    }
    values[at] = error;
    return RowFactory.create(values);
  }
}
