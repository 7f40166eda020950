package dev.sluice;

/**
 * A task body taking no upstream values and returning a result. Anything it throws fails the
 * attempt, which the task's retry policy may retry.
 *
 * @param <R> the type of the result
 */
@FunctionalInterface
public interface TaskFunction0<R> {
  /** Runs the task. */
  R apply() throws Exception;
}
