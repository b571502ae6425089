package dev.vittf.export;

import dev.vittf.preprocess.ImagePipeline;
import dev.vittf.preprocess.ImagePipeline.Resize;
import dev.vittf.preprocess.ResampleFilter;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.image.DecodeJpeg;
import org.tensorflow.op.image.ScaleAndTranslate;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TString;
import org.tensorflow.types.TUint8;

/**
 * A checkpoint's {@link ImagePipeline} as TensorFlow ops, for one encoded image (what {@code
 * serving_image_bytes} runs per image):
 *
 * <ul>
 *   <li>decode with {@code DecodeJpeg} (which also reads PNG and GIF) and {@code dct_method =
 *       INTEGER_ACCURATE}, PIL's libjpeg IDCT; TensorFlow's default fast IDCT is up to 15 levels off;
 *   <li>resize as PIL does — one axis at a time (width, then height), {@code ScaleAndTranslate} with
 *       {@code antialias} and the PIL kernel ({@code triangle}, {@code keyscubic}, {@code lanczos3},
 *       {@code box}), rounded and clipped to 0–255 after each pass. Measured against the fixtures
 *       (docs/preprocessing.md): every value within one uint8 level, mean ≤ 0.12 levels;
 *   <li>crop and arithmetic as the pipeline's library does (transformers floor offsets and rescale
 *       factor, torchvision/timm {@code round} offsets and {@code /255}), then {@code (x − mean) / std}.
 * </ul>
 *
 * <p>Not expressible, refused when the graph is built: PIL's nearest and Hamming filters (no such
 * {@code ScaleAndTranslate} kernel), timm's {@code ResizeKeepRatio} ({@code crop_mode=border} or a
 * non-square {@code input_size}), pipelines without a fixed output size. A crop larger than the
 * resized image fails at run time (no padding in the graph).
 */
final class PipelineOps {
  private PipelineOps() {}

  /** Refuses pipelines the graph cannot run, or whose output is not the model's input size. */
  static void check(ImagePipeline p, int height, int width) {
    kernel(p.filter());
    if (p.resize().kind() == Resize.Kind.KEEP_RATIO) {
      throw new IllegalArgumentException("pipeline '" + p.name() + "': timm's ResizeKeepRatio (crop_mode border, "
          + "non-square input_size) has no in-graph version; serve the images signature instead");
    }
    if (p.mean() == null) {
      throw new IllegalArgumentException("pipeline '" + p.name() + "': no normalisation; the in-graph pipeline needs mean/std");
    }
    if (p.outputHeight() != height || p.outputWidth() != width) {
      throw new IllegalArgumentException("pipeline '" + p.name() + "' produces " + p.outputHeight() + "x" + p.outputWidth()
          + " images, the model reads " + height + "x" + width);
    }
  }

  private static String kernel(ResampleFilter f) {
    switch (f) {
      case BILINEAR:
        return "triangle";
      case BICUBIC:
        return "keyscubic";
      case LANCZOS:
        return "lanczos3";
      case BOX:
        return "box";
      default:
        throw new IllegalArgumentException("PIL filter " + f + " has no TensorFlow ScaleAndTranslate kernel; "
            + "the in-graph pipeline supports bilinear, bicubic, lanczos and box");
    }
  }

  /** One encoded image to the model's {@code [h, w, 3]} floats. */
  static Operand<TFloat32> apply(Ops f, Operand<TString> encoded, ImagePipeline p) {
    Operand<TUint8> decoded = f.image.decodeJpeg(encoded, DecodeJpeg.channels(3L), DecodeJpeg.dctMethod("INTEGER_ACCURATE"),
        DecodeJpeg.fancyUpscaling(true));
    Operand<TInt32> shape = f.shape(decoded);
    Operand<TInt32> h = f.gather(shape, f.constant(0), f.constant(0));
    Operand<TInt32> w = f.gather(shape, f.constant(1), f.constant(0));
    Operand<TFloat32> x = f.expandDims(f.dtypes.cast(decoded, TFloat32.class), f.constant(0));
    Operand<TInt32> nh = h;
    Operand<TInt32> nw = w;
    Resize r = p.resize();
    if (r.kind() == Resize.Kind.EXACT) {
      nh = f.constant(r.height());
      nw = f.constant(r.width());
    } else if (r.kind() == Resize.Kind.SHORTEST_EDGE) {
      // int(s * long / short) in float64, as Python computes it.
      Operand<TInt32> shortEdge = f.math.minimum(h, w);
      Operand<TInt32> longEdge = f.math.maximum(h, w);
      Operand<TInt32> newLong = f.dtypes.cast(f.math.floor(f.math.div(
          f.math.mul(f.constant((double) r.shortest()), f.dtypes.cast(longEdge, TFloat64.class)),
          f.dtypes.cast(shortEdge, TFloat64.class))), TInt32.class);
      Operand<org.tensorflow.types.TBool> portrait = f.math.lessEqual(w, h);
      nh = f.select(portrait, newLong, f.constant(r.shortest()));
      nw = f.select(portrait, f.constant(r.shortest()), newLong);
    }
    if (r.kind() != Resize.Kind.NONE) {
      String kernel = kernel(p.filter());
      x = pass(f, x, h, nw, f.constant(1f), ratio(f, nw, w), kernel);
      x = pass(f, x, nh, nw, ratio(f, nh, h), f.constant(1f), kernel);
    }
    if (p.crop() != ImagePipeline.Crop.NONE) {
      Operand<TInt32> top = offset(f, nh, p.cropHeight(), p.crop());
      Operand<TInt32> left = offset(f, nw, p.cropWidth(), p.crop());
      Operand<TInt32> begin = f.stack(java.util.List.of(f.constant(0), top, left, f.constant(0)));
      x = f.slice(x, begin, f.constant(new int[] {1, p.cropHeight(), p.cropWidth(), 3}));
    }
    Operand<TFloat32> unit = p.arithmetic() == ImagePipeline.Arithmetic.TRANSFORMERS
        ? f.math.mul(x, f.constant((float) p.rescaleFactor()))
        : f.math.div(x, f.constant(255f));
    Operand<TFloat32> normalised = f.math.div(f.math.sub(unit, f.constant(p.mean())), f.constant(p.std()));
    return f.reshape(normalised, f.constant(new int[] {p.outputHeight(), p.outputWidth(), 3}));
  }

  private static Operand<TFloat32> ratio(Ops f, Operand<TInt32> out, Operand<TInt32> in) {
    return f.math.div(f.dtypes.cast(out, TFloat32.class), f.dtypes.cast(in, TFloat32.class));
  }

  /** One antialiased resize pass, rounded and clipped to uint8 values as PIL's 8-bit path. */
  private static Operand<TFloat32> pass(Ops f, Operand<TFloat32> x, Operand<TInt32> h, Operand<TInt32> w,
      Operand<TFloat32> sy, Operand<TFloat32> sx, String kernel) {
    Operand<TFloat32> r = f.image.scaleAndTranslate(x, f.stack(java.util.List.of(h, w)), f.stack(java.util.List.of(sy, sx)),
        f.constant(new float[] {0f, 0f}), ScaleAndTranslate.kernelType(kernel), ScaleAndTranslate.antialias(true));
    return f.clipByValue(f.math.round(r), f.constant(0f), f.constant(255f));
  }

  /** transformers: {@code (size − crop) // 2}; torchvision/timm: {@code int(round((size − crop) / 2))} (half to even). */
  private static Operand<TInt32> offset(Ops f, Operand<TInt32> size, int crop, ImagePipeline.Crop rule) {
    Operand<TInt32> margin = f.math.sub(size, f.constant(crop));
    if (rule == ImagePipeline.Crop.TRANSFORMERS_CENTER) {
      return f.math.floorDiv(margin, f.constant(2));
    }
    return f.dtypes.cast(f.math.rint(f.math.div(f.dtypes.cast(margin, TFloat64.class), f.constant(2.0))), TInt32.class);
  }
}
