package dev.sluice;

import dev.sluice.api.spi.Arguments;
import dev.sluice.api.spi.TaskBody;
import java.io.Serializable;
import org.jspecify.annotations.Nullable;

/**
 * A task body taking no upstream values and returning nothing (the step's result is {@code null}).
 * Anything it throws fails the attempt.
 *
 * <p>{@link java.io.Serializable} only so that caching can find the method implementing a lambda or
 * method reference (see {@code CachePolicy.code()}); Sluice never serializes it.
 */
@FunctionalInterface
public interface TaskAction0 extends Serializable, TaskBody {
  /** Runs the task. */
  void accept() throws Exception;

  /**
   * Runs the task with the upstream values in {@code args}, in the order they were given: how the
   * engine calls it, so the function is the step's body itself and a run allocates no adapter.
   */
  @Override
  // FunctionalInterfaceMethodChanged: adapting TaskBody's method to this one is the point (a lambda
  // cast to TaskAction0 runs as its own step body), so the behavior change it warns about is
  // wanted.
  @SuppressWarnings("FunctionalInterfaceMethodChanged")
  default @Nullable Object invoke(Arguments args) throws Exception {
    accept();
    return null;
  }
}
