package dev.sluice.executor.local;

import dev.sluice.api.executor.Attempt;
import dev.sluice.api.executor.TaskExecutor;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * Runs attempts on the calling thread, one at a time, in a deterministic order.
 *
 * <p>A thread that hands over an attempt while not already running one runs it at once, then every
 * attempt handed over meanwhile, first in first out (a trampoline: a chain of a million steps does
 * not grow the stack). So a flow's attempts run on the thread that starts it, in breadth-first
 * topological order of its DAG. Attempts the engine's timer hands over ({@link #executeDetached}:
 * retries whose delay passed, steps made ready by a timeout) go to a thread waiting in {@link
 * #runUntil}; when nobody waits, a helper thread of this executor runs them, so the timer never
 * runs task code and its timeouts keep firing. Attempts handed over by other threads run on the
 * handing thread when nobody waits.
 */
final class LocalExecutor implements TaskExecutor {
  /** Attempts handed over on this thread while it runs one; null when it runs none. */
  private static final ThreadLocal<@Nullable ArrayDeque<Attempt>> RUNNING = new ThreadLocal<>();

  private final LinkedBlockingQueue<Runnable> handOff = new LinkedBlockingQueue<>();
  private final AtomicInteger waiting = new AtomicInteger();
  private final AtomicBoolean helping = new AtomicBoolean();
  private volatile boolean closed;

  @Override
  public String name() {
    return LocalExecutorProvider.NAME;
  }

  @Override
  public void execute(Attempt attempt) {
    if (closed) {
      attempt.reject(new IllegalStateException("the local executor is closed"));
      return;
    }
    ArrayDeque<Attempt> queue = RUNNING.get();
    if (queue != null) {
      queue.addLast(attempt);
    } else if (waiting.get() > 0) {
      handOff.add(attempt);
      // Dekker with runUntil(): a waiter that left after we read `waiting` may not have seen the
      // attempt, so when nobody waits any more, run what was handed over ourselves.
      if (waiting.get() == 0) {
        drainHandOff();
      }
    } else {
      drain(attempt);
    }
  }

  @Override
  public void executeDetached(Attempt attempt) {
    if (closed) {
      attempt.reject(new IllegalStateException("the local executor is closed"));
      return;
    }
    handOff.add(attempt);
    if (waiting.get() == 0) {
      startHelper();
    }
  }

  /** Starts the helper thread unless it runs: it takes what was handed over while nobody waits. */
  private void startHelper() {
    if (helping.compareAndSet(false, true)) {
      Thread helper =
          new Thread(
              () -> {
                do {
                  drainHandOff();
                  helping.set(false);
                  // Something handed over after our last poll, with nobody waiting: go on.
                } while (!handOff.isEmpty()
                    && waiting.get() == 0
                    && helping.compareAndSet(false, true));
              },
              "sluice-local-helper");
      helper.setDaemon(true);
      helper.start();
    }
  }

  /** Runs what was handed over and nobody took: one poll per item, so each runs once. */
  private void drainHandOff() {
    Runnable next;
    while ((next = handOff.poll()) != null) {
      if (next instanceof Attempt attempt) {
        ArrayDeque<Attempt> queue = RUNNING.get();
        if (queue != null) {
          queue.addLast(attempt);
        } else {
          drain(attempt);
        }
      }
    }
  }

  /** Runs {@code first} and everything it hands over, on this thread. */
  private static void drain(Runnable first) {
    ArrayDeque<Attempt> queue = new ArrayDeque<>();
    RUNNING.set(queue);
    RuntimeException failure = null;
    try {
      Runnable next = first;
      Attempt previous = null; // run just before `next`, back to back on this thread
      while (next != null) {
        try {
          if (previous != null && next instanceof Attempt attempt) {
            attempt.runAfter(previous);
          } else {
            next.run();
          }
          previous = next instanceof Attempt attempt ? attempt : null;
        } catch (RuntimeException e) {
          // An attempt broke its contract by throwing; the ones queued behind it still run.
          previous = null;
          if (failure == null) {
            failure = e;
          } else {
            failure.addSuppressed(e);
          }
        }
        next = queue.pollFirst();
      }
    } finally {
      RUNNING.remove();
    }
    if (failure != null) {
      throw failure;
    }
  }

  @Override
  public void runUntil(CompletableFuture<?> done) throws InterruptedException {
    if (done.isDone()) {
      return;
    }
    // Non-null when a task waits for a flow it started itself: run what this thread queued, or the
    // inner flow could never make progress.
    ArrayDeque<Attempt> own = RUNNING.get();
    waiting.incrementAndGet();
    Runnable wake = () -> {};
    done.whenComplete((result, error) -> handOff.add(wake));
    try {
      while (!done.isDone()) {
        if (own != null) {
          Attempt queued = own.pollFirst();
          if (queued != null) {
            queued.run();
            continue;
          }
        }
        Runnable next = handOff.poll(100, TimeUnit.MILLISECONDS);
        if (next == null || next == wake) {
          continue;
        }
        if (own != null) {
          next.run();
        } else {
          drain(next);
        }
      }
    } finally {
      handOff.remove(wake);
      if (waiting.decrementAndGet() == 0) {
        drainHandOff(); // what arrived for a waiter must not be stranded when the last one leaves
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    Runnable pending;
    while ((pending = handOff.poll()) != null) {
      if (pending instanceof Attempt attempt) {
        attempt.reject(new IllegalStateException("the local executor was closed"));
      }
    }
  }

  @Override
  public String toString() {
    return "local";
  }
}
