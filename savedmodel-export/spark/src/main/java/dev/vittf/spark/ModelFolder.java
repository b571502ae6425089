package dev.vittf.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;

/**
 * A model named by a Hadoop path (a hub folder, one of our {@code .safetensors} checkpoints, or a SavedModel export:
 * a version folder with {@value #SAVED_MODEL}, or a model base folder of numeric versions): a local path ({@code /models/vit}, {@code file:/models/vit}) is used
 * where it is; any other file system Hadoop knows ({@code hdfs://}, {@code s3a://}, {@code abfs://}, {@code
 * gs://} with its connector on the classpath) is copied once to a local temporary folder, because TensorFlow and
 * the checkpoint readers read local files.
 */
final class ModelFolder {
  /** The file every hub folder has ({@code Pretrained} detects the format from it). */
  static final String CONFIG = "config.json";
  /** Our own checkpoints (train, convert): one file with config, labels and pipeline as metadata. */
  static final String CHECKPOINT_SUFFIX = ".safetensors";
  /** The file of a SavedModel version folder. */
  static final String SAVED_MODEL = "saved_model.pb";
  private static final java.util.regex.Pattern VERSION = java.util.regex.Pattern.compile("\\d+");

  private ModelFolder() {}

  /** Whether the path is on the local file system (no scheme, or {@code file:}). */
  static boolean isLocal(String modelPath) {
    String scheme = new org.apache.hadoop.fs.Path(modelPath).toUri().getScheme();
    return scheme == null || scheme.equals("file");
  }

  /**
   * Checks, without reading any weights, that the path is a folder holding a {@value #CONFIG}.
   *
   * @throws IllegalArgumentException naming the path and what is wrong with it
   */
  static void check(String modelPath, Configuration conf) {
    org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(modelPath);
    try {
      FileSystem fs = path.getFileSystem(conf);
      if (!fs.exists(path)) {
        throw new IllegalArgumentException("model " + modelPath + ": no such file or folder");
      }
      FileStatus status = fs.getFileStatus(path);
      if (!status.isDirectory()) {
        if (path.getName().endsWith(CHECKPOINT_SUFFIX)) {
          return; // one of our checkpoints: its metadata is checked when the driver loads it
        }
        throw new IllegalArgumentException("model " + modelPath + ": is a file but not a " + CHECKPOINT_SUFFIX
            + " checkpoint; expected a model folder (" + CONFIG + " with the weights beside it: a transformers, timm or "
            + "torchvision hub snapshot) or a vit-tf checkpoint (.safetensors with config metadata)");
      }
      if (!fs.exists(new org.apache.hadoop.fs.Path(path, CONFIG)) && savedModelVersion(fs, path) == null) {
        throw new IllegalArgumentException("model " + modelPath + ": the folder has no " + CONFIG + " and no " + SAVED_MODEL
            + " (expected a transformers, timm or torchvision hub snapshot, or a SavedModel export: a version folder or"
            + " a base folder of numeric versions)");
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("model " + modelPath + ": cannot be read: " + e.getMessage(), e);
    }
  }

  /**
   * The SavedModel folder to read under {@code path}: itself if it holds {@value #SAVED_MODEL}, else its highest
   * numeric version that does (TensorFlow Serving's rule), else null.
   */
  static org.apache.hadoop.fs.Path savedModelVersion(FileSystem fs, org.apache.hadoop.fs.Path path) throws IOException {
    if (fs.exists(new org.apache.hadoop.fs.Path(path, SAVED_MODEL))) {
      return path;
    }
    org.apache.hadoop.fs.Path best = null;
    long bestVersion = -1;
    for (FileStatus f : fs.listStatus(path)) {
      String name = f.getPath().getName();
      if (f.isDirectory() && VERSION.matcher(name).matches() && name.length() < 19
          && Long.parseLong(name) > bestVersion && fs.exists(new org.apache.hadoop.fs.Path(f.getPath(), SAVED_MODEL))) {
        bestVersion = Long.parseLong(name);
        best = f.getPath();
      }
    }
    return best;
  }

  /**
   * The model on the local file system: the path itself when local, else a fresh copy (of the folder, or of the
   * one checkpoint file) in {@code tmpRoot}
   * (the caller deletes it).
   */
  static Path local(String modelPath, Configuration conf, Path tmpRoot) throws IOException {
    if (isLocal(modelPath)) {
      // Hadoop's Path parses what users write (spaces, no scheme, file:/x, file:///x) the way Spark does.
      return Path.of(new org.apache.hadoop.fs.Path(modelPath).toUri().getPath());
    }
    org.apache.hadoop.fs.Path src = new org.apache.hadoop.fs.Path(modelPath);
    Path dst = Files.createTempDirectory(tmpRoot, "vittf-model-");
    FileSystem fs = src.getFileSystem(conf);
    if (fs.getFileStatus(src).isFile()) {
      Path file = dst.resolve(src.getName());
      fs.copyToLocalFile(false, src, new org.apache.hadoop.fs.Path(file.toUri().toString()), true);
      return file;
    }
    // A SavedModel base folder: only the version that is read is copied.
    org.apache.hadoop.fs.Path version = fs.exists(new org.apache.hadoop.fs.Path(src, CONFIG)) ? null : savedModelVersion(fs, src);
    if (version != null && !version.equals(src)) {
      src = version;
    }
    // The raw local file system writes no .crc files beside the copy; sub-folders (variables/, assets/) are copied whole.
    for (FileStatus f : fs.listStatus(src)) {
      fs.copyToLocalFile(false, f.getPath(), new org.apache.hadoop.fs.Path(dst.toUri().toString(), f.getPath().getName()), true);
    }
    return dst;
  }

  /** A Hadoop configuration's entries, to ship to executors (a {@link Configuration} is not serializable). */
  static HashMap<String, String> entries(Configuration conf) {
    HashMap<String, String> out = new HashMap<>();
    for (Map.Entry<String, String> e : conf) {
      out.put(e.getKey(), e.getValue());
    }
    return out;
  }

  /** A configuration holding exactly these entries. */
  static Configuration configuration(Map<String, String> entries) {
    Configuration conf = new Configuration(false);
    entries.forEach(conf::set);
    return conf;
  }
}
