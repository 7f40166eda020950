package dev.sluice.engine.internal;

import dev.sluice.api.spi.TaskBody;
import dev.sluice.api.spi.TaskStep;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** The task run of a {@link TaskStep}. */
final class TaskNode extends AttemptNode {
  TaskNode(Execution execution, int index) {
    super(execution, index);
  }

  @Override
  TaskBody body() {
    return Objects.requireNonNull(execution.plan.bodies[index], "a task step has a body");
  }

  @Override
  public int size() {
    return execution.plan.argSources[index].length;
  }

  @Override
  public @Nullable Object get(int argument) {
    return execution.argument(index, argument);
  }

  @Override
  void storeResult(@Nullable Object value) {
    if (value != null) { // the slot starts null: no write (and no shared cache line) for actions
      execution.store(index, value);
    }
  }

  @Override
  void ended(int code, boolean afterBody) {
    if (cacheRun != null) {
      cachingEnded();
    }
    execution.stepEnded(index, code, afterBody);
  }
}
