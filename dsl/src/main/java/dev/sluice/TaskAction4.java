package dev.sluice;

import java.io.Serializable;

/**
 * A task body taking 4 upstream values and returning nothing (the step's result is {@code null}).
 * Anything it throws fails the attempt.
 *
 * <p>{@link java.io.Serializable} only so that caching can find the method implementing a lambda or
 * method reference (see {@code CachePolicy.code()}); Sluice never serializes it.
 *
 * @param <A> the type of upstream value 1
 * @param <B> the type of upstream value 2
 * @param <C> the type of upstream value 3
 * @param <D> the type of upstream value 4
 */
@FunctionalInterface
public interface TaskAction4<A, B, C, D> extends Serializable {
  /** Runs the task. */
  void accept(A a, B b, C c, D d) throws Exception;
}
