package dev.sluice;

import java.io.Serializable;

/**
 * A task body taking 2 upstream values and returning nothing (the step's result is {@code null}).
 * Anything it throws fails the attempt.
 *
 * <p>{@link java.io.Serializable} only so that caching can find the method implementing a lambda or
 * method reference (see {@code CachePolicy.code()}); Sluice never serializes it.
 *
 * @param <A> the type of upstream value 1
 * @param <B> the type of upstream value 2
 */
@FunctionalInterface
public interface TaskAction2<A, B> extends Serializable {
  /** Runs the task. */
  void accept(A a, B b) throws Exception;
}
