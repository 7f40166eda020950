package dev.sluice;

import java.io.Serializable;

/**
 * A task body taking 4 upstream values and returning a result. Anything it throws fails the
 * attempt, which the task's retry policy may retry.
 *
 * <p>{@link java.io.Serializable} only so that caching can find the method implementing a lambda or
 * method reference (see {@code CachePolicy.code()}); Sluice never serializes it.
 *
 * @param <A> the type of upstream value 1
 * @param <B> the type of upstream value 2
 * @param <C> the type of upstream value 3
 * @param <D> the type of upstream value 4
 * @param <R> the type of the result
 */
@FunctionalInterface
public interface TaskFunction4<A, B, C, D, R> extends Serializable {
  /** Runs the task. */
  R apply(A a, B b, C c, D d) throws Exception;
}
