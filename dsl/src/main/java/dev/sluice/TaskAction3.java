package dev.sluice;

import dev.sluice.api.spi.Arguments;
import dev.sluice.api.spi.TaskBody;
import java.io.Serializable;
import org.jspecify.annotations.Nullable;

/**
 * A task body taking 3 upstream values and returning nothing (the step's result is {@code null}).
 * Anything it throws fails the attempt.
 *
 * <p>{@link java.io.Serializable} only so that caching can find the method implementing a lambda or
 * method reference (see {@code CachePolicy.code()}); Sluice never serializes it.
 *
 * @param <A> the type of upstream value 1
 * @param <B> the type of upstream value 2
 * @param <C> the type of upstream value 3
 */
@FunctionalInterface
public interface TaskAction3<A, B, C> extends Serializable, TaskBody {
  /** Runs the task. */
  void accept(A a, B b, C c) throws Exception;

  /**
   * Runs the task with the upstream values in {@code args}, in the order they were given: how the
   * engine calls it, so the function is the step's body itself and a run allocates no adapter.
   */
  @Override
  // FunctionalInterfaceMethodChanged: adapting TaskBody's method to this one is the point (a lambda
  // cast to TaskAction3 runs as its own step body), so the behavior change it warns about is
  // wanted.
  // NullAway: the value at i is what upstream step i returned, passed on as the engine got it; the
  // step was wired with that step's handle, so its declared type is this function's parameter type
  // (A is erased: no cast or null check could happen here anyway).
  @SuppressWarnings({"unchecked", "FunctionalInterfaceMethodChanged", "NullAway"})
  default @Nullable Object invoke(Arguments args) throws Exception {
    accept((A) args.get(0), (B) args.get(1), (C) args.get(2));
    return null;
  }
}
