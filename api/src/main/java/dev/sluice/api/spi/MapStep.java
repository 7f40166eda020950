package dev.sluice.api.spi;

import java.lang.reflect.Type;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A step that runs its body once per element of an upstream list, each element its own task run
 * with its own state and retries, and gathers the results in element order.
 *
 * <p>The body receives the element as argument 0, then the values of {@link #broadcast()} inputs.
 * The step's {@link #inputs()} are the items input followed by the broadcast inputs.
 *
 * @param name the step's name; element {@code i} runs as {@code name[i]}
 * @param elementType the type of one result, {@code Object.class} when unknown
 * @param options options applied to every element's task run
 * @param items the upstream whose value is the {@link Iterable} to map over
 * @param broadcast further upstreams whose values every element receives
 * @param waitFor order-only upstreams
 * @param condition its condition, or null
 * @param body the code run per element
 * @param maxParallel the most elements that run at once
 * @param <T> the type of one element's result; the step's result is a {@code List<T>}
 */
public record MapStep<T>(
    String name,
    Type elementType,
    TaskOptions options,
    Input items,
    List<Input> broadcast,
    List<Input> waitFor,
    @Nullable Condition condition,
    TaskBody body,
    int maxParallel)
    implements Step<List<T>> {
  public MapStep {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(elementType, "elementType");
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(items, "items");
    broadcast = List.copyOf(broadcast);
    waitFor = List.copyOf(waitFor);
    Objects.requireNonNull(body, "body");
    if (maxParallel < 1) {
      throw new IllegalArgumentException(
          "maxParallel of map step '" + name + "' must be >= 1, was " + maxParallel);
    }
    if (items.outcome()) {
      throw new IllegalArgumentException(
          "map step '" + name + "' cannot map over an outcome; map over the upstream's value");
    }
  }

  @Override
  public Type outputType() {
    return List.class;
  }

  @Override
  public List<Input> inputs() {
    Input[] all = new Input[broadcast.size() + 1];
    all[0] = items;
    for (int i = 0; i < broadcast.size(); i++) {
      all[i + 1] = broadcast.get(i);
    }
    return List.of(all);
  }
}
