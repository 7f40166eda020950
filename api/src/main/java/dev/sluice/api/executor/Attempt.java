package dev.sluice.api.executor;

import dev.sluice.api.spi.Arguments;
import java.lang.reflect.Type;
import java.util.UUID;

/**
 * One attempt of a task run, handed by the engine to a {@link TaskExecutor}.
 *
 * <p>The executor decides where {@link #run()} is called; {@code run()} executes the task's body
 * and reports the outcome to the engine itself, so the attempt is also its own completion signal:
 * no future is created per attempt. An executor that cannot run an attempt calls {@link
 * #reject(Throwable)}, which ends the attempt Crashed.
 *
 * <p>An executor that runs the body somewhere else (another process) calls {@link
 * #run(AttemptInvoker)} instead: the engine does everything it does in {@code run()} — states,
 * timeout, cancellation, retries — but asks the invoker for the body's result. The methods {@link
 * #stepName()}, {@link #arguments()}, {@link #argumentType(int)} and {@link #resultType()} describe
 * the call for it.
 *
 * <p>Exactly one of {@code run()}, {@code run(invoker)} and {@code reject()} must be called, once.
 */
public interface Attempt extends Runnable {
  /** The name of the flow. */
  String flowName();

  /** The task run's name: for an element of a mapped step, {@code step[i]}. */
  String taskName();

  /** The task run's id. */
  UUID taskRunId();

  /** The attempt's number, from 1. */
  int number();

  /** Runs the attempt on the current thread and reports its outcome to the engine. */
  @Override
  void run();

  /**
   * Like {@link #run()}, for an executor that runs attempts back to back on one thread: {@code
   * previous} is the attempt whose {@code run} returned on this thread just before, with nothing
   * run and no wait in between (only the executor's own bookkeeping). The engine may then stamp
   * this attempt's start with the instant {@code previous} ended instead of reading the clock
   * again. Default: {@link #run()}.
   */
  default void runAfter(Attempt previous) {
    run();
  }

  /** Reports that the executor could not run the attempt; it ends Crashed with this cause. */
  void reject(Throwable cause);

  /**
   * Runs the attempt on the current thread like {@link #run()}, with {@code invoker} standing in
   * for the task's body. The engine's timeout or a cancellation interrupts the calling thread while
   * the invoker runs; the invoker should then stop the remote work and return or throw promptly.
   *
   * @throws UnsupportedOperationException if this attempt cannot describe its call
   */
  default void run(AttemptInvoker invoker) {
    throw new UnsupportedOperationException(
        "attempt " + number() + " of task run '" + taskName() + "' cannot be run remotely");
  }

  /** The name of the step the body belongs to: the task's, or for a map element the map step's. */
  default String stepName() {
    return taskName();
  }

  /** For an element of a mapped step, its index in the list; otherwise -1. */
  default int mapIndex() {
    return -1;
  }

  /**
   * The values the body is called with, in argument order (for a map element, the element first).
   * Valid while the attempt runs.
   */
  default Arguments arguments() {
    throw new UnsupportedOperationException("this attempt does not describe its arguments");
  }

  /**
   * The declared type of argument {@code index}: its upstream's result type, a parameter's type, or
   * for a map element's argument 0 the list's element type; {@code Object.class} when unknown. For
   * an outcome argument, the type of the upstream's value (the argument itself is an {@link
   * dev.sluice.api.Outcome}).
   */
  default Type argumentType(int index) {
    return Object.class;
  }

  /** The name of the parameter or step argument {@code index} comes from, for messages. */
  default String argumentSource(int index) {
    return "argument " + index;
  }

  /** Whether argument {@code index} is an {@link dev.sluice.api.Outcome} of its upstream. */
  default boolean argumentIsOutcome(int index) {
    return false;
  }

  /** The declared type of the body's result, {@code Object.class} when unknown. */
  default Type resultType() {
    return Object.class;
  }
}
