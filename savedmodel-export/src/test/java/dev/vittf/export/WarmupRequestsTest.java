package dev.vittf.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import dev.vittf.core.HostTensor;
import dev.vittf.models.ModelConfig;
import dev.vittf.models.Presets;
import dev.vittf.models.VitModel;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.exceptions.TFOutOfRangeException;
import org.tensorflow.op.Ops;
import org.tensorflow.op.io.FifoQueue;
import org.tensorflow.op.io.ReaderRead;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.proto.TensorShapeProto;
import org.tensorflow.types.TString;

/**
 * The warm-up file read back by TensorFlow itself ({@code TFRecordDataset}, which checks every length and data
 * CRC), its records parsed as {@code PredictionLog} by field number, and each request's input run through the
 * exported model.
 */
class WarmupRequestsTest {
  private static final ModelConfig TINY = Presets.get("vit-tiny");

  @TempDir Path base;

  /**
   * Every record of a TFRecord file, read by TensorFlow's {@code TFRecordReaderV2} (the record reader TensorFlow
   * Serving's warm-up reads with too, {@code io::RecordReader}; it verifies each length and data CRC). The tf.data
   * route fails in TF Java 1.1: {@code MakeIterator} on a {@code TFRecordDatasetV2} reports "AddDataset: Failed to
   * build TFRecordDatasetV2 op with error 3 inputs specified of 4 inputs".
   */
  static List<byte[]> readWithTensorFlow(Path file) {
    List<byte[]> records = new ArrayList<>();
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      FifoQueue files = tf.io.fifoQueue(List.of(TString.class), FifoQueue.capacity(1L));
      var enqueue = tf.io.queueEnqueue(files, List.of(tf.constant(file.toString())));
      var close = tf.io.queueClose(files);
      ReaderRead read = tf.io.readerRead(tf.io.tfRecordReader(), files);
      s.runner().addTarget(enqueue).run();
      s.runner().addTarget(close).run();
      while (true) {
        try (Result r = s.runner().fetch(read.value()).run()) {
          records.add(((TString) r.get(0)).asBytes().getObject());
        } catch (TFOutOfRangeException end) {
          return records;
        }
      }
    }
  }

  /** A warm-up record decoded by field number (an independent reading of the hand-written encoding). */
  record Parsed(String modelName, String signature, String input, TensorProto tensor) {}

  private static UnknownFieldSet sub(UnknownFieldSet m, int field) throws Exception {
    List<ByteString> v = m.getField(field).getLengthDelimitedList();
    assertEquals(1, v.size(), "field " + field);
    return UnknownFieldSet.parseFrom(v.get(0));
  }

  private static String string(UnknownFieldSet m, int field) {
    return m.getField(field).getLengthDelimitedList().get(0).toStringUtf8();
  }

  static Parsed parse(byte[] record) throws Exception {
    UnknownFieldSet log = UnknownFieldSet.parseFrom(record);
    assertEquals(java.util.Set.of(6), log.asMap().keySet(), "PredictionLog holds only predict_log");
    UnknownFieldSet request = sub(sub(log, 6), 1);
    UnknownFieldSet spec = sub(request, 1);
    UnknownFieldSet entry = sub(request, 2);
    return new Parsed(string(spec, 1), string(spec, 3), string(entry, 1),
        TensorProto.parseFrom(entry.getField(2).getLengthDelimitedList().get(0)));
  }

  private static List<Long> dims(TensorShapeProto s) {
    return s.getDimList().stream().map(TensorShapeProto.Dim::getSize).toList();
  }

  @Test
  void tensorFlowReadsTheWarmupRequestsAndTheModelAnswersThem() throws Exception {
    Path dir = SavedModelExporter.export(TINY, Weights.seed(2), base.resolve("vit"),
        ExportOptions.defaults().withImageBytesSignature(true)).directory();
    Path file = dir.resolve("assets.extra/tf_serving_warmup_requests");
    List<byte[]> records = readWithTensorFlow(file);
    assertEquals(2, records.size());
    Parsed floats = parse(records.get(0));
    Parsed bytes = parse(records.get(1));
    assertEquals(new Parsed("vit", "serving_default", "images", floats.tensor()), floats);
    assertEquals(new Parsed("vit", "serving_image_bytes", "image_bytes", bytes.tensor()), bytes);
    assertEquals(DataType.DT_FLOAT, floats.tensor().getDtype());
    assertEquals(List.of(1L, 32L, 32L, 3L), dims(floats.tensor().getTensorShape()));
    assertEquals(DataType.DT_STRING, bytes.tensor().getDtype());
    assertEquals(List.of(1L), dims(bytes.tensor().getTensorShape()));

    float[] pixels = new float[32 * 32 * 3];
    ByteBuffer.wrap(floats.tensor().getTensorContent().toByteArray()).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(pixels);
    HostTensor images = new HostTensor(new long[] {1, 32, 32, 3}, pixels);
    byte[] jpeg = bytes.tensor().getStringVal(0).toByteArray();
    HostTensor want;
    try (VitModel m = VitModel.create(TINY, 2)) {
      want = m.predict(images);
    }
    try (ServingModel served = ServingModel.load(dir)) {
      ServingModel.Outputs a = served.outputs(images);
      assertTrue(a.tensors().get("logits").maxAbsDiff(want) < 1e-4);
      assertEquals(5, a.classes().get(0).size());
      ServingModel.Outputs b = served.outputsEncoded(List.of(jpeg));
      HostTensor decoded = ImageDecoding.decode(List.of(jpeg), 32, 32, 3, TINY.preprocessing());
      assertTrue(b.tensors().get("logits").maxAbsDiff(served.predict(decoded).get("logits")) < 1e-5);
    }
  }

  @Test
  void tensorFlowChecksTheRecordCrcs() throws Exception {
    Path dir = SavedModelExporter.export(TINY, Weights.seed(2), base, ExportOptions.defaults()).directory();
    Path file = dir.resolve("assets.extra/tf_serving_warmup_requests");
    assertEquals("serving_default", parse(readWithTensorFlow(file).get(0)).signature());
    byte[] data = Files.readAllBytes(file);
    data[100] ^= 1; // inside the first record's data: its data CRC no longer matches
    Path bad = Files.write(base.resolve("corrupt"), data);
    Exception e = assertThrows(Exception.class, () -> readWithTensorFlow(bad));
    assertTrue(e.getMessage().toLowerCase(java.util.Locale.ROOT).contains("corrupt"), e.getMessage());
  }

  @Test
  void maskedCrc32cMatchesTensorFlowsKnownValue() {
    // crc32c("123456789") = 0xE3069283 (the CRC-32C check value); masked as TensorFlow's crc32c::Mask.
    int crc = 0xE3069283;
    int masked = ((crc >>> 15) | (crc << 17)) + 0xa282ead8;
    assertEquals(masked, TfRecordWriter.maskedCrc32c("123456789".getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
  }
}
