package dev.sluice;

import dev.sluice.api.spi.Input;
import dev.sluice.api.spi.Step;
import dev.sluice.api.spi.TaskBody;
import dev.sluice.api.spi.TaskStep;
import java.util.List;

/**
 * A task step being defined; created by {@link FlowBuilder#task} and {@link FlowBuilder#action}.
 *
 * @param <T> the type of the task's result
 */
public final class TaskHandle<T> extends StepHandle<T, TaskHandle<T>> {
  private final List<Input> inputs;
  private final Object fn;
  private final TaskBody body;

  TaskHandle(FlowBuilder owner, String name, List<Input> inputs, Object fn, TaskBody body) {
    super(owner, name);
    this.inputs = inputs;
    this.fn = fn;
    this.body = body;
  }

  @Override
  Step<?> build() {
    return new TaskStep<T>(
        name(), Object.class, options, inputs, waitFor, condition, cachedBody(fn, body));
  }
}
