package dev.sluice.opentelemetry;

import dev.sluice.api.FlowRunEvent;
import dev.sluice.api.RunListener;
import dev.sluice.api.State;
import dev.sluice.api.StateType;
import dev.sluice.api.TaskRunEvent;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/** The listener {@link SluiceTracing} makes; see there for the spans. */
final class TracingListener implements RunListener {
  private final Supplier<Tracer> tracer;

  /** The span of each flow run in progress, with the tracer that opened it. */
  private final Map<UUID, Span> flows = new ConcurrentHashMap<>();

  /** The span of each attempt running now, by task run. */
  private final Map<UUID, Span> attempts = new ConcurrentHashMap<>();

  TracingListener(Supplier<Tracer> tracer) {
    this.tracer = tracer;
  }

  @Override
  public void onFlowRunStateChanged(FlowRunEvent event) {
    UUID id = event.flowRunId();
    State state = event.state();
    Span span = flows.get(id);
    if (span == null && !state.isFinal()) {
      UUID parentTask = event.parentTaskRunId();
      Span parent = parentTask == null ? null : attempts.get(parentTask);
      SpanBuilder builder =
          tracer
              .get()
              .spanBuilder("flow " + event.flowName())
              .setParent(parent == null ? Context.current() : Context.current().with(parent))
              .setStartTimestamp(event.at())
              .setAttribute("sluice.flow.name", event.flowName())
              .setAttribute("sluice.flow_run.id", id.toString());
      if (parentTask != null) {
        builder.setAttribute("sluice.parent_task_run.id", parentTask.toString());
      }
      flows.put(id, builder.startSpan());
      return;
    }
    if (span != null && state.isFinal()) {
      flows.remove(id);
      end(span, state, event.at());
    }
  }

  @Override
  public void onTaskRunStateChanged(TaskRunEvent event) {
    State previous = event.previous();
    State state = event.state();
    boolean wasRunning = previous != null && previous.type() == StateType.RUNNING;
    boolean isRunning = state.type() == StateType.RUNNING;
    if (wasRunning && !isRunning) {
      Span span = attempts.remove(event.taskRunId());
      if (span != null) {
        end(span, state, event.at());
      }
    }
    if (isRunning && !wasRunning) {
      Span flow = flows.get(event.flowRunId());
      SpanBuilder builder =
          tracer
              .get()
              .spanBuilder("task " + event.stepName())
              .setParent(flow == null ? Context.current() : Context.current().with(flow))
              .setStartTimestamp(event.at())
              .setAttribute("sluice.flow.name", event.flowName())
              .setAttribute("sluice.flow_run.id", event.flowRunId().toString())
              .setAttribute("sluice.task.name", event.taskName())
              .setAttribute("sluice.step.name", event.stepName())
              .setAttribute("sluice.task_run.id", event.taskRunId().toString())
              .setAttribute("sluice.attempt", (long) Math.max(event.attempt(), 1));
      if (event.mapIndex() >= 0) {
        builder.setAttribute("sluice.map.index", (long) event.mapIndex());
      }
      Span replaced = attempts.put(event.taskRunId(), builder.startSpan());
      if (replaced != null) {
        replaced.end(event.at()); // never left Running as far as we heard: do not leak it
      }
    }
  }

  @Override
  @SuppressWarnings("MustBeClosedChecker") // the engine closes what this returns, on this thread
  public @Nullable AutoCloseable aroundAttempt(TaskRunEvent started) {
    Span span = attempts.get(started.taskRunId());
    if (span == null) {
      return null;
    }
    Scope scope = Context.current().with(span).makeCurrent();
    MdcKeys keys = MdcKeys.put(span.getSpanContext());
    return () -> {
      keys.close();
      scope.close();
    };
  }

  private static void end(Span span, State state, java.time.Instant at) {
    span.setAttribute("sluice.state", state.name());
    if (state.isFailure() || state instanceof State.AwaitingRetry) {
      String message = state.message();
      span.setStatus(StatusCode.ERROR, message.isEmpty() ? state.name() : message);
    }
    span.end(at);
  }
}
