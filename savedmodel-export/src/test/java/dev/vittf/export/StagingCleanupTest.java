package dev.vittf.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vittf.arch.vit.ViTConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16, faults: what an export killed with {@code kill -9} leaves (its staging directory; during an
 * overwrite, the old version moved aside) is never a version a reader picks up, and the next export
 * cleans it up and says so.
 */
class StagingCleanupTest {
  /** The id of a process that has exited. */
  private static long deadPid() throws Exception {
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-version")
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    return p.pid();
  }

  @Test
  void theNextExportRemovesDeadStagingAndRestoresAnInterruptedOverwrite(@TempDir Path base) throws Exception {
    long dead = deadPid();
    Path killedNew = base.resolve(VersionDirectories.STAGING_PREFIX + "1-" + dead + "-123");
    Files.createDirectories(killedNew.resolve("model/variables"));
    Files.writeString(killedNew.resolve("model/saved_model.pb"), "partial");
    // An overwrite of version 2 killed between its renames: version 2 is moved aside, not yet replaced.
    Path killedOverwrite = base.resolve(VersionDirectories.STAGING_PREFIX + "2-" + dead + "-456");
    Files.createDirectories(killedOverwrite.resolve("replaced"));
    Files.writeString(killedOverwrite.resolve("replaced/saved_model.pb"), "the old version 2");
    // A live export's staging (this process) must be left alone.
    Path live = base.resolve(VersionDirectories.STAGING_PREFIX + "9-" + ProcessHandle.current().pid() + "-789");
    Files.createDirectories(live);
    assertEquals(List.of(), TestSupport.tree(base).stream().filter(n -> n.matches("\\d+")).toList(),
        "no numeric version exists, so Serving picks nothing up");

    List<String> stages = new ArrayList<>();
    SavedModelExporter.Result r = SavedModelExporter.export(ViTConfig.tiny(), Weights.seed(1), base,
        ExportOptions.defaults(), (s, t) -> stages.add(s));
    assertEquals("the old version 2", Files.readString(base.resolve("2/saved_model.pb")));
    assertEquals(3, r.version());
    List<String> cleanup = stages.stream().filter(s -> s.startsWith("clean up: ")).sorted().toList();
    assertEquals(3, cleanup.size(), stages.toString());
    assertTrue(cleanup.get(0).contains("removed " + killedNew.getFileName() + ", left by export process " + dead), cleanup.toString());
    assertTrue(cleanup.stream().anyMatch(s -> s.startsWith("clean up: restored version 2")), cleanup.toString());
    assertEquals(List.of(live.getFileName().toString(), "2", "3"), TestSupport.children(base));
  }
}
