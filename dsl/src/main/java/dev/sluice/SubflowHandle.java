package dev.sluice;

import com.google.errorprone.annotations.CanIgnoreReturnValue;
import dev.sluice.api.Flow;
import dev.sluice.api.spi.Input;
import dev.sluice.api.spi.Step;
import dev.sluice.api.spi.SubflowStep;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A sub-flow step being defined: another flow run as a step, as its own flow run linked to this
 * one. Bind the child's parameters with {@link #with}.
 *
 * {@snippet :
 * var report = f.subflow("report", Reports.FLOW).with("day", day).with("format", "pdf");
 * }
 *
 * @param <T> the child flow's result type
 */
public final class SubflowHandle<T> extends StepHandle<T, SubflowHandle<T>> {
  private final Flow<T> flow;
  private final Map<String, Input> bindings = new LinkedHashMap<>();
  private final Map<String, @Nullable Object> constants = new LinkedHashMap<>();

  SubflowHandle(FlowBuilder owner, String name, Flow<T> flow) {
    super(owner, name);
    this.flow = Objects.requireNonNull(flow, "flow");
  }

  /** Binds the child's parameter {@code parameter} to an upstream value of this flow. */
  @CanIgnoreReturnValue
  public SubflowHandle<T> with(String parameter, Ref<?> value) {
    owner.checkOpen();
    bindings.put(Objects.requireNonNull(parameter, "parameter"), owner.wire(this, value));
    return this;
  }

  /**
   * Binds the child's parameter {@code parameter} to a fixed value (coerced like any parameter).
   */
  @CanIgnoreReturnValue
  public SubflowHandle<T> with(String parameter, @Nullable Object value) {
    owner.checkOpen();
    constants.put(Objects.requireNonNull(parameter, "parameter"), value);
    return this;
  }

  @Override
  // SubflowStep's component is Map<String, @Nullable Object>, but javac leaves the type-use
  // annotation on a type argument out of the implicit canonical constructor in the class file
  // (javap shows Map<String, Object>), so NullAway sees a mismatch that the source does not have.
  @SuppressWarnings("NullAway")
  Step<?> build() {
    return new SubflowStep<T>(name(), flow, bindings, constants, options, waitFor, condition);
  }
}
