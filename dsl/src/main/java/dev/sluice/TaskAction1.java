package dev.sluice;

import dev.sluice.api.spi.Arguments;
import dev.sluice.api.spi.TaskBody;
import java.io.Serializable;
import org.jspecify.annotations.Nullable;

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
public interface TaskAction1<A> extends Serializable, TaskBody {
  /** Runs the task. */
  void accept(A a) throws Exception;

  /**
   * Runs the task with the upstream values in {@code args}, in the order they were given: how the
   * engine calls it, so the function is the step's body itself and a run allocates no adapter.
   */
  @Override
  @SuppressWarnings("unchecked")
  default @Nullable Object invoke(Arguments args) throws Exception {
    accept((A) args.get(0));
    return null;
  }
}
