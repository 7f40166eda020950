package dev.sluice.api.spi;

import dev.sluice.api.CachePolicy;
import org.jspecify.annotations.Nullable;

/**
 * The code of a task, with its arguments erased to {@link Arguments}. The DSL's typed function
 * interfaces ({@code TaskFunction1}...) are task bodies themselves, passing the arguments in order;
 * the engine calls it once per attempt.
 */
@FunctionalInterface
public interface TaskBody {
  /** Runs one attempt. Anything thrown fails the attempt. */
  @Nullable Object invoke(Arguments args) throws Exception;

  /**
   * The object whose code this body runs, for the code fingerprint of a cache key ({@link
   * CachePolicy#code()}). A body that adapts another function (as the DSL's {@code gather} does)
   * returns that function.
   */
  default Object implementation() {
    return this;
  }
}
