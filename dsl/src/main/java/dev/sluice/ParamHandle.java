package dev.sluice;

import com.google.errorprone.annotations.CanIgnoreReturnValue;
import dev.sluice.api.spi.Parameter;
import java.lang.reflect.Type;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A flow parameter being defined. Required unless it has a default.
 *
 * {@snippet :
 * var msg = f.param("msg", String.class).withDefault("Hello");
 * var n = f.param("n", int.class).describedAs("how many rows to fetch");
 * }
 *
 * @param <T> the parameter's type
 */
public final class ParamHandle<T> extends Ref<T> {
  private final Type type;
  private boolean hasDefault;
  private @Nullable T defaultValue;
  private String description = "";

  ParamHandle(FlowBuilder owner, String name, Type type) {
    super(owner, name);
    this.type = Objects.requireNonNull(type, "type");
  }

  /** Makes the parameter optional, taking {@code value} when a run gives none. */
  @CanIgnoreReturnValue
  public ParamHandle<T> withDefault(@Nullable T value) {
    owner.checkOpen();
    this.hasDefault = true;
    this.defaultValue = value;
    return this;
  }

  /** Says what the parameter means. */
  @CanIgnoreReturnValue
  public ParamHandle<T> describedAs(String description) {
    owner.checkOpen();
    this.description = Objects.requireNonNull(description, "description");
    return this;
  }

  Parameter<T> build() {
    return new Parameter<>(name(), type, !hasDefault, defaultValue, description);
  }
}
