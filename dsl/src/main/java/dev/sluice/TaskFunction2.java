package dev.sluice;

/**
 * A task body taking 2 upstream values and returning a result. Anything it throws fails the
 * attempt, which the task's retry policy may retry.
 *
 * @param <A> the type of upstream value 1
 * @param <B> the type of upstream value 2
 * @param <R> the type of the result
 */
@FunctionalInterface
public interface TaskFunction2<A, B, R> {
  /** Runs the task. */
  R apply(A a, B b) throws Exception;
}
