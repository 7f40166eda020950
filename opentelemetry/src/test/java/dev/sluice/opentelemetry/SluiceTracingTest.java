package dev.sluice.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Flows;
import dev.sluice.Sluice;
import dev.sluice.api.Flow;
import dev.sluice.api.FlowRun;
import dev.sluice.api.StateType;
import dev.sluice.api.TaskRun;
import dev.sluice.opentelemetry.TracedFlows.Seen;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanId;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SluiceTracingTest {
  private static final AttributeKey<String> FLOW_RUN_ID =
      AttributeKey.stringKey("sluice.flow_run.id");
  private static final AttributeKey<String> TASK_RUN_ID =
      AttributeKey.stringKey("sluice.task_run.id");
  private static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("sluice.attempt");
  private static final AttributeKey<String> STATE = AttributeKey.stringKey("sluice.state");

  private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  private final OpenTelemetrySdk otel =
      OpenTelemetrySdk.builder()
          .setTracerProvider(
              SdkTracerProvider.builder()
                  .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                  .build())
          .build();

  @AfterEach
  void close() {
    otel.close();
  }

  private Sluice.Builder traced(String executor) {
    return Sluice.builder()
        .executor(executor)
        .discoverListeners(false)
        .retainResults()
        .listener(SluiceTracing.listener(otel));
  }

  @Test
  void aSpanPerFlowRunAndPerAttemptWithRunIdsAsAttributes() {
    AtomicInteger calls = new AtomicInteger();
    Flow<Seen> flow =
        Flows.named("traced")
            .returning(
                f -> {
                  var flaky =
                      f.task(
                              "flaky",
                              () -> {
                                if (calls.incrementAndGet() == 1) {
                                  throw new IOException("first attempt fails");
                                }
                                return 1;
                              })
                          .retries(1)
                          .retryDelay(Duration.ofMillis(5));
                  return f.task("after", flaky, x -> Seen.now());
                });

    FlowRun run;
    try (Sluice sluice = traced("threadpool").build()) {
      run = sluice.run(flow);
    }

    assertThat(run.state().type()).isEqualTo(StateType.COMPLETED);
    SpanData flowSpan = only("flow traced");
    assertThat(flowSpan.getParentSpanId()).isEqualTo(SpanId.getInvalid());
    assertThat(flowSpan.getAttributes().get(FLOW_RUN_ID)).isEqualTo(run.id().toString());
    assertThat(flowSpan.getAttributes().get(STATE)).isEqualTo("Completed");

    List<SpanData> flaky = spans("task flaky");
    assertThat(flaky).hasSize(2);
    TaskRun flakyRun = run.taskRun("flaky").orElseThrow();
    for (SpanData attempt : flaky) {
      assertThat(attempt.getParentSpanId()).isEqualTo(flowSpan.getSpanId());
      assertThat(attempt.getTraceId()).isEqualTo(flowSpan.getTraceId());
      assertThat(attempt.getAttributes().get(TASK_RUN_ID)).isEqualTo(flakyRun.id().toString());
      assertThat(attempt.getAttributes().get(FLOW_RUN_ID)).isEqualTo(run.id().toString());
    }
    assertThat(flaky)
        .extracting(s -> s.getAttributes().get(ATTEMPT), s -> s.getStatus().getStatusCode())
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(1L, StatusCode.ERROR),
            org.assertj.core.groups.Tuple.tuple(2L, StatusCode.UNSET));

    // While task code runs its attempt span is current, and its ids are in the MDC.
    SpanData after = only("task after");
    Seen seen = (Seen) run.result();
    assertThat(seen.spanId()).isEqualTo(after.getSpanId());
    assertThat(seen.traceId()).isEqualTo(flowSpan.getTraceId());
    assertThat(seen.mdcSpanId()).isEqualTo(after.getSpanId());
    assertThat(seen.mdcTraceId()).isEqualTo(flowSpan.getTraceId());
  }

  @Test
  void aSubFlowRunIsAChildOfItsStepsAttempt() {
    FlowRun run;
    try (Sluice sluice = traced("threadpool").build()) {
      run = sluice.run(TracedFlows.PARENT);
    }

    assertThat(run.state().type()).isEqualTo(StateType.COMPLETED);
    SpanData parent = only("flow traced-parent");
    SpanData step = only("task child");
    SpanData child = only("flow traced-child");
    SpanData inner = only("task inner");
    assertThat(step.getParentSpanId()).isEqualTo(parent.getSpanId());
    assertThat(child.getParentSpanId()).isEqualTo(step.getSpanId());
    assertThat(inner.getParentSpanId()).isEqualTo(child.getSpanId());
    assertThat(List.of(step, child, inner))
        .allSatisfy(s -> assertThat(s.getTraceId()).isEqualTo(parent.getTraceId()));
    FlowRun childRun = run.taskRun("child").orElseThrow().subflowRun().orElseThrow();
    assertThat(child.getAttributes().get(FLOW_RUN_ID)).isEqualTo(childRun.id().toString());
    assertThat(child.getAttributes().get(AttributeKey.stringKey("sluice.parent_task_run.id")))
        .isEqualTo(run.taskRun("child").orElseThrow().id().toString());
  }

  @Test
  void aFlowRunStartedFromTaskCodeIsAChildOfThatTasksAttempt() {
    FlowRun run;
    try (Sluice sluice = traced("threadpool").build()) {
      Flow<Void> outer =
          Flows.named("starts-another")
              .define(f -> f.task("start", () -> sluice.run(TracedFlows.CHILD).state().name()));
      run = sluice.run(outer);
    }

    assertThat(run.state().type()).isEqualTo(StateType.COMPLETED);
    assertThat(only("flow traced-child").getParentSpanId())
        .isEqualTo(only("task start").getSpanId());
  }

  @Test
  void theTraceContextTravelsToTheSubprocessWorkers() {
    FlowRun run;
    try (Sluice sluice = traced("subprocess").build()) {
      run = sluice.run(TracedFlows.REMOTE);
    }

    assertThat(run.state().type()).isEqualTo(StateType.COMPLETED);
    Seen seen = (Seen) run.result();
    assertThat(seen.pid()).isNotEqualTo(ProcessHandle.current().pid());
    SpanData flow = only("flow traced-remote");
    SpanData attempt = only("task in worker");
    assertThat(attempt.getParentSpanId()).isEqualTo(flow.getSpanId());
    // In the worker JVM the attempt's span is the current (remote) parent, and in the MDC.
    assertThat(seen.traceId()).isEqualTo(flow.getTraceId());
    assertThat(seen.spanId()).isEqualTo(attempt.getSpanId());
    assertThat(seen.mdcTraceId()).isEqualTo(flow.getTraceId());
    assertThat(seen.mdcSpanId()).isEqualTo(attempt.getSpanId());
  }

  @Test
  void theServiceLoaderListenerLeavesAnUnsetGlobalInstanceUnset() {
    try (Sluice sluice = Sluice.builder().executor("threadpool").build()) {
      sluice.run(Flows.named("untraced").define(f -> f.task("one", () -> 1)));
    }
    assertThat(GlobalOpenTelemetry.isSet()).isFalse();
    assertThat(exporter.getFinishedSpanItems()).isEmpty();
  }

  private List<SpanData> spans(String name) {
    return exporter.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name)).toList();
  }

  private SpanData only(String name) {
    List<SpanData> found = spans(name);
    assertThat(found)
        .as("spans named '%s' among %s", name, exporter.getFinishedSpanItems())
        .hasSize(1);
    return found.get(0);
  }
}
