package dev.sluice.engine.internal;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs engine actions later: retries after their delay, attempt timeouts. One daemon thread for the
 * whole engine, so a waiting retry holds no worker thread. Actions must be short; they hand real
 * work to the executor.
 */
@Singleton
final class Timer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Timer.class);
  private final ScheduledThreadPoolExecutor scheduler;

  @Inject
  Timer() {
    scheduler =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new TimerThread(r);
              t.setDaemon(true);
              return t;
            });
    scheduler.setRemoveOnCancelPolicy(true);
    scheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
  }

  /** The timer's thread, recognizable so that it never runs task code itself. */
  private static final class TimerThread extends Thread {
    TimerThread(Runnable r) {
      super(r, "sluice-timer");
    }
  }

  /** Whether the current thread is a timer thread (of any engine). */
  static boolean onTimerThread() {
    return Thread.currentThread() instanceof TimerThread;
  }

  /** Runs {@code action} after {@code delayNanos}; what it throws is logged. */
  ScheduledFuture<?> schedule(Runnable action, long delayNanos) {
    return schedule(action, delayNanos, t -> log.error("a Sluice timer action failed; ignored", t));
  }

  /**
   * Runs {@code action}, a step of flow run {@code run}, after {@code delayNanos}. If it throws,
   * the run is aborted (it ends Crashed): an action that failed would otherwise leave a task
   * waiting for ever, for example AwaitingRetry with no retry coming.
   */
  ScheduledFuture<?> schedule(Runnable action, long delayNanos, Execution run) {
    return schedule(action, delayNanos, run::abort);
  }

  private ScheduledFuture<?> schedule(
      Runnable action, long delayNanos, Consumer<Throwable> onFailure) {
    return scheduler.schedule(
        () -> {
          try {
            action.run();
          } catch (Throwable t) {
            onFailure.accept(t);
            UserCode.rethrowIfFatal(t);
          }
        },
        delayNanos,
        TimeUnit.NANOSECONDS);
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
  }
}
