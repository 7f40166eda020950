package dev.sluice.opentelemetry;

import com.google.auto.service.AutoService;
import dev.sluice.api.executor.ContextPropagator;
import io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Carries the current OpenTelemetry context (W3C {@code traceparent}, {@code tracestate} and {@code
 * baggage}) with attempts that run in another process, and makes it current there around the body,
 * with {@code trace_id} and {@code span_id} in the worker's MDC. W3C's format rather than the
 * global propagators: a worker JVM seldom configures OpenTelemetry, and the two sides must agree.
 */
@AutoService(ContextPropagator.class)
public final class TraceContextPropagator implements ContextPropagator {
  private static final TextMapPropagator W3C =
      TextMapPropagator.composite(
          W3CTraceContextPropagator.getInstance(), W3CBaggagePropagator.getInstance());

  private static final TextMapGetter<Map<String, String>> GETTER =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
          return carrier.keySet();
        }

        @Override
        public @Nullable String get(@Nullable Map<String, String> carrier, String key) {
          return carrier == null ? null : carrier.get(key);
        }
      };

  /** Made by {@link java.util.ServiceLoader}. */
  public TraceContextPropagator() {}

  @Override
  public void inject(Map<String, String> carrier) {
    W3C.inject(
        Context.current(),
        carrier,
        (into, key, value) -> {
          if (into != null) {
            into.put(key, value);
          }
        });
  }

  @Override
  @SuppressWarnings("MustBeClosedChecker") // the scope returned closes it, on this thread
  public AutoCloseable extract(Map<String, String> carrier) {
    Context context = W3C.extract(Context.root(), carrier, GETTER);
    Scope scope = context.makeCurrent();
    MdcKeys keys = MdcKeys.put(Span.fromContext(context).getSpanContext());
    return () -> {
      keys.close();
      scope.close();
    };
  }
}
