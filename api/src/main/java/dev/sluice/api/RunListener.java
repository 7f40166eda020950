package dev.sluice.api;

import org.jspecify.annotations.Nullable;

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

  /**
   * The body of an attempt is about to run on the current thread: {@code started} is the attempt's
   * Running or Retrying event, already told to {@link #onTaskRunStateChanged}. For an executor that
   * runs bodies in another process, the current thread is the one that hands the attempt over and
   * waits for it. What this returns is closed on the same thread as soon as the body returns or
   * throws, before the attempt's next event; so a listener can make something current around task
   * code (a tracing span, MDC keys) and be sure it is undone on that thread. Default: nothing.
   */
  default @Nullable AutoCloseable aroundAttempt(TaskRunEvent started) {
    return null;
  }

  /**
   * Called once, when the Sluice this listener is registered on is built, with a live view of its
   * concurrency limits (for example to report free slots per tag). Default: nothing.
   */
  default void attached(ConcurrencySlots slots) {}
}
