package dev.sluice.opentelemetry;

import io.opentelemetry.api.trace.SpanContext;
import org.jspecify.annotations.Nullable;
import org.slf4j.MDC;

/**
 * {@code trace_id} and {@code span_id} in the MDC while a span is current; {@link #close} puts back
 * what was there before.
 */
final class MdcKeys implements AutoCloseable {
  static final String TRACE_ID = "trace_id";
  static final String SPAN_ID = "span_id";

  private final @Nullable String traceBefore;
  private final @Nullable String spanBefore;

  private MdcKeys(@Nullable String traceBefore, @Nullable String spanBefore) {
    this.traceBefore = traceBefore;
    this.spanBefore = spanBefore;
  }

  static MdcKeys put(SpanContext context) {
    MdcKeys keys = new MdcKeys(MDC.get(TRACE_ID), MDC.get(SPAN_ID));
    if (context.isValid()) {
      MDC.put(TRACE_ID, context.getTraceId());
      MDC.put(SPAN_ID, context.getSpanId());
    }
    return keys;
  }

  @Override
  public void close() {
    restore(TRACE_ID, traceBefore);
    restore(SPAN_ID, spanBefore);
  }

  private static void restore(String key, @Nullable String value) {
    if (value == null) {
      MDC.remove(key);
    } else {
      MDC.put(key, value);
    }
  }
}
