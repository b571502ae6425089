package dev.vittf.data;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vittf.models.ModelConfig;
import dev.vittf.preprocess.ImagePipeline;
import dev.vittf.preprocess.PilResize;
import dev.vittf.preprocess.RgbImage;
import java.util.SplittableRandom;

/**
 * From a decoded photo to the model's input, for fine-tuning on an image folder. Evaluation runs the
 * checkpoint's own eval pipeline (at the model's input size, see {@link ImagePipeline#atSize}); training runs
 * the standard augmentation of timm's and torchvision's recipes: {@code RandomResizedCrop(size, scale=(minScale,
 * 1), ratio=(3/4, 4/3))} resized with the pipeline's filter, a horizontal flip with probability 1/2, then the
 * pipeline's own float conversion and normalisation. A 1-channel model reads the first channel of grey photos
 * (whose three channels are equal; {@link ImageFiles} rejects colour photos for such a model).
 *
 * @param height model input height
 * @param width model input width
 * @param channels model input channels (1 or 3)
 * @param eval the eval pipeline, producing {@code height × width × 3}
 * @param augmentation the training augmentation
 */
public record ImageTransforms(int height, int width, int channels, ImagePipeline eval, FolderAugmentation augmentation) {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final double LOG_RATIO_MIN = Math.log(3.0 / 4);
  private static final double LOG_RATIO_MAX = Math.log(4.0 / 3);

  /** Checks the sizes, and fits the eval pipeline to them. */
  public ImageTransforms {
    if (channels != 1 && channels != 3) {
      throw new DataException("image folders train models of 1 (grey) or 3 (RGB) channels, not " + channels);
    }
    eval = eval.atSize(height, width);
  }

  /** The transforms for a model's input size. */
  public static ImageTransforms forModel(ModelConfig model, ImagePipeline eval, FolderAugmentation augmentation) {
    return new ImageTransforms(model.imageHeight(), model.imageWidth(), model.channels(), eval, augmentation);
  }

  /** Values per image ({@code height · width · channels}). */
  public int imageSize() {
    return height * width * channels;
  }

  /** The eval preprocessing of one photo: {@code height × width × channels} floats, NHWC. */
  public float[] evaluation(RgbImage image) {
    return channelsOf(eval.apply(image));
  }

  /** The training preprocessing of one photo with the randomness of {@code rng}. */
  public float[] training(RgbImage image, SplittableRandom rng) {
    if (!augmentation.crops()) {
      float[] x = evaluation(image);
      return augmentation.flips() && rng.nextBoolean() ? flip(x, height, width, channels) : x;
    }
    int[] box = randomResizedCrop(image.height(), image.width(), augmentation.minScale(), rng);
    byte[] px = PilResize.resize(crop(image.pixels(), image.width(), box), box[2], box[3], 3, height, width, eval.filter());
    float[] x = channelsOf(eval.toFloats(px));
    return augmentation.flips() && rng.nextBoolean() ? flip(x, height, width, channels) : x;
  }

  /**
   * torchvision's {@code RandomResizedCrop.get_params}: up to 10 tries of a random area in {@code [minScale,
   * 1]} of the image and a log-uniform aspect ratio in {@code [3/4, 4/3]}; if none fits, the central crop of
   * the whole image with the ratio clamped to that range. Returns {@code {top, left, height, width}}.
   */
  static int[] randomResizedCrop(int h, int w, double minScale, SplittableRandom rng) {
    double area = (double) h * w;
    for (int attempt = 0; attempt < 10; attempt++) {
      double target = area * (minScale + (1 - minScale) * rng.nextDouble());
      double ratio = Math.exp(LOG_RATIO_MIN + (LOG_RATIO_MAX - LOG_RATIO_MIN) * rng.nextDouble());
      int cw = (int) Math.round(Math.sqrt(target * ratio));
      int ch = (int) Math.round(Math.sqrt(target / ratio));
      if (cw > 0 && cw <= w && ch > 0 && ch <= h) {
        return new int[] {rng.nextInt(h - ch + 1), rng.nextInt(w - cw + 1), ch, cw};
      }
    }
    double inRatio = (double) w / h;
    int cw;
    int ch;
    if (inRatio < 3.0 / 4) {
      cw = w;
      ch = (int) Math.round(w / (3.0 / 4));
    } else if (inRatio > 4.0 / 3) {
      ch = h;
      cw = (int) Math.round(h * (4.0 / 3));
    } else {
      cw = w;
      ch = h;
    }
    ch = Math.min(ch, h);
    cw = Math.min(cw, w);
    return new int[] {(h - ch) / 2, (w - cw) / 2, ch, cw};
  }

  private static byte[] crop(byte[] rgb, int w, int[] box) {
    byte[] out = new byte[box[2] * box[3] * 3];
    for (int y = 0; y < box[2]; y++) {
      System.arraycopy(rgb, ((box[0] + y) * w + box[1]) * 3, out, y * box[3] * 3, box[3] * 3);
    }
    return out;
  }

  private static float[] flip(float[] img, int h, int w, int c) {
    float[] out = new float[img.length];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        System.arraycopy(img, (y * w + x) * c, out, (y * w + w - 1 - x) * c, c);
      }
    }
    return out;
  }

  private float[] channelsOf(float[] rgb) {
    if (rgb.length != height * width * 3) {
      throw new IllegalStateException(eval.name() + " produced " + rgb.length / 3 + " pixels, the model reads " + height + "x" + width);
    }
    if (channels == 3) {
      return rgb;
    }
    float[] grey = new float[height * width];
    for (int i = 0; i < grey.length; i++) {
      grey[i] = rgb[3 * i];
    }
    return grey;
  }

  /**
   * The eval preprocessing of a model trained on images of exactly its input size with per-channel
   * statistics (the IDX path), as a timm {@code pretrained_cfg}: {@code input_size} {@code [C, H, W]},
   * bilinear squash to the input size ({@code crop_pct} 1), {@code mean} and {@code std}. {@link
   * ImagePipeline#fromJson} reads it back.
   */
  public static String exactSizeJson(ModelConfig model, Normalization norm) {
    ObjectNode cfg = JSON.createObjectNode();
    ArrayNode size = cfg.putArray("input_size");
    size.add(model.channels()).add(model.imageHeight()).add(model.imageWidth());
    cfg.put("interpolation", "bilinear");
    cfg.put("crop_pct", 1.0);
    cfg.put("crop_mode", "squash");
    ArrayNode mean = cfg.putArray("mean");
    ArrayNode std = cfg.putArray("std");
    for (int c = 0; c < norm.channels(); c++) {
      mean.add(norm.mean()[c]);
      std.add(norm.std()[c]);
    }
    return cfg.toString();
  }
}
