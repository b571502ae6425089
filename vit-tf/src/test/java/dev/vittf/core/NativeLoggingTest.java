package dev.vittf.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which native log lines the command-line tools filter, and when they relaunch to set the log level. */
class NativeLoggingTest {

  @Test
  void filtersInformationalLinesAndTheOneDnnInt32NoticeOnly() {
    // Lines as TensorFlow 2.18 prints them in the CLI runs.
    assertTrue(NativeLogging.isNoise("WARNING: All log messages before absl::InitializeLog() is called are written to STDERR"));
    assertTrue(NativeLogging.isNoise("I0000 00:00:1796225429.316592    5796 mlir_graph_optimization_pass.cc:401] MLIR V1 optimization pass is not enabled"));
    assertTrue(NativeLogging.isNoise("2026-12-02 15:51:25.700000: I tensorflow/core/platform/cpu_feature_guard.cc:210] This TensorFlow binary is optimized"));
    assertTrue(NativeLogging.isNoise("2026-12-02 15:51:25.710285: E tensorflow/core/util/util.cc:131] oneDNN supports DT_INT32 only on "
        + "platforms with AVX-512. Falling back to the default Eigen-based implementation if present."));
    assertTrue(NativeLogging.isNoise("E0000 00:00:1796225429.316592    5796 tensorflow/core/util/util.cc:131] oneDNN supports DT_INT32 "
        + "only on platforms with AVX-512. Falling back to the default Eigen-based implementation if present."));
    // Real errors and the program's own output stay.
    assertFalse(NativeLogging.isNoise("2026-12-02 15:51:25.710285: E tensorflow/core/framework/op_kernel.cc:1830] OP_REQUIRES failed"));
    assertFalse(NativeLogging.isNoise("E0000 00:00:1796225429.316592    5796 util.cc:131] something else"));
    assertFalse(NativeLogging.isNoise("2026-12-02 15:51:25.710285: F tensorflow/core/util/util.cc:131] oneDNN supports DT_INT32 only on platforms with AVX-512."));
    assertFalse(NativeLogging.isNoise("error: fixture directory not found: /tmp/x"));
    assertFalse(NativeLogging.isNoise("train-bench vit-tiny batch 2: 12.3 ms/step"));
  }

  @Test
  void setsTheLevelOnlyWhenUnsetAndNotVerbose() {
    assertEquals(Map.of(NativeLogging.LOG_LEVEL, "2"), NativeLogging.quietEnv(new String[] {"demo"}, Map.of()));
    assertEquals(Map.of(), NativeLogging.quietEnv(new String[] {"demo", "--verbose"}, Map.of()));
    assertEquals(Map.of(), NativeLogging.quietEnv(new String[] {"demo"}, Map.of(NativeLogging.LOG_LEVEL, "0")));
    assertTrue(NativeLogging.verbose(new String[] {"bench", "--verbose"}));
    assertEquals(1, NativeLogging.withoutVerbose(new String[] {"bench", "--verbose"}).length);
  }
}
