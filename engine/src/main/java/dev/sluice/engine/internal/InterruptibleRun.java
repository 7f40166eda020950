package dev.sluice.engine.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import org.jspecify.annotations.Nullable;

/**
 * The interrupt protocol of a task run whose attempts run code on some thread: how an attempt that
 * is running is decided by someone else (a timeout, a cancellation) without a fence on the hot
 * path, and without an interrupt meant for it reaching the next task its thread runs.
 *
 * <p>The runner takes the task run with one CAS (QUEUED → RUNNING), records the start, then
 * publishes its thread and the attempt it recorded with release stores ({@link #recordRunner}). An
 * interrupter counts itself in {@code interrupters}, wins the CAS RUNNING → OWNED, waits until
 * {@code recorded} reaches the attempt (so the history is no longer being written), interrupts the
 * runner, and counts itself out ({@link #takeOverRunning}). A runner whose outcome CAS fails waits
 * until {@code interrupters} is zero before it clears its interrupt flag ({@link
 * #awaitInterrupters}).
 *
 * <p>One layer of the task-run classes, each in its own file: {@link TaskRunState} (phase and
 * history), this, {@link SlottedRun} (concurrency slots), {@link CacheableRun} (the cache's hooks),
 * {@link AttemptNode} (dispatching and running attempts). The layers share one object, so the hot
 * path pays no indirection for the split.
 */
abstract class InterruptibleRun extends TaskRunState {
  private @Nullable Thread runner;
  private int recorded;
  private int interrupters;

  private static final VarHandle RUNNER;
  private static final VarHandle RECORDED;
  private static final VarHandle INTERRUPTERS;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      RUNNER = lookup.findVarHandle(InterruptibleRun.class, "runner", Thread.class);
      RECORDED = lookup.findVarHandle(InterruptibleRun.class, "recorded", int.class);
      INTERRUPTERS = lookup.findVarHandle(InterruptibleRun.class, "interrupters", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  InterruptibleRun(Execution execution, int index) {
    super(execution, index);
  }

  /**
   * The runner recorded the start of {@code attempt}: interrupters may now interrupt this thread.
   */
  final void recordRunner(int attempt) {
    RUNNER.setRelease(this, Thread.currentThread());
    RECORDED.setRelease(this, attempt);
  }

  /**
   * The runner lost {@code attempt} to an interrupter before recording anything: let the
   * interrupter go on, then wait until its interrupt has landed and clear it.
   */
  final void yieldToInterrupter(int attempt) {
    RECORDED.setRelease(this, attempt);
    awaitInterrupters();
  }

  /**
   * Decides running attempt {@code attempt} from outside (a timeout, a cancellation): takes the
   * task run, waits until the runner has recorded the start, and interrupts it. Returns false if
   * the attempt was already decided.
   */
  final boolean takeOverRunning(int attempt) {
    INTERRUPTERS.getAndAdd(this, 1);
    try {
      if (!casPhase(phase(attempt, RUNNING), phase(attempt, OWNED))) {
        return false;
      }
      while ((int) RECORDED.getAcquire(this) < attempt) {
        Thread.onSpinWait(); // the runner is between its CAS and the record: a few instructions
      }
      if (RUNNER.getAcquire(this) instanceof Thread thread && attempts == attempt) {
        thread.interrupt();
      }
      return true;
    } finally {
      INTERRUPTERS.getAndAdd(this, -1);
    }
  }

  /** Waits until no interrupt meant for this attempt is on its way, then clears this thread's. */
  final void awaitInterrupters() {
    while ((int) INTERRUPTERS.getVolatile(this) > 0) {
      Thread.onSpinWait();
    }
    Thread.interrupted();
  }
}
