package dev.sluice.api.executor;

import java.util.UUID;

/**
 * One attempt of a task run, handed by the engine to a {@link TaskExecutor}.
 *
 * <p>The executor decides where {@link #run()} is called; {@code run()} executes the task's body
 * and reports the outcome to the engine itself, so the attempt is also its own completion signal:
 * no future is created per attempt. An executor that cannot run an attempt calls {@link
 * #reject(Throwable)}, which ends the attempt Crashed.
 *
 * <p>Exactly one of {@code run()} and {@code reject()} must be called, once.
 */
public interface Attempt extends Runnable {
  /** The name of the flow. */
  String flowName();

  /** The task run's name. */
  String taskName();

  /** The task run's id. */
  UUID taskRunId();

  /** The attempt's number, from 1. */
  int number();

  /** Runs the attempt on the current thread and reports its outcome to the engine. */
  @Override
  void run();

  /** Reports that the executor could not run the attempt; it ends Crashed with this cause. */
  void reject(Throwable cause);
}
