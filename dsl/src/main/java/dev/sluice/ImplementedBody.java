package dev.sluice;

import dev.sluice.api.spi.Arguments;
import dev.sluice.api.spi.TaskBody;
import org.jspecify.annotations.Nullable;

/**
 * A task body that adapts the user's function and names it as its {@link #implementation()}, so a
 * cache key can fingerprint the user's code rather than the adapter's. Used only for cached steps;
 * the others run the adapter directly.
 */
final class ImplementedBody implements TaskBody {
  private final TaskBody adapter;
  private final Object implementation;

  ImplementedBody(TaskBody adapter, Object implementation) {
    this.adapter = adapter;
    this.implementation = implementation;
  }

  @Override
  public @Nullable Object invoke(Arguments args) throws Exception {
    return adapter.invoke(args);
  }

  @Override
  public Object implementation() {
    return implementation;
  }
}
