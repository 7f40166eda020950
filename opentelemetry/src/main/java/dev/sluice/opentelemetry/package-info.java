/**
 * OpenTelemetry tracing for Sluice: {@link dev.sluice.opentelemetry.SluiceTracing} makes the run
 * listener that opens a span per flow run and per task run attempt, parented across sub-flows and
 * worker processes, with the run ids as attributes and {@code trace_id}/{@code span_id} in the MDC.
 */
@NullMarked
package dev.sluice.opentelemetry;

import org.jspecify.annotations.NullMarked;
