package dev.vittf.export;

import dev.vittf.core.HostTensor;
import dev.vittf.models.ModelConfig;
import dev.vittf.models.Presets;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Shared helpers: tiny presets, random inputs, directory listings, child JVMs. */
public final class TestSupport {
  private TestSupport() {}

  /** Every preset named {@code *-tiny}: one per family once all families are merged. */
  public static List<String> tinyPresets() {
    List<String> names = Presets.all().keySet().stream().filter(n -> n.endsWith("-tiny")).toList();
    if (names.isEmpty()) {
      throw new IllegalStateException("no -tiny presets registered");
    }
    return names;
  }

  public static HostTensor randomImages(ModelConfig c, int batch, long seed) {
    Random r = new Random(seed);
    float[] x = new float[batch * c.imageHeight() * c.imageWidth() * c.channels()];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextGaussian();
    }
    return new HostTensor(new long[] {batch, c.imageHeight(), c.imageWidth(), c.channels()}, x);
  }

  /**
   * The project's reference fixtures ({@code -Dvittf.fixtures=DIR}, else {@code vit-tf/fixtures} found from the
   * working directory, the module directory under surefire, or a parent).
   */
  public static Path fixtures() {
    String prop = System.getProperty("vittf.fixtures");
    if (prop != null && !prop.isBlank()) {
      return Path.of(prop).toAbsolutePath();
    }
    Path here = Path.of("").toAbsolutePath();
    for (Path p = here; p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("vit-tf/fixtures/MANIFEST.sha256"))) {
        return p.resolve("vit-tf/fixtures");
      }
    }
    throw new IllegalStateException("no vit-tf/fixtures in " + here + " or any parent (set -Dvittf.fixtures=DIR)");
  }

  /** A file of the project (e.g. {@code docs/serving/Top5Client.java}), found from the working directory or a parent. */
  public static Path projectFile(String relative) {
    Path here = Path.of("").toAbsolutePath();
    for (Path p = here; p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve(relative)) && Files.isRegularFile(p.resolve("pom.xml"))) {
        return p.resolve(relative);
      }
    }
    throw new IllegalStateException("no " + relative + " in " + here + " or any parent");
  }

  /** Relative paths of every file and directory under {@code dir}, sorted. */
  public static List<String> tree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(p -> !p.equals(dir)).map(p -> dir.relativize(p).toString()).sorted().toList();
    }
  }

  /** Names directly under {@code dir}, sorted. */
  static List<String> children(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  /** Output of a finished child process. */
  public record Child(int exitCode, String stdout, String stderr) {}

  /** The test classpath (surefire puts the real one in {@code surefire.test.class.path}). */
  static String classpath() {
    return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
  }

  /** Runs {@code mainClass args} in a fresh JVM with the test classpath and extra environment. */
  public static Child runJava(Map<String, String> env, String mainClass, String... args) throws IOException, InterruptedException {
    return runJava(env, List.of(), mainClass, args);
  }

  /** Like {@link #runJava(Map, String, String...)}, also removing the {@code unset} variables. */
  public static Child runJava(Map<String, String> env, List<String> unset, String mainClass, String... args)
      throws IOException, InterruptedException {
    return runJavaWithClasspath(classpath(), env, unset, mainClass, args);
  }

  /** Runs {@code mainClass args} in a fresh JVM with the given classpath. */
  public static Child runJavaWithClasspath(String classpath, Map<String, String> env, List<String> unset, String mainClass,
      String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-cp");
    cmd.add(classpath);
    cmd.add(mainClass);
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().putAll(env);
    unset.forEach(pb.environment()::remove);
    Path out = Files.createTempFile("child", ".out");
    Path err = Files.createTempFile("child", ".err");
    try {
      pb.redirectOutput(out.toFile()).redirectError(err.toFile());
      Process p = pb.start();
      if (!p.waitFor(300, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("child JVM timed out: " + cmd);
      }
      return new Child(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }
}
