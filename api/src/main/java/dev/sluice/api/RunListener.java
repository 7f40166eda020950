package dev.sluice.api;

/**
 * Told about every state transition of flow runs and task runs. Register listeners with {@code
 * Sluice.builder().listener(...)}, or provide them through {@link java.util.ServiceLoader}.
 *
 * <p>Callbacks run on the thread that made the transition, often the one about to run the next
 * task, so they should be quick. A listener that throws is logged and ignored: it never changes a
 * run. When no listener is registered the engine creates no events at all.
 */
public interface RunListener {
  /** A flow run entered a state. */
  default void onFlowRunStateChanged(FlowRunEvent event) {}

  /** A task run entered a state. */
  default void onTaskRunStateChanged(TaskRunEvent event) {}
}
