package dev.vittf.export;

import dev.vittf.core.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.HashTable;
import org.tensorflow.op.core.InitializeTableFromTextFile;
import org.tensorflow.op.nn.TopK;
import org.tensorflow.proto.AssetFileDef;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.SavedModel;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;
import org.tensorflow.proto.TensorShapeProto;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TString;

/**
 * The top-k outputs of the serving graph, with the class names read from the SavedModel asset {@code
 * assets/labels.txt} — the way TensorFlow's own exports carry a vocabulary:
 *
 * <ul>
 *   <li>the graph holds a string constant {@value #ASSET_TENSOR} (the file name) that TensorFlow's SavedModel
 *       loader — the same C++ code in TensorFlow Serving and in TF Java's {@code SavedModelBundle.load} — feeds
 *       with the asset's absolute path, because {@code saved_model.pb} lists it in {@code asset_file_def};
 *   <li>a {@code HashTableV2} (logit index → label) filled by {@code InitializeTableFromTextFileV2} (key = line
 *       number, value = the whole line, {@code vocab_size} = the number of classes, so a labels.txt with another
 *       number of lines fails the load instead of shifting the names), run once at load as the {@value
 *       ServingSignatures#INIT_OP_KEY} signature's op;
 *   <li>{@code TopKV2} over the probabilities gives {@value ServingSignatures#SCORES}, and {@code
 *       LookupTableFindV2} on its indices gives {@value ServingSignatures#CLASSES}.
 * </ul>
 *
 * <p>TF Java 1.1's exporter writes neither assets nor an init op, so {@link #register} adds both to the
 * written {@code saved_model.pb}. Editing labels.txt in an export (same number of lines) renames the classes
 * without touching the graph.
 */
final class ServingLabels {
  /** The graph's asset tensor: holds {@value ServingSignatures#LABELS_FILE}, fed with the asset's path at load. */
  static final String ASSET_TENSOR = "labels_file";
  /** The op the loader runs after the restore: depends on the table initialisation. */
  static final String INIT_OP = "saved_model_init";

  private final Operand<TString> classes;
  private final Operand<TFloat32> scores;

  private ServingLabels(Operand<TString> classes, Operand<TFloat32> scores) {
    this.classes = classes;
    this.scores = scores;
  }

  /**
   * Adds the label table and the top-{@code k} outputs over {@code probabilities} {@code [-1, numClasses]}.
   *
   * @param k classes per image, {@code 1 <= k <= numClasses}
   */
  static ServingLabels build(Ops tf, Operand<TFloat32> probabilities, int numClasses, int k) {
    if (k < 1 || k > numClasses) {
      throw new IllegalArgumentException("top-k must be in 1.." + numClasses + ", got " + k);
    }
    Operand<TString> file = tf.withName(ASSET_TENSOR).constant(ServingSignatures.LABELS_FILE);
    HashTable table = tf.withName("labels_table").hashTable(TInt64.class, TString.class);
    InitializeTableFromTextFile fill = tf.withName("labels_table_init").initializeTableFromTextFile(table, file,
        -1L /* key: line number */, -2L /* value: the whole line */, InitializeTableFromTextFile.vocabSize((long) numClasses));
    Operand<TBool> init = tf.withName(INIT_OP).withControlDependencies(fill).identity(tf.constant(true));
    checkName(init, INIT_OP);
    TopK<TFloat32, TInt64> top = tf.withSubScope("top_k").nn.topK(probabilities, tf.constant(k), TInt64.class);
    Operand<TFloat32> scores = tf.withName(ServingSignatures.SCORES).identity(top.values());
    // The lookup's shape is unknown to TensorFlow's shape inference: declare [-1, k] for the signature.
    Operand<TString> classes = tf.withName(ServingSignatures.CLASSES)
        .ensureShape(tf.lookupTableFind(table, top.indices(), tf.constant("")), Shape.of(-1, k));
    checkName(scores, ServingSignatures.SCORES);
    checkName(classes, ServingSignatures.CLASSES);
    return new ServingLabels(classes, scores);
  }

  private static void checkName(Operand<?> op, String name) {
    if (!op.op().name().equals(name)) {
      throw new IllegalStateException("serving tensor '" + name + "' was named '" + op.op().name() + "'");
    }
  }

  /** {@value ServingSignatures#CLASSES}: string {@code [-1, k]}. */
  Operand<TString> classes() {
    return classes;
  }

  /** {@value ServingSignatures#SCORES}: float32 {@code [-1, k]}. */
  Operand<TFloat32> scores() {
    return scores;
  }

  /** Writes {@code assets/labels.txt} (UTF-8, one label per line) into the SavedModel directory. */
  static void writeAsset(Path model, List<String> labels) throws IOException {
    Path dir = Files.createDirectories(model.resolve(ServingSignatures.ASSETS_DIR));
    StringBuilder b = new StringBuilder();
    labels.forEach(l -> b.append(l).append('\n'));
    AtomicFiles.writeString(dir.resolve(ServingSignatures.LABELS_FILE), b.toString());
  }

  /**
   * Registers the asset and the init op in {@code saved_model.pb} (the exporter of TF Java 1.1 writes neither):
   * {@code asset_file_def} maps {@value #ASSET_TENSOR} to {@value ServingSignatures#LABELS_FILE}, and the
   * {@value ServingSignatures#INIT_OP_KEY} signature names {@value #INIT_OP}, as TensorFlow's Python exporter
   * writes them.
   */
  static void register(Path model) throws IOException {
    Path pb = model.resolve("saved_model.pb");
    SavedModel saved = SavedModel.parseFrom(Files.readAllBytes(pb));
    SavedModel.Builder b = saved.toBuilder();
    for (MetaGraphDef.Builder m : b.getMetaGraphsBuilderList()) {
      m.addAssetFileDef(AssetFileDef.newBuilder().setFilename(ServingSignatures.LABELS_FILE)
          .setTensorInfo(TensorInfo.newBuilder().setName(ASSET_TENSOR + ":0").setDtype(DataType.DT_STRING)
              .setTensorShape(TensorShapeProto.getDefaultInstance())));
      // The loader runs the named node as a target: an op name, no output index (as Python writes it).
      m.putSignatureDef(ServingSignatures.INIT_OP_KEY, SignatureDef.newBuilder()
          .putOutputs(ServingSignatures.INIT_OP_KEY, TensorInfo.newBuilder().setName(INIT_OP).setDtype(DataType.DT_BOOL)
              .setTensorShape(TensorShapeProto.getDefaultInstance()).build()).build());
    }
    SavedModel patched = b.build();
    AtomicFiles.write(pb, patched::writeTo);
  }
}
