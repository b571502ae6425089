package dev.vittf.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vittf.arch.cait.CaiTConfig;
import dev.vittf.arch.vit.ViTConfig;
import dev.vittf.core.HostTensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Issue 16, row 1: {@code close()} while 8 threads predict back to back returns within 5 s (TensorFlow's
 * own {@code Session.close()} waited for ever: new runs kept its active-run count above zero), every
 * thread ends with the model's "is closed" error, and later calls fail at once.
 */
class CloseUnderLoadTest {
  static HostTensor images(ModelConfig c, int batch) {
    Random r = new Random(1);
    float[] x = new float[batch * c.imageHeight() * c.imageWidth() * c.channels()];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextGaussian();
    }
    return new HostTensor(new long[] {batch, c.imageHeight(), c.imageWidth(), c.channels()}, x);
  }

  @Test
  void vitCloseUnderLoadReturnsPromptly() throws Exception {
    closeUnderLoad(ViTConfig.tiny());
  }

  @Test
  void caitCloseUnderLoadReturnsPromptly() throws Exception {
    closeUnderLoad(CaiTConfig.tiny());
  }

  private static void closeUnderLoad(ModelConfig config) throws Exception {
    VitModel model = VitModel.create(config, 1);
    HostTensor x = images(config, 2);
    model.predict(x);
    AtomicLong calls = new AtomicLong();
    ConcurrentLinkedQueue<Throwable> ends = new ConcurrentLinkedQueue<>();
    CountDownLatch done = new CountDownLatch(8);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      Thread th = new Thread(() -> {
        try {
          while (true) {
            model.predict(x);
            calls.incrementAndGet();
          }
        } catch (Throwable e) {
          ends.add(e);
        } finally {
          done.countDown();
        }
      });
      th.setDaemon(true); // a hang must fail this test, not keep the JVM alive
      threads.add(th);
      th.start();
    }
    Thread.sleep(500);
    long before = calls.get();
    assertTrue(before > 0, "the threads predicted before close");
    long[] closeNanos = {-1};
    Thread closer = new Thread(() -> {
      long t0 = System.nanoTime();
      model.close();
      closeNanos[0] = System.nanoTime() - t0;
    });
    closer.setDaemon(true);
    closer.start();
    closer.join(5_000);
    assertTrue(closeNanos[0] >= 0, "close() did not return within 5 s under load");
    assertTrue(done.await(5, java.util.concurrent.TimeUnit.SECONDS), "predicting threads stopped");
    assertEquals(8, ends.size());
    for (Throwable e : ends) {
      assertTrue(e instanceof IllegalStateException && e.getMessage().contains("closed"), "clean failure, got " + e);
    }
    long t0 = System.nanoTime();
    IllegalStateException late = assertThrows(IllegalStateException.class, () -> model.predict(x));
    assertTrue(late.getMessage().contains("is closed"), late.getMessage());
    assertTrue(System.nanoTime() - t0 < 1_000_000_000L, "a call after close fails at once");
    assertThrows(IllegalStateException.class, model::weights);
    model.close(); // idempotent
  }
}
