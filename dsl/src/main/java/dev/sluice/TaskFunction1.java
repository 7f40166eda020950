package dev.sluice;

import java.io.Serializable;

/**
 * A task body taking 1 upstream value and returning a result. Anything it throws fails the attempt,
 * which the task's retry policy may retry.
 *
 * <p>{@link java.io.Serializable} only so that caching can find the method implementing a lambda or
 * method reference (see {@code CachePolicy.code()}); Sluice never serializes it.
 *
 * @param <A> the type of upstream value 1
 * @param <R> the type of the result
 */
@FunctionalInterface
public interface TaskFunction1<A, R> extends Serializable {
  /** Runs the task. */
  R apply(A a) throws Exception;
}
