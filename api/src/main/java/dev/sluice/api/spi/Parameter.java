package dev.sluice.api.spi;

import dev.sluice.api.internal.Types;
import java.lang.reflect.Type;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A named, typed input of a flow, given when the flow is run. Values given as strings or JSON are
 * coerced to {@link #type()}; a parameter without a default is required.
 *
 * @param name the parameter's name, unique among the flow's parameters and steps
 * @param type its Java type
 * @param required whether a run must give a value (false when there is a default)
 * @param defaultValue the value used when a run gives none
 * @param description what the parameter means, for help texts and the dashboard
 * @param <T> the parameter's type
 */
public record Parameter<T>(
    String name, Type type, boolean required, @Nullable T defaultValue, String description) {

  public Parameter {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(description, "description");
  }

  /** The raw class of the parameter's type. */
  public Class<?> rawType() {
    return Types.rawType(type);
  }
}
