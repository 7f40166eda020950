package dev.sluice.api.spi;

import dev.sluice.api.Flow;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A step that runs another flow as its own flow run, linked to the parent run. Its result is the
 * child flow's result.
 *
 * @param name the step's name
 * @param flow the child flow
 * @param bindings child parameters bound to upstreams of this step, by child parameter name
 * @param constants child parameters bound to fixed values, by child parameter name
 * @param options its options; retries re-run the whole child flow
 * @param waitFor order-only upstreams
 * @param condition its condition, or null
 * @param <T> the child flow's result type
 */
public record SubflowStep<T>(
    String name,
    Flow<T> flow,
    Map<String, Input> bindings,
    Map<String, @Nullable Object> constants,
    TaskOptions options,
    List<Input> waitFor,
    @Nullable Condition condition)
    implements Step<T> {
  public SubflowStep {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(flow, "flow");
    bindings = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(bindings));
    constants = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(constants));
    Objects.requireNonNull(options, "options");
    waitFor = List.copyOf(waitFor);
  }

  @Override
  public java.lang.reflect.Type outputType() {
    return flow.resultType();
  }

  /** The bound upstreams, in the order of {@link #bindings()}. */
  @Override
  public List<Input> inputs() {
    return List.copyOf(new ArrayList<>(bindings.values()));
  }
}
