package dev.sluice.examples;

import dev.sluice.Flows;
import dev.sluice.Sluice;
import dev.sluice.api.Flow;
import dev.sluice.opentelemetry.SluiceTracing;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OpenTelemetry spans of a run with a sub-flow: each span is printed as it ends, with its parent,
 * so the tree (flow, its steps' attempts, the sub-flow under its step) shows. Task code logs with
 * {@code trace_id} and {@code span_id} in its MDC. Run it with {@code ./dev example
 * PipelineTracing} (add {@code -Dsluice.executor=subprocess} to see the context reach worker JVMs).
 * In an application, pass its configured {@code OpenTelemetry} with an exporter.
 */
public final class PipelineTracing {
  private static final Logger log = LoggerFactory.getLogger(PipelineTracing.class);

  static final Flow<Integer> REPORT =
      Flows.named("traced-report").returning(f -> f.task("render", () -> 42));

  /** The pipeline. */
  public static final Flow<Integer> FLOW =
      Flows.named("traced")
          .returning(
              f -> {
                var report = f.subflow("report", REPORT);
                return f.task(
                    "publish",
                    report,
                    pages -> {
                      log.info("publishing {} pages", pages);
                      return pages;
                    });
              });

  private PipelineTracing() {}

  /** Runs the flow and prints its spans. */
  public static void main(String[] args) {
    SpanProcessor print =
        new SpanProcessor() {
          @Override
          public void onStart(Context parentContext, ReadWriteSpan span) {}

          @Override
          public boolean isStartRequired() {
            return false;
          }

          @Override
          public void onEnd(ReadableSpan span) {
            System.out.printf(
                "span %-28s id %s parent %s%n",
                span.getName(),
                span.getSpanContext().getSpanId(),
                span.getParentSpanContext().getSpanId());
          }

          @Override
          public boolean isEndRequired() {
            return true;
          }
        };
    try (OpenTelemetrySdk otel =
            OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(print).build())
                .build();
        Sluice sluice =
            Sluice.builder()
                .discoverListeners(false) // this instance only, not also the global one
                .listener(SluiceTracing.listener(otel))
                .build()) {
      sluice.run(FLOW);
    }
  }
}
