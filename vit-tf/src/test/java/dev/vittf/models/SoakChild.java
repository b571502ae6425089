package dev.vittf.models;

import dev.vittf.arch.vit.ViTConfig;
import dev.vittf.core.HostTensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Child JVM of {@link SoakTest}: {@code runs N} makes N calls of vit-tiny (batch 8, three outputs) and
 * prints {@code rss CALLS KB} every tenth; {@code models N} builds, runs and closes N models (graph and
 * eager) and prints the same. Started with a fixed, pre-touched heap, so that RSS growth is native memory.
 */
public final class SoakChild {
  private SoakChild() {}

  static long rssKb() throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IllegalStateException("no VmRSS");
  }

  public static void main(String[] args) throws Exception {
    ViTConfig tiny = ViTConfig.tiny();
    HostTensor x = CloseUnderLoadTest.images(tiny, 8);
    int n = Integer.parseInt(args[1]);
    if (args[0].equals("runs")) {
      try (VitModel model = VitModel.create(tiny)) {
        for (int i = 1; i <= n; i++) {
          model.run(x, "logits", "tokens", "blocks/0/attn/probs");
          if (i % (n / 10) == 0) {
            System.out.println("rss " + i + " " + rssKb());
          }
        }
      }
    } else {
      for (int i = 1; i <= n; i++) {
        try (VitModel m = VitModel.create(tiny)) {
          m.predict(x);
        }
        EagerRunner.logits(tiny, Map.of(), x);
        if (i % (n / 10) == 0) {
          System.out.println("rss " + i + " " + rssKb());
        }
      }
    }
  }
}
