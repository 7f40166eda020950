package dev.sluice.api.spi;

import dev.sluice.api.Flow;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A node of a {@link Flow} that runs: a task, a mapped task, or a sub-flow. Steps name their
 * upstreams; {@link Flow#of} checks that the names resolve and that there is no cycle.
 *
 * @param <T> the type of the step's result
 */
public sealed interface Step<T> permits TaskStep, MapStep, SubflowStep {

  /** The step's name, unique in its flow. */
  String name();

  /** The type of the step's result, {@code Object.class} when unknown. */
  Type outputType();

  /** The step's options. */
  TaskOptions options();

  /** The upstreams whose values (or outcomes) the step takes, in argument order. */
  List<Input> inputs();

  /** Order-only upstreams: the step waits for them but takes nothing from them. */
  List<Input> waitFor();

  /** The step's condition, or null when it always runs. */
  @Nullable Condition condition();

  /** Every upstream: inputs, then order-only upstreams, then the condition's input. */
  default List<Input> upstreams() {
    Condition condition = condition();
    List<Input> all = new ArrayList<>(inputs().size() + waitFor().size() + 1);
    all.addAll(inputs());
    all.addAll(waitFor());
    if (condition != null && condition.input() != null) {
      all.add(condition.input());
    }
    return all;
  }
}
