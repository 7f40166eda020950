package dev.sluice;

/**
 * A task body taking no upstream values and returning nothing (the step's result is {@code null}).
 * Anything it throws fails the attempt.
 */
@FunctionalInterface
public interface TaskAction0 {
  /** Runs the task. */
  void accept() throws Exception;
}
