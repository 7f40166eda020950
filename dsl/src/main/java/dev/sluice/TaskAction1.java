package dev.sluice;

import java.io.Serializable;

/**
 * A task body taking 1 upstream value and returning nothing (the step's result is {@code null}).
 * Anything it throws fails the attempt.
 *
 * <p>{@link java.io.Serializable} only so that caching can find the method implementing a lambda or
 * method reference (see {@code CachePolicy.code()}); Sluice never serializes it.
 *
 * @param <A> the type of upstream value 1
 */
@FunctionalInterface
public interface TaskAction1<A> extends Serializable {
  /** Runs the task. */
  void accept(A a) throws Exception;
}
