package dev.sluice;

import dev.sluice.api.spi.Arguments;
import dev.sluice.api.spi.TaskBody;
import java.io.Serializable;
import org.jspecify.annotations.Nullable;

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
public interface TaskFunction0<R> extends Serializable, TaskBody {
  /** Runs the task. */
  R apply() throws Exception;

  /**
   * Runs the task with the upstream values in {@code args}, in the order they were given: how the
   * engine calls it, so the function is the step's body itself and a run allocates no adapter.
   */
  @Override
  default @Nullable Object invoke(Arguments args) throws Exception {
    return apply();
  }
}
