package dev.sluice.api.spi;

import java.lang.reflect.Type;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A step that runs code: its body is called with the values of its inputs.
 *
 * @param name the step's name
 * @param outputType the type of its result, {@code Object.class} when unknown
 * @param options its options
 * @param inputs the upstreams whose values it takes, in argument order
 * @param waitFor order-only upstreams
 * @param condition its condition, or null
 * @param body its code
 * @param <T> the type of its result
 */
public record TaskStep<T>(
    String name,
    Type outputType,
    TaskOptions options,
    List<Input> inputs,
    List<Input> waitFor,
    @Nullable Condition condition,
    TaskBody body)
    implements Step<T> {
  public TaskStep {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(outputType, "outputType");
    Objects.requireNonNull(options, "options");
    inputs = List.copyOf(inputs);
    waitFor = List.copyOf(waitFor);
    Objects.requireNonNull(body, "body");
  }
}
