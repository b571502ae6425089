package dev.vittf.export;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import dev.vittf.core.AtomicFiles;
import dev.vittf.models.ModelConfig;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.proto.TensorShapeProto;

/**
 * {@code assets.extra/tf_serving_warmup_requests}: requests TensorFlow Serving runs once when it loads a version,
 * before the version takes traffic, so that the first user does not pay for graph optimisation, oneDNN kernel
 * selection or (XLA exports) compilation. A TFRecord file ({@link TfRecordWriter}) of {@code
 * tensorflow.serving.PredictionLog} messages, one per signature, each holding a {@code PredictLog} whose {@code
 * PredictRequest} names the signature and carries a batch of one image: for {@value
 * ServingSignatures#DEFAULT_KEY} a float32 {@code [1, H, W, C]} of zeros (the mean colour after normalisation), for
 * {@value ServingSignatures#IMAGE_BYTES_KEY} a JPEG of a colour gradient (H x W), which exercises decoding and the
 * resize.
 *
 * <p>TF Java ships no TensorFlow Serving protos, so the four small messages are encoded here with protobuf's {@link
 * CodedOutputStream}, after {@code tensorflow_serving/apis/prediction_log.proto}, {@code predict.proto} and {@code
 * model.proto}: {@code PredictionLog.predict_log = 6}; {@code PredictLog.request = 1}; {@code
 * PredictRequest.model_spec = 1}, {@code inputs = 2} (a map: entries with {@code key = 1}, {@code value = 2}); {@code
 * ModelSpec.name = 1}, {@code signature_name = 3}. The tensors are TensorFlow's own {@code TensorProto}.
 */
final class WarmupRequests {
  /** The file name TensorFlow Serving looks for in {@code assets.extra/}. */
  static final String FILE = "tf_serving_warmup_requests";

  private WarmupRequests() {}

  /** One warm-up request: the signature and its one input. */
  record Request(String signature, String input, TensorProto tensor) {}

  /** The requests for an export of {@code config}: the float signature, and the image-bytes one if exported. */
  static List<Request> requests(ModelConfig config, boolean imageBytes) throws IOException {
    int h = config.imageHeight();
    int w = config.imageWidth();
    int c = config.channels();
    List<Request> out = new ArrayList<>();
    TensorProto zeros = TensorProto.newBuilder().setDtype(DataType.DT_FLOAT).setTensorShape(shape(1, h, w, c))
        .setTensorContent(ByteString.copyFrom(ByteBuffer.allocate(4 * h * w * c).order(ByteOrder.LITTLE_ENDIAN).array()))
        .build();
    out.add(new Request(ServingSignatures.DEFAULT_KEY, ServingSignatures.IMAGES, zeros));
    if (imageBytes) {
      TensorProto jpeg = TensorProto.newBuilder().setDtype(DataType.DT_STRING).setTensorShape(shape(1))
          .addStringVal(ByteString.copyFrom(gradientJpeg(h, w))).build();
      out.add(new Request(ServingSignatures.IMAGE_BYTES_KEY, ServingSignatures.IMAGE_BYTES, jpeg));
    }
    return out;
  }

  /** Writes the warm-up file into {@code model/assets.extra/}. */
  static void write(Path model, String modelName, List<Request> requests) throws IOException {
    Path dir = Files.createDirectories(model.resolve(ServingSignatures.EXTRA_DIR));
    AtomicFiles.write(dir.resolve(FILE), out -> {
      TfRecordWriter records = new TfRecordWriter(out);
      for (Request r : requests) {
        records.write(predictionLog(modelName, r));
      }
    });
  }

  /** {@code PredictionLog { predict_log { request { model_spec { name, signature_name }, inputs { key: value } } } }}. */
  static byte[] predictionLog(String modelName, Request r) throws IOException {
    byte[] modelSpec = message(c -> {
      c.writeString(1, modelName);
      c.writeString(3, r.signature());
    });
    byte[] input = message(c -> {
      c.writeString(1, r.input());
      c.writeByteArray(2, r.tensor().toByteArray());
    });
    byte[] request = message(c -> {
      c.writeByteArray(1, modelSpec);
      c.writeByteArray(2, input);
    });
    byte[] predictLog = message(c -> c.writeByteArray(1, request));
    return message(c -> c.writeByteArray(6, predictLog));
  }

  /** Writes the fields of one message. */
  @FunctionalInterface
  private interface Fields {
    void write(CodedOutputStream out) throws IOException;
  }

  private static byte[] message(Fields fields) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    fields.write(out);
    out.flush();
    return bytes.toByteArray();
  }

  private static TensorShapeProto shape(long... dims) {
    TensorShapeProto.Builder b = TensorShapeProto.newBuilder();
    for (long d : dims) {
      b.addDim(TensorShapeProto.Dim.newBuilder().setSize(d));
    }
    return b.build();
  }

  /** A smooth colour gradient with a diagonal stripe, as a baseline JPEG. */
  static byte[] gradientJpeg(int h, int w) throws IOException {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int r = 255 * x / Math.max(1, w - 1);
        int g = 255 * y / Math.max(1, h - 1);
        int b = Math.abs(x - y) < Math.max(2, w / 16) ? 255 : 64;
        img.setRGB(x, y, r << 16 | g << 8 | b);
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    if (!ImageIO.write(img, "jpg", out)) {
      throw new IOException("no JPEG writer available for the warm-up image");
    }
    return out.toByteArray();
  }
}
