package dev.sluice;

/**
 * A task body taking 1 upstream value and returning a result. Anything it throws fails the attempt,
 * which the task's retry policy may retry.
 *
 * @param <A> the type of upstream value 1
 * @param <R> the type of the result
 */
@FunctionalInterface
public interface TaskFunction1<A, R> {
  /** Runs the task. */
  R apply(A a) throws Exception;
}
