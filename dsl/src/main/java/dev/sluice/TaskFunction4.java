package dev.sluice;

import dev.sluice.api.spi.Arguments;
import dev.sluice.api.spi.TaskBody;
import java.io.Serializable;
import org.jspecify.annotations.Nullable;

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
public interface TaskFunction4<A, B, C, D, R> extends Serializable, TaskBody {
  /** Runs the task. */
  R apply(A a, B b, C c, D d) throws Exception;

  /**
   * Runs the task with the upstream values in {@code args}, in the order they were given: how the
   * engine calls it, so the function is the step's body itself and a run allocates no adapter.
   */
  @Override
  // NullAway: the value at i is what upstream step i returned, passed on as the engine got it; the
  // step was wired with that step's handle, so its declared type is this function's parameter type
  // (A is erased: no cast or null check could happen here anyway).
  @SuppressWarnings({"unchecked", "NullAway"})
  default @Nullable Object invoke(Arguments args) throws Exception {
    return apply((A) args.get(0), (B) args.get(1), (C) args.get(2), (D) args.get(3));
  }
}
