package dev.sluice.api.spi;

import dev.sluice.api.Outcome;
import org.jspecify.annotations.Nullable;

/**
 * The values handed to a {@link TaskBody}, in the order of the step's inputs. For an outcome input
 * the value is an {@link Outcome}.
 */
public interface Arguments {
  /** The number of arguments. */
  int size();

  /** The argument at {@code index}, from 0. */
  @Nullable Object get(int index);
}
