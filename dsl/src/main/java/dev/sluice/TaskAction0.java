package dev.sluice;

import java.io.Serializable;

/**
 * A task body taking no upstream values and returning nothing (the step's result is {@code null}).
 * Anything it throws fails the attempt.
 *
 * <p>{@link java.io.Serializable} only so that caching can find the method implementing a lambda or
 * method reference (see {@code CachePolicy.code()}); Sluice never serializes it.
 */
@FunctionalInterface
public interface TaskAction0 extends Serializable {
  /** Runs the task. */
  void accept() throws Exception;
}
