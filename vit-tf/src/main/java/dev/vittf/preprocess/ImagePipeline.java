package dev.vittf.preprocess;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vittf.core.HostTensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One source library's eval preprocessing, from a decoded RGB photo to the float32 NHWC tensor the
 * model reads: resize (PIL-exact, {@link PilResize}), crop, scale, normalise, in the order and with
 * the arithmetic of that library.
 *
 * <ul>
 *   <li>{@link #huggingFace}: transformers {@code ViTImageProcessor} / {@code DeiTImageProcessor} from a
 *       {@code preprocessor_config.json} (also the legacy {@code ViTFeatureExtractor} form), missing keys
 *       taking the class defaults;
 *   <li>{@link #timm}: the eval transform timm's {@code create_transform} builds from a {@code
 *       pretrained_cfg};
 *   <li>{@link #torchvisionVitB16}: {@code ViT_B_16_Weights.IMAGENET1K_V1.transforms()}.
 * </ul>
 *
 * <p>Immutable and thread-safe. {@link #forModel} finds the pipeline a hub folder or config file
 * declares.
 *
 * @param name a short description (library and settings), for logs and errors
 * @param resize how the output size of the resize step is chosen
 * @param filter the PIL resampling filter
 * @param crop how the crop offset is chosen (and what fills a crop larger than the image)
 * @param cropHeight crop height (unused without a crop)
 * @param cropWidth crop width (unused without a crop)
 * @param fill per-channel 0–255 fill of padding ({@code crop_mode='border'}); zeros otherwise
 * @param arithmetic how uint8 becomes float
 * @param rescaleFactor the factor of {@link Arithmetic#TRANSFORMERS} (1 when {@code do_rescale} is false)
 * @param mean per-channel mean, or {@code null} without normalisation
 * @param std per-channel std, or {@code null} without normalisation
 */
public record ImagePipeline(
    String name,
    Resize resize,
    ResampleFilter filter,
    Crop crop,
    int cropHeight,
    int cropWidth,
    int[] fill,
    Arithmetic arithmetic,
    double rescaleFactor,
    float[] mean,
    float[] std) {

  /** ImageNet mean (timm's {@code IMAGENET_DEFAULT_MEAN}, torchvision's recipe). */
  public static final double[] IMAGENET_MEAN = {0.485, 0.456, 0.406};
  /** ImageNet std. */
  public static final double[] IMAGENET_STD = {0.229, 0.224, 0.225};
  /** transformers' {@code IMAGENET_STANDARD_MEAN} / {@code _STD}: 0.5. */
  public static final double[] HALF = {0.5, 0.5, 0.5};
  /** The name of the built-in torchvision ViT-B/16 pipeline. */
  public static final String TORCHVISION_VIT_B_16 = "torchvision_vit_b_16";

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The key of this library's own JSON form of a pipeline ({@link #toJson}), which {@link #fromJson} reads back exactly. */
  public static final String OWN_FORM = "vit_tf_pipeline";

  /**
   * The output size of the resize step.
   *
   * @param kind the rule
   * @param height target height ({@link Kind#EXACT}, {@link Kind#KEEP_RATIO})
   * @param width target width ({@link Kind#EXACT}, {@link Kind#KEEP_RATIO})
   * @param shortest shorter-edge target ({@link Kind#SHORTEST_EDGE})
   * @param longest timm's {@code ResizeKeepRatio(longest=)} weight ({@link Kind#KEEP_RATIO})
   */
  public record Resize(Kind kind, int height, int width, int shortest, double longest) {
    /** Resize rules. */
    public enum Kind {
      /** No resize. */
      NONE,
      /** Exactly {@code height × width}, aspect not kept (transformers {@code {height, width}}, timm squash). */
      EXACT,
      /** Shorter edge to {@code shortest}, longer edge {@code int(shortest · long / short)} (torchvision, timm, transformers {@code shortest_edge}). */
      SHORTEST_EDGE,
      /** timm {@code ResizeKeepRatio}: one ratio from both edges, each edge {@code round(edge / ratio)}. */
      KEEP_RATIO
    }

    /** Checks positive sizes. */
    public Resize {
      if ((kind == Kind.EXACT || kind == Kind.KEEP_RATIO) && (height < 1 || width < 1)) {
        throw new IllegalArgumentException("resize size must be positive, got " + height + "x" + width);
      }
      if (kind == Kind.SHORTEST_EDGE && shortest < 1) {
        throw new IllegalArgumentException("shortest_edge must be positive, got " + shortest);
      }
    }

    /** The resized {@code {height, width}} of an {@code h × w} image. */
    public int[] size(int h, int w) {
      switch (kind) {
        case EXACT:
          return new int[] {height, width};
        case SHORTEST_EDGE: {
          int shortEdge = Math.min(h, w);
          int longEdge = Math.max(h, w);
          int newLong = (int) ((double) shortest * longEdge / shortEdge);
          return w <= h ? new int[] {newLong, shortest} : new int[] {shortest, newLong};
        }
        case KEEP_RATIO: {
          double ratioH = (double) h / height;
          double ratioW = (double) w / width;
          double ratio = Math.max(ratioH, ratioW) * longest + Math.min(ratioH, ratioW) * (1.0 - longest);
          return new int[] {(int) Math.rint(h / ratio), (int) Math.rint(w / ratio)};
        }
        default:
          return new int[] {h, w};
      }
    }
  }

  /** Crop rules. */
  public enum Crop {
    /** No crop. */
    NONE,
    /** transformers {@code center_crop}: offset {@code (size − crop) // 2}, zero padding if the crop is larger. */
    TRANSFORMERS_CENTER,
    /** torchvision / timm {@code CenterCrop(OrPad)}: pad {@code (crop − size) // 2} first, offset {@code int(round((size − crop) / 2))}. */
    TORCH_CENTER
  }

  /** How uint8 pixels become floats. */
  public enum Arithmetic {
    /** transformers: {@code float32(uint8 · rescale_factor)} computed in float64, then {@code (x − mean) / std} in float32. */
    TRANSFORMERS,
    /** torchvision / timm {@code ToTensor}: {@code uint8 / 255} in float32, then {@code (x − mean) / std} in float32. */
    TORCH
  }

  /** Validates the settings. */
  public ImagePipeline {
    if ((mean == null) != (std == null)) {
      throw new IllegalArgumentException("mean and std must both be given or both be absent");
    }
    if (mean != null) {
      // One value serves every channel (a grey model's statistics; torchvision's Normalize broadcasts it too).
      mean = mean.length == 1 ? new float[] {mean[0], mean[0], mean[0]} : mean;
      std = std.length == 1 ? new float[] {std[0], std[0], std[0]} : std;
      if (mean.length != 3 || std.length != 3) {
        throw new IllegalArgumentException("mean and std need 3 values (RGB) or 1, got " + mean.length + " and " + std.length);
      }
      for (float s : std) {
        if (!(s != 0 && Float.isFinite(s))) {
          throw new IllegalArgumentException("std values must be finite and non-zero, got " + Arrays.toString(std));
        }
      }
      mean = mean.clone();
      std = std.clone();
    }
    if (crop != Crop.NONE && (cropHeight < 1 || cropWidth < 1)) {
      throw new IllegalArgumentException("crop size must be positive, got " + cropHeight + "x" + cropWidth);
    }
    fill = fill == null ? new int[3] : fill.clone();
    if (!(rescaleFactor > 0 && Double.isFinite(rescaleFactor))) {
      throw new IllegalArgumentException("rescale_factor must be positive and finite, got " + rescaleFactor);
    }
  }

  // ---------------------------------------------------------------- factories

  /**
   * transformers' {@code ViTImageProcessor} / {@code DeiTImageProcessor} (and their legacy {@code
   * *FeatureExtractor} names) from the contents of a {@code preprocessor_config.json}. Missing keys take
   * the class defaults: ViT resizes to 224×224 bilinear with mean = std = 0.5; DeiT resizes to 256×256
   * bicubic, center-crops 224 and uses the ImageNet mean/std. {@code size} may be a number (legacy,
   * square), {@code [h, w]}, {@code {height, width}} (aspect not kept) or {@code {shortest_edge}} (the
   * rule of transformers' other processors; the ViT/DeiT classes themselves reject it).
   */
  public static ImagePipeline huggingFace(JsonNode config) {
    String type = text(config, "image_processor_type", text(config, "feature_extractor_type", "ViTImageProcessor"));
    boolean deit;
    if (type.startsWith("DeiT")) {
      deit = true;
    } else if (type.startsWith("ViT")) {
      deit = false;
    } else {
      throw new IllegalArgumentException("preprocessor_config.json: image_processor_type '" + type + "' is not supported "
          + "(supported: ViTImageProcessor, DeiTImageProcessor and their legacy *FeatureExtractor names)");
    }
    boolean doResize = bool(config, "do_resize", true);
    Resize resize = doResize
        ? hfSize(config.get("size"), deit ? 256 : 224, "size")
        : new Resize(Resize.Kind.NONE, 0, 0, 0, 0);
    ResampleFilter filter = ResampleFilter.ofPilCode(integer(config, "resample", deit ? 3 : 2));
    boolean doCrop = bool(config, "do_center_crop", deit);
    int cropH = 0;
    int cropW = 0;
    if (doCrop) {
      Resize c = hfSize(config.get("crop_size"), 224, "crop_size");
      if (c.kind() != Resize.Kind.EXACT) {
        throw new IllegalArgumentException("preprocessor_config.json: crop_size must be {height, width} or a number");
      }
      cropH = c.height();
      cropW = c.width();
    }
    double factor = bool(config, "do_rescale", true) ? number(config, "rescale_factor", 1.0 / 255) : 1.0;
    float[] mean = null;
    float[] std = null;
    if (bool(config, "do_normalize", true)) {
      mean = floats(config, "image_mean", deit ? IMAGENET_MEAN : HALF);
      std = floats(config, "image_std", deit ? IMAGENET_STD : HALF);
    }
    String name = "transformers " + type + " (" + describe(resize) + ", " + filter.name().toLowerCase(java.util.Locale.ROOT)
        + (doCrop ? ", center crop " + cropH + "x" + cropW : "") + ")";
    return new ImagePipeline(name, resize, filter, doCrop ? Crop.TRANSFORMERS_CENTER : Crop.NONE, cropH, cropW, null,
        Arithmetic.TRANSFORMERS, factor, mean, std);
  }

  /**
   * timm's eval transform ({@code transforms_imagenet_eval}) for a {@code pretrained_cfg}: {@code
   * input_size} (default [3, 224, 224]), {@code interpolation} (bilinear), {@code crop_pct} (0.875),
   * {@code crop_mode} ({@code center}: shorter edge to {@code floor(size / crop_pct)} then center crop;
   * {@code squash}: both edges to {@code floor(size / crop_pct)} then center crop; {@code border}: the
   * longer edge to {@code floor(size / crop_pct)}, then crop or pad with the mean colour), {@code mean},
   * {@code std} (ImageNet).
   */
  public static ImagePipeline timm(JsonNode cfg) {
    int h = 224;
    int w = 224;
    JsonNode input = cfg.get("input_size");
    if (input != null && !input.isNull()) {
      if (!input.isArray() || input.size() != 3 || !input.get(1).canConvertToInt() || !input.get(2).canConvertToInt()) {
        throw new IllegalArgumentException("pretrained_cfg.input_size must be [channels, height, width], got " + input);
      }
      h = input.get(1).asInt();
      w = input.get(2).asInt();
    }
    ResampleFilter filter = ResampleFilter.ofName(text(cfg, "interpolation", "bilinear"));
    double cropPct = cfg.hasNonNull("crop_pct") ? number(cfg, "crop_pct", 0.875) : 0.875;
    if (!(cropPct > 0)) {
      throw new IllegalArgumentException("pretrained_cfg.crop_pct must be positive, got " + cropPct);
    }
    int scaleH = (int) Math.floor(h / cropPct);
    int scaleW = (int) Math.floor(w / cropPct);
    String mode = cfg.hasNonNull("crop_mode") ? text(cfg, "crop_mode", "center") : "center";
    float[] mean = floats(cfg, "mean", IMAGENET_MEAN);
    float[] std = floats(cfg, "std", IMAGENET_STD);
    Resize resize;
    int[] fill = null;
    switch (mode) {
      case "center":
        resize = scaleH == scaleW
            ? new Resize(Resize.Kind.SHORTEST_EDGE, 0, 0, scaleH, 0)
            : new Resize(Resize.Kind.KEEP_RATIO, scaleH, scaleW, 0, 0.0);
        break;
      case "squash":
        resize = new Resize(Resize.Kind.EXACT, scaleH, scaleW, 0, 0);
        break;
      case "border":
        resize = new Resize(Resize.Kind.KEEP_RATIO, scaleH, scaleW, 0, 1.0);
        fill = new int[3];
        for (int i = 0; i < 3; i++) {
          fill[i] = (int) Math.rint(255 * (double) mean[i]);
        }
        break;
      default:
        throw new IllegalArgumentException("pretrained_cfg.crop_mode must be center, squash or border, got '" + mode + "'");
    }
    String name = "timm eval (" + h + "x" + w + ", " + filter.name().toLowerCase(java.util.Locale.ROOT) + ", crop_pct "
        + cropPct + ", crop_mode " + mode + ")";
    return new ImagePipeline(name, resize, filter, Crop.TORCH_CENTER, h, w, fill, Arithmetic.TORCH, 1.0 / 255, mean, std);
  }

  /** torchvision's {@code ViT_B_16_Weights.IMAGENET1K_V1.transforms()}: shorter edge 256 bilinear, center crop 224, ImageNet mean/std. */
  public static ImagePipeline torchvisionVitB16() {
    return torchvision(256, 224, ResampleFilter.BILINEAR, IMAGENET_MEAN, IMAGENET_STD);
  }

  /** torchvision's {@code ImageClassification} transform: shorter edge to {@code resize}, center crop {@code crop}. */
  public static ImagePipeline torchvision(int resize, int crop, ResampleFilter filter, double[] mean, double[] std) {
    return new ImagePipeline("torchvision ImageClassification (resize " + resize + ", crop " + crop + ", "
        + filter.name().toLowerCase(java.util.Locale.ROOT) + ")", new Resize(Resize.Kind.SHORTEST_EDGE, 0, 0, resize, 0),
        filter, Crop.TORCH_CENTER, crop, crop, null, Arithmetic.TORCH, 1.0 / 255, toFloats(mean), toFloats(std));
  }

  /**
   * The plain recipe for a model that declares no library pipeline: resize to exactly {@code height × width}
   * (PIL bilinear, aspect not kept), {@code uint8 / 255}, then {@code (x − mean) / std} with the model's
   * statistics. SavedModel exports without a pipeline of their own record this one.
   */
  public static ImagePipeline resized(int height, int width, dev.vittf.models.Preprocessing statistics) {
    return new ImagePipeline("resize " + height + "x" + width + " bilinear, mean " + statistics.mean() + ", std "
        + statistics.std(), new Resize(Resize.Kind.EXACT, height, width, 0, 0), ResampleFilter.BILINEAR, Crop.NONE, 0, 0,
        null, Arithmetic.TORCH, 1.0 / 255, statistics.meanArray(), statistics.stdArray());
  }

  /**
   * The pipeline a model declares. {@code path} may be a hub folder ({@code preprocessor_config.json},
   * else {@code config.json} with a timm {@code pretrained_cfg} or a torchvision {@code preprocessing}
   * block) or one of those JSON files.
   *
   * @throws IOException if a file cannot be read
   * @throws IllegalArgumentException naming the path if it declares no pipeline
   */
  public static ImagePipeline forModel(Path path) throws IOException {
    if (!Files.isDirectory(path) && path.getFileName().toString().endsWith(".safetensors")) {
      String json = dev.vittf.io.SafeTensors.read(path).metadata().get(dev.vittf.io.Checkpoints.PREPROCESSING);
      if (json == null) {
        throw new IllegalArgumentException(path + ": has no '" + dev.vittf.io.Checkpoints.PREPROCESSING + "' metadata");
      }
      return fromJson(JSON.readTree(json), path + " metadata '" + dev.vittf.io.Checkpoints.PREPROCESSING + "'");
    }
    if (Files.isDirectory(path)) {
      Path hf = path.resolve("preprocessor_config.json");
      if (Files.isRegularFile(hf)) {
        return fromJsonFile(hf);
      }
      Path config = path.resolve("config.json");
      if (Files.isRegularFile(config)) {
        return fromJsonFile(config);
      }
      throw new IllegalArgumentException(path + ": no preprocessor_config.json or config.json that declares preprocessing");
    }
    return fromJsonFile(path);
  }

  /** A pipeline by name ({@value #TORCHVISION_VIT_B_16}) or from a JSON file / hub folder path. */
  public static ImagePipeline named(String nameOrPath) throws IOException {
    if (nameOrPath.equals(TORCHVISION_VIT_B_16)) {
      return torchvisionVitB16();
    }
    Path p = Path.of(nameOrPath);
    if (!Files.exists(p)) {
      throw new IllegalArgumentException("pipeline '" + nameOrPath + "' is neither a built-in name (" + TORCHVISION_VIT_B_16
          + ") nor an existing preprocessor_config.json / config.json / hub folder");
    }
    return forModel(p);
  }

  private static ImagePipeline fromJsonFile(Path file) throws IOException {
    JsonNode root;
    try {
      root = JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new IllegalArgumentException(file + ": not valid JSON (" + e.getMessage() + ")", e);
    }
    return fromJson(root, file.toString());
  }

  /**
   * The pipeline one of the JSON forms declares (a transformers preprocessor config, a timm config with or
   * without {@code pretrained_cfg}, a torchvision {@code preprocessing} block); {@code file} names it in errors.
   */
  public static ImagePipeline fromJson(JsonNode root, String file) {
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException(file + ": expected a JSON object");
    }
    if (root.has(OWN_FORM)) {
      try {
        return JSON.treeToValue(root.get(OWN_FORM), ImagePipeline.class);
      } catch (IOException | IllegalArgumentException e) {
        throw new IllegalArgumentException(file + ": '" + OWN_FORM + "' is not a valid pipeline (" + e.getMessage() + ")", e);
      }
    }
    try {
      if (root.has("image_processor_type") || root.has("feature_extractor_type") || root.has("do_resize")
          || root.has("image_mean")) {
        return huggingFace(root);
      }
      if (root.has("pretrained_cfg")) {
        return timm(root.get("pretrained_cfg"));
      }
      if (root.has("input_size") && root.has("crop_pct")) {
        return timm(root);
      }
      JsonNode tv = root.get("preprocessing");
      if (tv != null && tv.has("resize_size")) {
        return torchvision(integer(tv, "resize_size", 256), integer(tv, "crop_size", 224),
            ResampleFilter.ofName(text(tv, "interpolation", "bilinear")), doubles(tv, "mean", IMAGENET_MEAN),
            doubles(tv, "std", IMAGENET_STD));
      }
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
    throw new IllegalArgumentException(file + ": declares no preprocessing (expected a transformers preprocessor config, "
        + "a timm config.json with pretrained_cfg, or a torchvision preprocessing block)");
  }

  // ---------------------------------------------------------------- applying

  /**
   * This pipeline for a model run at {@code height × width} (fine-tuning at another resolution, as timm's
   * {@code resolve_data_config} does for the model's input size): the crop becomes {@code height × width}
   * and the resize scales by the same factor (timm's {@code crop_pct} is kept); without a crop, the resize
   * is exactly {@code height × width}. Returns {@code this} when the output already has that size.
   */
  public ImagePipeline atSize(int height, int width) {
    if (outputHeight() == height && outputWidth() == width) {
      return this;
    }
    if (crop == Crop.NONE) {
      return new ImagePipeline(name + " at " + height + "x" + width, new Resize(Resize.Kind.EXACT, height, width, 0, 0), filter,
          crop, 0, 0, fill, arithmetic, rescaleFactor, mean, std);
    }
    double fh = (double) height / cropHeight;
    double fw = (double) width / cropWidth;
    Resize r = switch (resize.kind()) {
      case EXACT -> new Resize(Resize.Kind.EXACT, (int) Math.floor(resize.height() * fh), (int) Math.floor(resize.width() * fw), 0, 0);
      case SHORTEST_EDGE -> new Resize(Resize.Kind.SHORTEST_EDGE, 0, 0, (int) Math.floor(resize.shortest() * fh), 0);
      case KEEP_RATIO -> new Resize(Resize.Kind.KEEP_RATIO, (int) Math.floor(resize.height() * fh),
          (int) Math.floor(resize.width() * fw), 0, resize.longest());
      case NONE -> resize;
    };
    return new ImagePipeline(name + " at " + height + "x" + width, r, filter, crop, height, width, fill, arithmetic, rescaleFactor,
        mean, std);
  }

  /**
   * This pipeline as JSON in this library's own form ({@value #OWN_FORM}: every setting, so {@link #fromJson}
   * rebuilds exactly this pipeline); fine-tuned checkpoints carry it as metadata.
   */
  public String toJson() {
    return JSON.createObjectNode().set(OWN_FORM, JSON.valueToTree(this)).toString();
  }

  /** The output height, or -1 if it depends on the image (shorter-edge resize without crop). */
  public int outputHeight() {
    return crop != Crop.NONE ? cropHeight : resize.kind() == Resize.Kind.EXACT ? resize.height() : -1;
  }

  /** The output width, or -1 if it depends on the image. */
  public int outputWidth() {
    return crop != Crop.NONE ? cropWidth : resize.kind() == Resize.Kind.EXACT ? resize.width() : -1;
  }

  /** The resized {@code {height, width}} and the crop's {@code {top, left}} (after padding) for an {@code h × w} image. */
  public int[] geometry(int h, int w) {
    int[] s = resize.size(h, w);
    int[] off = cropOffset(s[0], s[1]);
    return new int[] {s[0], s[1], off[0], off[1]};
  }

  /** Runs the pipeline: {@code H × W × 3} float32, row-major NHWC without the batch axis. */
  public float[] apply(RgbImage image) {
    int[] size = resize.size(image.height(), image.width());
    if (size[0] < 1 || size[1] < 1) {
      throw new IllegalArgumentException(name + ": an image of " + image.height() + "x" + image.width()
          + " resizes to " + size[0] + "x" + size[1]);
    }
    byte[] px = PilResize.resize(image.pixels(), image.height(), image.width(), 3, size[0], size[1], filter);
    int h = size[0];
    int w = size[1];
    if (crop != Crop.NONE) {
      px = crop(px, h, w);
      h = cropHeight;
      w = cropWidth;
    }
    return toFloats(px);
  }

  /**
   * The last steps of the pipeline on already resized and cropped RGB pixels: uint8 to float with this
   * pipeline's arithmetic, then the normalisation (training augmentation ends with the same steps).
   */
  public float[] toFloats(byte[] rgb) {
    float[] out = new float[rgb.length];
    float factor255 = 255f;
    for (int i = 0; i < out.length; i++) {
      int v = rgb[i] & 0xff;
      float x = arithmetic == Arithmetic.TRANSFORMERS ? (float) (v * rescaleFactor) : v / factor255;
      if (mean != null) {
        int c = i % 3;
        x = (x - mean[c]) / std[c];
      }
      out[i] = x;
    }
    return out;
  }

  /** Runs the pipeline and returns the batch of one, {@code [1, H, W, 3]}. */
  public HostTensor tensor(RgbImage image) {
    float[] data = apply(image);
    int[] size = outputSize(image);
    return new HostTensor(new long[] {1, size[0], size[1], 3}, data);
  }

  /** The output {@code {height, width}} for this image. */
  public int[] outputSize(RgbImage image) {
    if (crop != Crop.NONE) {
      return new int[] {cropHeight, cropWidth};
    }
    return resize.size(image.height(), image.width());
  }

  /** The crop's top-left in the (padded) resized image of {@code h × w}. */
  private int[] cropOffset(int h, int w) {
    switch (crop) {
      case TRANSFORMERS_CENTER:
        return new int[] {Math.floorDiv(h - cropHeight, 2), Math.floorDiv(w - cropWidth, 2)};
      case TORCH_CENTER: {
        int ph = h + Math.max(cropHeight - h, 0);
        int pw = w + Math.max(cropWidth - w, 0);
        return new int[] {(int) Math.rint((ph - cropHeight) / 2.0), (int) Math.rint((pw - cropWidth) / 2.0)};
      }
      default:
        return new int[] {0, 0};
    }
  }

  private byte[] crop(byte[] px, int h, int w) {
    // Source row/column of each output row/column, or -1 for padding.
    int[] rows = new int[cropHeight];
    int[] cols = new int[cropWidth];
    if (crop == Crop.TRANSFORMERS_CENTER) {
      mapTransformers(rows, h);
      mapTransformers(cols, w);
    } else {
      mapTorch(rows, h);
      mapTorch(cols, w);
    }
    byte[] out = new byte[cropHeight * cropWidth * 3];
    for (int y = 0; y < cropHeight; y++) {
      for (int x = 0; x < cropWidth; x++) {
        int o = (y * cropWidth + x) * 3;
        if (rows[y] < 0 || cols[x] < 0) {
          for (int c = 0; c < 3; c++) {
            out[o + c] = (byte) fill[c];
          }
        } else {
          System.arraycopy(px, (rows[y] * w + cols[x]) * 3, out, o, 3);
        }
      }
    }
    return out;
  }

  /** transformers: zero-pad to max(size, crop) centred with ceil, then slice from (size − crop) // 2 + pad. */
  private static void mapTransformers(int[] map, int size) {
    int crop = map.length;
    int top = Math.floorDiv(size - crop, 2);
    int padded = Math.max(size, crop);
    int pad = (padded - size + 1) / 2;
    int start = Math.max(0, top + pad);
    for (int i = 0; i < crop; i++) {
      int p = start + i - pad; // position in the unpadded image
      map[i] = p >= 0 && p < size ? p : -1;
    }
  }

  /** torchvision/timm: pad (crop − size) // 2 before (and the rest after), then slice at int(round((padded − crop) / 2)). */
  private static void mapTorch(int[] map, int size) {
    int crop = map.length;
    int before = crop > size ? (crop - size) / 2 : 0;
    int padded = crop > size ? crop : size;
    int top = (int) Math.rint((padded - crop) / 2.0);
    for (int i = 0; i < crop; i++) {
      int p = top + i - before;
      map[i] = p >= 0 && p < size ? p : -1;
    }
  }

  // ---------------------------------------------------------------- JSON helpers

  private static Resize hfSize(JsonNode size, int square, String key) {
    if (size == null || size.isNull()) {
      return new Resize(Resize.Kind.EXACT, square, square, 0, 0);
    }
    if (size.canConvertToInt() && size.isIntegralNumber()) {
      return new Resize(Resize.Kind.EXACT, size.asInt(), size.asInt(), 0, 0);
    }
    if (size.isArray() && size.size() == 2) {
      return new Resize(Resize.Kind.EXACT, size.get(0).asInt(), size.get(1).asInt(), 0, 0);
    }
    if (size.isObject()) {
      if (size.has("height") && size.has("width")) {
        return new Resize(Resize.Kind.EXACT, size.get("height").asInt(), size.get("width").asInt(), 0, 0);
      }
      if (size.has("shortest_edge") && !size.has("longest_edge")) {
        return new Resize(Resize.Kind.SHORTEST_EDGE, 0, 0, size.get("shortest_edge").asInt(), 0);
      }
    }
    throw new IllegalArgumentException(key + " must be a number, [height, width], {height, width} or {shortest_edge}, got "
        + size);
  }

  private static String describe(Resize r) {
    switch (r.kind()) {
      case EXACT:
        return "resize " + r.height() + "x" + r.width();
      case SHORTEST_EDGE:
        return "shortest edge " + r.shortest();
      default:
        return "no resize";
    }
  }

  private static String text(JsonNode n, String key, String dflt) {
    return optional(n, key, dflt, JsonNode::isTextual, "a string", JsonNode::asText);
  }

  private static boolean bool(JsonNode n, String key, boolean dflt) {
    return optional(n, key, dflt, JsonNode::isBoolean, "true or false", JsonNode::asBoolean);
  }

  private static int integer(JsonNode n, String key, int dflt) {
    return optional(n, key, dflt, v -> v.isIntegralNumber() && v.canConvertToInt(), "an integer", JsonNode::asInt);
  }

  private static double number(JsonNode n, String key, double dflt) {
    return optional(n, key, dflt, JsonNode::isNumber, "a number", JsonNode::asDouble);
  }

  /** {@code n.key} read by {@code read} if {@code accepts} it, {@code dflt} if absent or null, else an error. */
  private static <T> T optional(JsonNode n, String key, T dflt, Predicate<JsonNode> accepts, String expected,
      Function<JsonNode, T> read) {
    JsonNode v = n.get(key);
    if (v == null || v.isNull()) {
      return dflt;
    }
    if (!accepts.test(v)) {
      throw new IllegalArgumentException(key + " must be " + expected + ", got " + v);
    }
    return read.apply(v);
  }

  private static double[] doubles(JsonNode n, String key, double[] dflt) {
    JsonNode v = n.get(key);
    if (v == null || v.isNull()) {
      return dflt.clone();
    }
    if (v.isNumber()) {
      return new double[] {v.asDouble(), v.asDouble(), v.asDouble()};
    }
    if (v.isArray() && v.size() == 1 && v.get(0).isNumber()) {
      return new double[] {v.get(0).asDouble(), v.get(0).asDouble(), v.get(0).asDouble()}; // a grey model's statistics
    }
    if (!v.isArray() || v.size() != 3) {
      throw new IllegalArgumentException(key + " must be a list of 3 numbers (RGB) or 1, got " + v);
    }
    List<Double> out = new ArrayList<>();
    for (JsonNode e : v) {
      if (!e.isNumber()) {
        throw new IllegalArgumentException(key + " must be a list of 3 numbers (RGB), got " + v);
      }
      out.add(e.asDouble());
    }
    return out.stream().mapToDouble(Double::doubleValue).toArray();
  }

  private static float[] floats(JsonNode n, String key, double[] dflt) {
    return toFloats(doubles(n, key, dflt));
  }

  private static float[] toFloats(double[] d) {
    float[] f = new float[d.length];
    for (int i = 0; i < d.length; i++) {
      f[i] = (float) d[i];
    }
    return f;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ImagePipeline p && name.equals(p.name) && resize.equals(p.resize) && filter == p.filter
        && crop == p.crop && cropHeight == p.cropHeight && cropWidth == p.cropWidth && Arrays.equals(fill, p.fill)
        && arithmetic == p.arithmetic && rescaleFactor == p.rescaleFactor && Arrays.equals(mean, p.mean)
        && Arrays.equals(std, p.std);
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + Arrays.hashCode(mean);
  }

  @Override
  public String toString() {
    return name;
  }
}
