package dev.vittf.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Issue 16's soak: 10,000 calls of vit-tiny, and 50 model lifecycles, with bounded RSS growth. Each
 * runs in a child JVM whose heap is fixed and pre-touched ({@code -Xms=-Xmx}, {@code AlwaysPreTouch}):
 * in the test JVM, RSS also grows while the garbage collector first touches heap pages (about 220 MB
 * over 4,000 calls with a 6 GB default heap, then flat), which says nothing about native leaks.
 */
class SoakTest {
  /** RSS (KB) after each tenth of the child's work. */
  private static List<Long> child(String mode, int n) throws IOException, InterruptedException {
    List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xms96m", "-Xmx96m",
        "-XX:+AlwaysPreTouch", "-Dorg.bytedeco.javacpp.maxPhysicalBytes=0", "-cp",
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")), SoakChild.class.getName(),
        mode, Integer.toString(n));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD);
    pb.environment().put("TF_CPP_MIN_LOG_LEVEL", "2");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(180, TimeUnit.SECONDS), "soak child finished");
    assertEquals(0, p.exitValue(), out);
    List<Long> rss = new ArrayList<>();
    for (String line : out.lines().filter(l -> l.startsWith("rss ")).toList()) {
      rss.add(Long.parseLong(line.split(" ")[2]));
    }
    assertEquals(10, rss.size(), out);
    return rss;
  }

  @Test
  void tenThousandCallsKeepRssBounded() throws Exception {
    List<Long> rss = child("runs", 10_000);
    // Each call fetches ~150 KB of outputs: a per-call leak would add > 1 GB. The first tenth warms up.
    long grown = rss.get(9) - rss.get(0);
    assertTrue(grown < 40_000, "RSS grew by " + grown + " KB from call 1,000 to 10,000: " + rss);
  }

  @Test
  void modelLifecyclesKeepRssBounded() throws Exception {
    List<Long> rss = child("models", 50);
    long grown = rss.get(9) - rss.get(0);
    assertTrue(grown < 60_000, "RSS grew by " + grown + " KB over 45 model lifecycles: " + rss);
  }
}
