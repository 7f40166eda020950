package dev.sluice;

/**
 * A task body taking 2 upstream values and returning nothing (the step's result is {@code null}).
 * Anything it throws fails the attempt.
 *
 * @param <A> the type of upstream value 1
 * @param <B> the type of upstream value 2
 */
@FunctionalInterface
public interface TaskAction2<A, B> {
  /** Runs the task. */
  void accept(A a, B b) throws Exception;
}
