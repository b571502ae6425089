package dev.vittf.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vittf.arch.vit.ViTConfig;
import dev.vittf.core.HostTensor;
import dev.vittf.models.VitModel;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16 for the export's {@link ServingModel}: rows 1 (close under load), 2 (a wrong shape is never
 * reinterpreted: the same refusal as {@link VitModel}) and 4 (non-finite pixels refused).
 */
class ServingModelHostileInputTest {
  private static final ViTConfig TINY = ViTConfig.tiny();
  @TempDir static Path base;
  private static Path version;

  @BeforeAll
  static void export() {
    version = SavedModelExporter.export(TINY, Weights.seed(3), base, ExportOptions.defaults(), (s, t) -> {}).directory();
  }

  @Test
  void wrongShapesAreRefusedLikeVitModel() {
    HostTensor good = TestSupport.randomImages(TINY, 1, 1);
    float[] d = good.data();
    List<long[]> bad = List.of(new long[] {32, 32, 3}, new long[] {3072}, new long[] {1, 3, 32, 32},
        new long[] {2, 16, 32, 3}, new long[] {1, 32, 96, 1});
    try (ServingModel served = ServingModel.load(version); VitModel model = VitModel.create(TINY, 3)) {
      assertEquals(10, served.predict(good).get(ServingSignatures.LOGITS).dim(1));
      for (long[] shape : bad) {
        HostTensor x = new HostTensor(shape, d);
        IllegalArgumentException s = assertThrows(IllegalArgumentException.class, () -> served.predict(x));
        IllegalArgumentException v = assertThrows(IllegalArgumentException.class, () -> model.predict(x));
        assertEquals(v.getMessage(), s.getMessage());
        assertTrue(s.getMessage().startsWith("input must be NHWC [batch>=1, 32, 32, 3], got "), s.getMessage());
      }
      assertTrue(assertThrows(IllegalArgumentException.class,
          () -> served.predict(new HostTensor(new long[] {1, 3, 32, 32}, d))).getMessage().contains("NCHW"));
    }
  }

  @Test
  void nonFinitePixelsAreRefusedNamingTheImage() {
    HostTensor x = TestSupport.randomImages(TINY, 3, 1);
    float[] d = x.data().clone();
    d[2 * 32 * 32 * 3 + 100] = Float.NaN;
    try (ServingModel served = ServingModel.load(version)) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> served.predict(new HostTensor(x.shape(), d)));
      assertTrue(e.getMessage().contains("input image 2 of the batch"), e.getMessage());
      d[2 * 32 * 32 * 3 + 100] = 1e38f;
      assertThrows(IllegalArgumentException.class, () -> served.predict(new HostTensor(x.shape(), d)));
    }
  }

  @Test
  void closeUnderLoadReturnsPromptly() throws Exception {
    ServingModel served = ServingModel.load(version);
    HostTensor x = TestSupport.randomImages(TINY, 2, 1);
    served.predict(x);
    AtomicLong calls = new AtomicLong();
    ConcurrentLinkedQueue<Throwable> ends = new ConcurrentLinkedQueue<>();
    CountDownLatch done = new CountDownLatch(8);
    for (int t = 0; t < 8; t++) {
      Thread th = new Thread(() -> {
        try {
          while (true) {
            served.predict(x);
            calls.incrementAndGet();
          }
        } catch (Throwable e) {
          ends.add(e);
        } finally {
          done.countDown();
        }
      });
      th.setDaemon(true); // a hang must fail this test, not keep the JVM alive
      th.start();
    }
    Thread.sleep(500);
    assertTrue(calls.get() > 0);
    long[] closeNanos = {-1};
    Thread closer = new Thread(() -> {
      long t0 = System.nanoTime();
      served.close();
      closeNanos[0] = System.nanoTime() - t0;
    });
    closer.setDaemon(true);
    closer.start();
    closer.join(5_000);
    assertTrue(closeNanos[0] >= 0, "close() did not return within 5 s under load");
    assertTrue(done.await(5, TimeUnit.SECONDS));
    for (Throwable e : ends) {
      assertTrue(e instanceof IllegalStateException && e.getMessage().contains("is closed"), "clean failure, got " + e);
    }
    assertTrue(assertThrows(IllegalStateException.class, () -> served.predict(x)).getMessage().contains("is closed"));
  }
}
