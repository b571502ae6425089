package dev.vittf.export;

import dev.vittf.models.Preprocessing;
import dev.vittf.core.HostTensor;
import dev.vittf.preprocess.ImagePipeline;
import java.util.List;
import java.util.function.BiFunction;
import org.tensorflow.ConcreteFunction;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.While;
import org.tensorflow.op.image.DecodeImage;
import org.tensorflow.op.image.ResizeBilinear;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TString;
import org.tensorflow.types.TUint8;
import org.tensorflow.types.family.TType;

/**
 * In-graph image decoding for serving: a batch of encoded images (JPEG, PNG, GIF first frame or BMP;
 * a string tensor {@code [-1]}) becomes the float NHWC batch the model expects. Each image is decoded
 * to {@code channels} channels (grey and RGBA images are converted), resized to the model's input
 * size with bilinear interpolation (half-pixel centres, aspect ratio not preserved), scaled to {@code
 * [0, 1]} and normalised with the per-channel mean and std.
 *
 * <p>The batch is processed by a functional {@code While} loop that writes each decoded image into
 * a preallocated {@code [n, height, width, channels]} tensor ({@code TensorScatterUpdate}), so the
 * graph holds only core TensorFlow ops that TensorFlow Serving runs. (A {@code TensorList}, what
 * {@code tf.map_fn} uses, would need variant-typed function arguments, which TF Java 1.1 cannot
 * declare.)
 *
 * <p>The loop's cond/body functions are attached to the graph; close the returned object after the
 * graph has been exported or run.
 */
public final class ImageDecoding implements AutoCloseable {
  private final ConcreteFunction cond;
  private final ConcreteFunction body;
  private final Operand<TFloat32> images;

  /** The loop variables as function inputs: index, count, encoded images, output batch. */
  private record LoopVars(Placeholder<TInt32> i, Placeholder<TInt32> n, Placeholder<TString> bytes, Placeholder<TFloat32> acc) {
    static LoopVars create(Ops f, Shape batchShape) {
      return new LoopVars(
          f.placeholder(TInt32.class, Placeholder.shape(Shape.scalar())),
          f.placeholder(TInt32.class, Placeholder.shape(Shape.scalar())),
          f.placeholder(TString.class, Placeholder.shape(Shape.of(-1))),
          f.placeholder(TFloat32.class, Placeholder.shape(batchShape)));
    }

    Signature.Builder inputs(Signature.Builder b) {
      return b.input("i", i).input("n", n).input("bytes", bytes).input("acc", acc);
    }
  }

  private ImageDecoding(ConcreteFunction cond, ConcreteFunction body, Operand<TFloat32> images) {
    this.cond = cond;
    this.body = body;
    this.images = images;
  }

  /**
   * Adds the decoding of {@code encoded} to the graph of {@code tf}.
   *
   * @param tf ops of the target graph (their scope prefixes the loop's nodes)
   * @param encoded string tensor {@code [-1]}
   * @param height output height
   * @param width output width
   * @param channels output channels: 1, 3 or 4
   * @param preprocessing normalisation, one mean/std per channel
   */
  public static ImageDecoding build(
      Ops tf, Operand<TString> encoded, int height, int width, int channels, Preprocessing preprocessing) {
    if (channels != 1 && channels != 3 && channels != 4) {
      throw new IllegalArgumentException(
          "image decoding supports models with 1, 3 or 4 input channels, not " + channels);
    }
    if (preprocessing.channels() != channels) {
      throw new IllegalArgumentException(
          "preprocessing has " + preprocessing.channels() + " channels, the model has " + channels);
    }
    float[] mean = preprocessing.meanArray();
    float[] std = preprocessing.stdArray();
    return loop(tf, encoded, Shape.of(-1, height, width, channels), (f, one) -> {
      DecodeImage<TUint8> decoded =
          f.image.decodeImage(one, TUint8.class,
              new DecodeImage.Options[] {DecodeImage.channels((long) channels), DecodeImage.expandAnimations(false)});
      Operand<TFloat32> resized =
          f.image.resizeBilinear(f.expandDims(decoded, f.constant(0)), f.constant(new int[] {height, width}),
              ResizeBilinear.halfPixelCenters(true));
      Operand<TFloat32> unit =
          f.math.mul(f.reshape(resized, f.constant(new int[] {height, width, channels})), f.constant(1f / 255f));
      return f.math.div(f.math.sub(unit, f.constant(mean)), f.constant(std));
    });
  }

  /**
   * Adds the decoding of {@code encoded} with a checkpoint's own pipeline ({@link PipelineOps}: libjpeg's
   * accurate IDCT, PIL's per-axis antialiased resize with uint8 rounding, the library's crop and arithmetic).
   *
   * @throws IllegalArgumentException if the pipeline has a step TensorFlow cannot express (see {@link PipelineOps})
   */
  public static ImageDecoding build(Ops tf, Operand<TString> encoded, int height, int width, ImagePipeline pipeline) {
    PipelineOps.check(pipeline, height, width);
    return loop(tf, encoded, Shape.of(-1, height, width, 3), (f, one) -> PipelineOps.apply(f, one, pipeline));
  }

  /** The While loop over the batch; {@code perImage} maps one encoded image to its {@code [h, w, c]} floats. */
  private static ImageDecoding loop(
      Ops tf, Operand<TString> encoded, Shape batchShape, BiFunction<Ops, Operand<TString>, Operand<TFloat32>> perImage) {
    long height = batchShape.get(1);
    long width = batchShape.get(2);
    long channels = batchShape.get(3);
    ConcreteFunction cond =
        ConcreteFunction.create(
            f -> {
              LoopVars v = LoopVars.create(f, batchShape);
              return v.inputs(Signature.builder().key("decode_images_cond")).output("more", f.math.less(v.i, v.n)).build();
            });
    ConcreteFunction body =
        ConcreteFunction.create(
            f -> {
              LoopVars v = LoopVars.create(f, batchShape);
              Operand<TString> one = f.gather(v.bytes, v.i, f.constant(0));
              Operand<TFloat32> image = perImage.apply(f, one);
              Operand<TFloat32> next =
                  f.tensorScatterNdUpdate(v.acc, f.reshape(v.i, f.constant(new int[] {1, 1})),
                      f.expandDims(image, f.constant(0)));
              return v.inputs(Signature.builder().key("decode_images_body"))
                  .output("i", f.math.add(v.i, f.constant(1))).output("n", f.identity(v.n))
                  .output("bytes", f.identity(v.bytes)).output("acc", next).build();
            });
    Operand<TInt32> count = tf.squeeze(tf.shape(encoded), org.tensorflow.op.core.Squeeze.axis(List.of(0L)));
    Operand<TInt32> dims =
        tf.concat(List.of(tf.reshape(count, tf.constant(new int[] {1})), tf.constant(new int[] {(int) height, (int) width, (int) channels})),
            tf.constant(0));
    Operand<TFloat32> zeros = tf.fill(dims, tf.constant(0f));
    While loop =
        tf.whileOp(List.of(tf.constant(0), count, encoded, zeros), cond, body,
            While.outputShapes(List.of(Shape.scalar(), Shape.scalar(), Shape.of(-1), batchShape)));
    java.util.Iterator<Operand<TType>> outs = loop.iterator();
    outs.next();
    outs.next();
    outs.next();
    @SuppressWarnings("unchecked")
    Operand<TFloat32> batch = (Operand<TFloat32>) (Operand<?>) outs.next();
    return new ImageDecoding(cond, body, tf.ensureShape(batch, batchShape));
  }

  /**
   * Decodes encoded images in a short-lived graph of its own (the same ops as the serving signature),
   * for clients of exports that have no image-bytes signature.
   *
   * @return the batch {@code [n, height, width, channels]}
   */
  public static HostTensor decode(
      List<byte[]> encoded, int height, int width, int channels, Preprocessing preprocessing) {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TString> in = tf.placeholder(TString.class, Placeholder.shape(Shape.of(-1)));
      try (ImageDecoding d = build(tf, in, height, width, channels, preprocessing);
          Session s = new Session(g);
          TString t = TString.tensorOfBytes(NdArrays.vectorOfObjects(encoded.toArray(new byte[0][])));
          Result r = s.runner().feed(in, t).fetch(d.images()).run()) {
        return HostTensor.of((TFloat32) r.get(0));
      }
    }
  }

  /** {@link #decode(List, int, int, int, Preprocessing)} with a checkpoint's own pipeline (the ops of {@link #build(Ops, Operand, int, int, ImagePipeline)}). */
  public static HostTensor decode(List<byte[]> encoded, int height, int width, ImagePipeline pipeline) {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TString> in = tf.placeholder(TString.class, Placeholder.shape(Shape.of(-1)));
      try (ImageDecoding d = build(tf, in, height, width, pipeline);
          Session s = new Session(g);
          TString t = TString.tensorOfBytes(NdArrays.vectorOfObjects(encoded.toArray(new byte[0][])));
          Result r = s.runner().feed(in, t).fetch(d.images()).run()) {
        return HostTensor.of((TFloat32) r.get(0));
      }
    }
  }

  /** The decoded, normalised batch {@code [n, height, width, channels]}. */
  public Operand<TFloat32> images() {
    return images;
  }

  @Override
  public void close() {
    cond.close();
    body.close();
  }
}
