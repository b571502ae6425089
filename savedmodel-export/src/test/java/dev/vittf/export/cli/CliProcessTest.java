package dev.vittf.export.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vittf.export.TestSupport;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real entry point in a separate process, started without {@code TF_CPP_MIN_LOG_LEVEL}: it
 * relaunches itself with quiet TensorFlow logging, so a successful export prints nothing on stderr
 * and a failure prints exactly one line.
 */
class CliProcessTest {

  @Test
  void quietByDefaultAndOneLineErrors(@TempDir Path dir) throws Exception {
    String base = dir.resolve("models").toString();
    List<String> unset = List.of("TF_CPP_MIN_LOG_LEVEL", "TF_XLA_FLAGS", Relaunch.MARKER, Relaunch.DISABLE);
    TestSupport.Child ok = TestSupport.runJava(Map.of(), unset, VitTfExport.class.getName(),
        "export", "--preset", "vit-tiny", "-o", base, "--version", "1");
    assertEquals(0, ok.exitCode(), ok.stderr());
    assertEquals("", ok.stderr());
    assertTrue(ok.stdout().contains("exported version 1 to "), ok.stdout());

    TestSupport.Child again = TestSupport.runJava(Map.of(), unset, VitTfExport.class.getName(),
        "export", "--preset", "vit-tiny", "-q", "-o", base, "--version", "1");
    assertEquals(VitTfExport.EXIT_VERSION_EXISTS, again.exitCode());
    assertEquals(List.of("error: version 1 already exists at " + dir.resolve("models").toAbsolutePath().resolve("1")
        + " (choose another version, omit it for the next free one, or overwrite)"), again.stderr().lines().toList());
  }
}
