package dev.vittf.core;

import java.time.Duration;
import java.util.Objects;

/**
 * Admits calls to an object that owns native resources (a TensorFlow session and graph) and closes
 * it without hanging under load. {@link #close} first marks the object closed, so every later {@link
 * #enter} fails at once with an {@link IllegalStateException}; it then waits only for the calls already
 * in flight, and at most {@code wait}; the resources are released by whichever comes last: {@code
 * close} or the last call in flight leaving.
 *
 * <p>Why: TensorFlow Java's {@code Session.close()} waits until its count of active runs is zero, but
 * new runs may start while it waits; with a few threads predicting back to back the count never
 * reaches zero and {@code close()} blocks for ever. Closing the gate first stops new runs from
 * starting, so the count drains.
 */
public final class CallGate {
  /** How long {@link #close()} waits for calls in flight by default. */
  public static final Duration DEFAULT_CLOSE_WAIT = Duration.ofSeconds(2);

  private final String what;
  private final Runnable release;
  /** Guarded by {@code this}. */
  private int inFlight;
  /** Guarded by {@code this}. */
  private boolean closed;
  /** Guarded by {@code this}. */
  private boolean released;

  /**
   * A gate for {@code what} (named in the error of a call after close) that runs {@code release} once,
   * when it is closed and no call is in flight.
   */
  public CallGate(String what, Runnable release) {
    this.what = Objects.requireNonNull(what);
    this.release = Objects.requireNonNull(release);
  }

  /**
   * Admits one call; pair it with {@link #leave()} in a {@code finally} block: {@code gate.enter(); try
   * { ... } finally { gate.leave(); }}.
   *
   * @throws IllegalStateException if the gate is closed
   */
  public synchronized void enter() {
    if (closed) {
      throw new IllegalStateException(what + " is closed");
    }
    inFlight++;
  }

  /** Fails with {@link IllegalStateException} if the gate is closed (for accessors that start no call). */
  public synchronized void checkOpen() {
    if (closed) {
      throw new IllegalStateException(what + " is closed");
    }
  }

  /** Whether {@link #close} was called. */
  public synchronized boolean isClosed() {
    return closed;
  }

  /** Number of calls in flight. */
  public synchronized int inFlight() {
    return inFlight;
  }

  /** Whether the resources have been released. */
  public synchronized boolean released() {
    return released;
  }

  /** Ends a call admitted by {@link #enter()}. */
  public void leave() {
    boolean last;
    synchronized (this) {
      if (inFlight == 0) {
        throw new IllegalStateException("leave() without enter()");
      }
      inFlight--;
      last = closed && inFlight == 0 && !released;
      if (last) {
        released = true;
      }
      notifyAll();
    }
    if (last) {
      release.run();
    }
  }

  /** {@link #close(Duration)} with {@link #DEFAULT_CLOSE_WAIT}. */
  public boolean close() {
    return close(DEFAULT_CLOSE_WAIT);
  }

  /**
   * Closes the gate: later calls fail at once; waits at most {@code wait} for the calls in flight. Safe
   * to call more than once and from any thread (not from inside an admitted call, which would only
   * wait out {@code wait}).
   *
   * @return whether the resources were released before returning (false when calls were still in
   *     flight after {@code wait}: the last of them releases them)
   */
  public boolean close(Duration wait) {
    long deadline = System.nanoTime() + wait.toNanos();
    boolean releaseNow;
    synchronized (this) {
      closed = true;
      boolean interrupted = false;
      while (inFlight > 0 && !released) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          break;
        }
        try {
          wait(Math.max(1, left / 1_000_000));
        } catch (InterruptedException e) {
          interrupted = true;
          break;
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
      releaseNow = inFlight == 0 && !released;
      if (releaseNow) {
        released = true;
      }
      if (!releaseNow) {
        return released;
      }
    }
    release.run();
    return true;
  }
}
