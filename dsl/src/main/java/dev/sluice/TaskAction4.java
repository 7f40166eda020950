package dev.sluice;

/**
 * A task body taking 4 upstream values and returning nothing (the step's result is {@code null}).
 * Anything it throws fails the attempt.
 *
 * @param <A> the type of upstream value 1
 * @param <B> the type of upstream value 2
 * @param <C> the type of upstream value 3
 * @param <D> the type of upstream value 4
 */
@FunctionalInterface
public interface TaskAction4<A, B, C, D> {
  /** Runs the task. */
  void accept(A a, B b, C c, D d) throws Exception;
}
