package dev.sluice;

import java.io.Serializable;

/**
 * A task body taking 2 upstream values and returning a result. Anything it throws fails the
 * attempt, which the task's retry policy may retry.
 *
 * <p>{@link java.io.Serializable} only so that caching can find the method implementing a lambda or
 * method reference (see {@code CachePolicy.code()}); Sluice never serializes it.
 *
 * @param <A> the type of upstream value 1
 * @param <B> the type of upstream value 2
 * @param <R> the type of the result
 */
@FunctionalInterface
public interface TaskFunction2<A, B, R> extends Serializable {
  /** Runs the task. */
  R apply(A a, B b) throws Exception;
}
