package dev.sluice.api.executor;

import dev.sluice.api.Flow;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Runs attempts. Implementations must be thread-safe: the engine calls {@link #execute} from any
 * thread, including from inside a running attempt (to start the tasks it made ready).
 */
public interface TaskExecutor extends AutoCloseable {
  /** The name this executor is selected by, e.g. {@code "local"}. */
  String name();

  /**
   * Arranges for {@link Attempt#run()} (or, if impossible, {@link Attempt#reject}) to be called.
   * Must not block on the attempt's completion.
   */
  void execute(Attempt attempt);

  /**
   * Like {@link #execute}, for an attempt made ready by the attempt now ending on this thread,
   * after that attempt's body returned: an executor may run it on this thread as soon as the
   * current attempt is done, saving a hand-off through its queue (a chain of steps then costs no
   * queue operation). The engine passes at most one such attempt per ending attempt. Default:
   * {@link #execute}.
   */
  default void executeNext(Attempt attempt) {
    execute(attempt);
  }

  /**
   * Like {@link #execute}, called on a thread that must not run the attempt itself: the engine's
   * timer thread (a retry whose delay passed, a step made ready by a timeout), whose other delays
   * and timeouts would stop while it ran task code. Default: {@link #execute}, for executors that
   * never run attempts on the calling thread.
   */
  default void executeDetached(Attempt attempt) {
    execute(attempt);
  }

  /**
   * Offers a share of the engine's own work to another thread: making ready a range of the steps
   * downstream of a step with very many (a wide fan-out), so that several threads make them ready
   * at once instead of one thread making them ready one by one. Returns {@code false} if this
   * executor does not take it, the default (the caller then does the work itself); if it returns
   * {@code true}, the executor runs {@code work} exactly once, soon, on one of its threads — or, if
   * it is closed before a thread took it, on the thread that closes it, as the runs it belongs to
   * cannot end without it. The work runs no attempt, but it may run user code that decides whether
   * a step runs (a condition, the items of a map) and may offer parts of itself again.
   */
  default boolean offload(Runnable work) {
    return false;
  }

  /**
   * Called by a thread that waits for {@code done}, typically the caller of a blocking run. An
   * executor that runs attempts on the waiting thread (the local executor) runs them here until
   * {@code done} completes; others just wait, which is the default.
   *
   * @throws InterruptedException if the waiting thread is interrupted
   */
  default void runUntil(CompletableFuture<?> done) throws InterruptedException {
    try {
      done.get();
    } catch (ExecutionException e) {
      // The caller reads the outcome from the future itself.
    }
  }

  /**
   * Checks that this executor can run {@code flow}; the engine calls it before the first run of a
   * flow starts, so a flow it cannot run fails before anything runs. Default: every flow.
   *
   * @throws IllegalArgumentException naming the flow, what is missing and how to add it
   */
  default void check(Flow<?> flow) {}

  /** Stops the executor and releases its threads or processes. */
  @Override
  void close();
}
