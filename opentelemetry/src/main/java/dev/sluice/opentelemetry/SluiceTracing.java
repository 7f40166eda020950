package dev.sluice.opentelemetry;

import dev.sluice.api.RunListener;
import io.opentelemetry.api.OpenTelemetry;
import java.util.Objects;

/**
 * Traces Sluice's runs with OpenTelemetry. Register the listener on a Sluice:
 *
 * {@snippet :
 * OpenTelemetry otel = ...; // the application's SDK
 * try (Sluice sluice = Sluice.builder().listener(SluiceTracing.listener(otel)).build()) {
 *   sluice.run(pipeline, Map.of());
 * }
 * }
 *
 * <p>With this module on the class path, {@link java.util.ServiceLoader} also adds a listener that
 * traces with {@link io.opentelemetry.api.GlobalOpenTelemetry} to every Sluice (unless it is built
 * with {@code discoverListeners(false)}); it does nothing until the application sets the global
 * instance, and never sets it itself. Register {@link #listener(OpenTelemetry)} for an instance
 * that is not the global one, and build with {@code discoverListeners(false)} if it is, or every
 * run is traced twice.
 *
 * <p>Spans:
 *
 * <ul>
 *   <li>{@code flow NAME}, one per flow run, from its first state to its final one; its parent is
 *       the attempt span of the step that started it for a sub-flow, else the span current where
 *       the run was started (a task's attempt span for a flow run started from task code).
 *   <li>{@code task STEP}, one per attempt of a task run (a retry is a new span), child of its flow
 *       run's span, from Running or Retrying to what followed; its status is an error when the
 *       attempt failed, timed out or crashed. While the attempt's body runs its span is current on
 *       that thread, so spans the task code makes are its children — also in the worker JVMs of the
 *       subprocess executor, which receive the W3C trace context with the attempt.
 * </ul>
 *
 * <p>Attributes: {@code sluice.flow.name}, {@code sluice.flow_run.id}, {@code
 * sluice.parent_task_run.id} (sub-flows), {@code sluice.task.name}, {@code sluice.step.name},
 * {@code sluice.map.index} (mapped elements), {@code sluice.task_run.id}, {@code sluice.attempt},
 * and at the end {@code sluice.state}. While task code runs, the MDC holds {@code trace_id} and
 * {@code span_id} of its attempt span (beside the engine's {@code flow_run_id}, {@code task_run_id}
 * and {@code task_name}).
 */
public final class SluiceTracing {
  /** The instrumentation scope name of Sluice's tracer. */
  public static final String INSTRUMENTATION_NAME = "dev.sluice";

  private SluiceTracing() {}

  /** A listener tracing runs with {@code openTelemetry}'s tracer provider. */
  public static RunListener listener(OpenTelemetry openTelemetry) {
    Objects.requireNonNull(openTelemetry, "openTelemetry");
    return new TracingListener(() -> openTelemetry.getTracer(INSTRUMENTATION_NAME));
  }
}
