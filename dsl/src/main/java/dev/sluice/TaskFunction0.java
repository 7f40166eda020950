package dev.sluice;

import java.io.Serializable;

/**
 * A task body taking no upstream values and returning a result. Anything it throws fails the
 * attempt, which the task's retry policy may retry.
 *
 * <p>{@link java.io.Serializable} only so that caching can find the method implementing a lambda or
 * method reference (see {@code CachePolicy.code()}); Sluice never serializes it.
 *
 * @param <R> the type of the result
 */
@FunctionalInterface
public interface TaskFunction0<R> extends Serializable {
  /** Runs the task. */
  R apply() throws Exception;
}
