package dev.sluice.opentelemetry;

import dev.sluice.Flows;
import dev.sluice.api.Flow;
import dev.sluice.api.FlowProvider;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import java.util.List;
import org.slf4j.MDC;

/** Flows whose tasks report the trace context they see; an entrypoint for worker JVMs. */
public final class TracedFlows implements FlowProvider {
  /** What a task saw: the current span, the MDC's keys and the process it ran in. */
  public record Seen(String traceId, String spanId, String mdcTraceId, String mdcSpanId, long pid) {
    static Seen now() {
      SpanContext context = Span.current().getSpanContext();
      return new Seen(
          context.getTraceId(),
          context.getSpanId(),
          String.valueOf(MDC.get("trace_id")),
          String.valueOf(MDC.get("span_id")),
          ProcessHandle.current().pid());
    }
  }

  static final Flow<Seen> CHILD =
      Flows.named("traced-child").returning(f -> f.task("inner", Seen::now));

  static final Flow<Seen> PARENT =
      Flows.named("traced-parent")
          .entrypoint(TracedFlows.class)
          .returning(
              f -> {
                var child = f.subflow("child", CHILD);
                return f.task("outer", child, inner -> Seen.now());
              });

  static final Flow<Seen> REMOTE =
      Flows.named("traced-remote")
          .entrypoint(TracedFlows.class)
          .returning(f -> f.task("in worker", Seen::now));

  @Override
  public List<Flow<?>> flows() {
    return List.of(PARENT, REMOTE);
  }
}
