package dev.sluice;

/**
 * A task body taking 1 upstream value and returning nothing (the step's result is {@code null}).
 * Anything it throws fails the attempt.
 *
 * @param <A> the type of upstream value 1
 */
@FunctionalInterface
public interface TaskAction1<A> {
  /** Runs the task. */
  void accept(A a) throws Exception;
}
