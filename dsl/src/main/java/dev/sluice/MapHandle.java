package dev.sluice;

import com.google.errorprone.annotations.CanIgnoreReturnValue;
import dev.sluice.api.spi.Input;
import dev.sluice.api.spi.MapStep;
import dev.sluice.api.spi.Step;
import dev.sluice.api.spi.TaskBody;
import java.util.List;

/**
 * A mapped step being defined: one task run per element of an upstream list, results gathered in
 * order. Its options (retries, timeout...) apply to each element's task run.
 *
 * @param <T> the type of one element's result
 */
public final class MapHandle<T> extends StepHandle<List<T>, MapHandle<T>> {
  private final Input items;
  private final List<Input> broadcast;
  private final Object fn;
  private final TaskBody body;
  private int maxParallel = Integer.MAX_VALUE;

  MapHandle(
      FlowBuilder owner,
      String name,
      Input items,
      List<Input> broadcast,
      Object fn,
      TaskBody body) {
    super(owner, name);
    this.items = items;
    this.broadcast = broadcast;
    this.fn = fn;
    this.body = body;
  }

  /**
   * Runs at most {@code maxParallel} elements at once (default: no bound beyond the executor's).
   */
  @CanIgnoreReturnValue
  public MapHandle<T> maxParallel(int maxParallel) {
    owner.checkOpen();
    if (maxParallel < 1) {
      throw new IllegalArgumentException(
          "maxParallel of map step '" + name() + "' must be >= 1, was " + maxParallel);
    }
    this.maxParallel = maxParallel;
    return this;
  }

  @Override
  Step<?> build() {
    return new MapStep<T>(
        name(),
        Object.class,
        options,
        items,
        broadcast,
        waitFor,
        condition,
        cachedBody(fn, body),
        maxParallel);
  }
}
