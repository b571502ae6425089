package dev.vittf;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Checks a fixture tree against its {@code MANIFEST.sha256} files ({@code sha256sum} format, one per folder
 * that holds files, covering the files directly in that folder): every folder with files has a manifest,
 * every listed file exists with the listed hash, and no file is left unlisted.
 */
public final class FixtureManifests {
  /** The manifest's file name in every folder. */
  public static final String MANIFEST = "MANIFEST.sha256";

  private FixtureManifests() {}

  /** Every problem found under {@code root}, one message per problem naming the file (empty when all is well). */
  public static List<String> problems(Path root) throws IOException {
    List<String> problems = new ArrayList<>();
    List<Path> dirs;
    try (Stream<Path> s = Files.walk(root)) {
      dirs = s.filter(Files::isDirectory).sorted().toList();
    }
    for (Path dir : dirs) {
      TreeSet<String> files = new TreeSet<>();
      try (Stream<Path> s = Files.list(dir)) {
        s.filter(Files::isRegularFile).forEach(p -> files.add(p.getFileName().toString()));
      }
      if (files.isEmpty()) {
        continue;
      }
      Path manifest = dir.resolve(MANIFEST);
      String where = root.relativize(dir).toString();
      String prefix = where.isEmpty() ? "" : where + "/";
      if (!files.remove(MANIFEST)) {
        problems.add(prefix + MANIFEST + ": missing (the folder holds " + files.size() + " files)");
        continue;
      }
      Map<String, String> listed = parse(manifest, prefix, problems);
      for (Map.Entry<String, String> e : listed.entrySet()) {
        String name = e.getKey();
        if (!files.remove(name)) {
          problems.add(prefix + name + ": listed in " + prefix + MANIFEST + " but missing");
          continue;
        }
        String actual = sha256(dir.resolve(name));
        if (!actual.equals(e.getValue())) {
          problems.add(prefix + name + ": sha256 " + actual + ", manifest says " + e.getValue());
        }
      }
      for (String extra : files) {
        problems.add(prefix + extra + ": not listed in " + prefix + MANIFEST);
      }
    }
    return problems;
  }

  private static Map<String, String> parse(Path manifest, String prefix, List<String> problems) throws IOException {
    Map<String, String> listed = new LinkedHashMap<>();
    List<String> lines = Files.readAllLines(manifest, StandardCharsets.UTF_8);
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.isBlank()) {
        continue;
      }
      // sha256sum writes "<64 hex><space><space or * for binary mode><name>".
      if (!line.matches("[0-9a-f]{64} [ *][^/]+")) {
        problems.add(prefix + MANIFEST + ":" + (i + 1) + ": not '<sha256>  <file name>': " + line);
        continue;
      }
      String name = line.substring(66);
      if (listed.put(name, line.substring(0, 64)) != null) {
        problems.add(prefix + MANIFEST + ":" + (i + 1) + ": " + name + " listed twice");
      }
    }
    return listed;
  }

  static String sha256(Path file) throws IOException {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        digest.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }
}
