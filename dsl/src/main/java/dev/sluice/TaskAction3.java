package dev.sluice;

/**
 * A task body taking 3 upstream values and returning nothing (the step's result is {@code null}).
 * Anything it throws fails the attempt.
 *
 * @param <A> the type of upstream value 1
 * @param <B> the type of upstream value 2
 * @param <C> the type of upstream value 3
 */
@FunctionalInterface
public interface TaskAction3<A, B, C> {
  /** Runs the task. */
  void accept(A a, B b, C c) throws Exception;
}
