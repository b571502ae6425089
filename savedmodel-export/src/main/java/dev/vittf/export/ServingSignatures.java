package dev.vittf.export;

/** Names of the serving contract (see the design notes, "Serving contract"). */
public final class ServingSignatures {
  private ServingSignatures() {}

  /** The MetaGraph tag. */
  public static final String SERVE_TAG = "serve";
  /** The default signature key: float images in, logits and probabilities out. */
  public static final String DEFAULT_KEY = "serving_default";
  /** The optional signature taking encoded images. */
  public static final String IMAGE_BYTES_KEY = "serving_image_bytes";
  /** TensorFlow Serving's predict method name. */
  public static final String PREDICT_METHOD = "tensorflow/serving/predict";
  /** Input of {@link #DEFAULT_KEY}: float32 {@code [-1, H, W, C]}. */
  public static final String IMAGES = "images";
  /** Input of {@link #IMAGE_BYTES_KEY}: string {@code [-1]}, one encoded image per element. */
  public static final String IMAGE_BYTES = "image_bytes";
  /** Output: float32 {@code [-1, classes]}. */
  public static final String LOGITS = "logits";
  /** Output: softmax of the logits, float32 {@code [-1, classes]}. */
  public static final String PROBABILITIES = "probabilities";
  /** Output: the top-k class labels, string {@code [-1, k]}, best first (looked up in {@value #LABELS_FILE}). */
  public static final String CLASSES = "classes";
  /** Output: the probabilities of {@link #CLASSES}, float32 {@code [-1, k]}. */
  public static final String SCORES = "scores";
  /** k of {@link #CLASSES} unless the export asks for another (capped at the number of classes). */
  public static final int DEFAULT_TOP_K = 5;
  /** The SavedModel assets directory (TensorFlow Serving passes its files' paths to the graph at load). */
  public static final String ASSETS_DIR = "assets";
  /** The class labels asset, one per line, line {@code i} naming logit {@code i}. */
  public static final String LABELS_FILE = "labels.txt";
  /** The signature key TensorFlow's loader runs once after restoring the variables (fills the label table). */
  public static final String INIT_OP_KEY = "__saved_model_init_op";
  /** Directory (ignored by TensorFlow Serving) holding {@value #METADATA_FILE}. */
  public static final String EXTRA_DIR = "assets.extra";
  /** Export metadata: config, preprocessing, options. */
  public static final String METADATA_FILE = "vittf.json";
}
