package dev.sluice.opentelemetry;

import com.google.auto.service.AutoService;
import dev.sluice.api.FlowRunEvent;
import dev.sluice.api.RunListener;
import dev.sluice.api.TaskRunEvent;
import io.opentelemetry.api.GlobalOpenTelemetry;
import org.jspecify.annotations.Nullable;

/**
 * The listener {@link java.util.ServiceLoader} adds to every Sluice: traces with {@link
 * GlobalOpenTelemetry}, read at each flow run's start with {@code getOrNoop()}, so it neither sets
 * the global instance nor keeps the application from setting it later. See {@link SluiceTracing}.
 */
@AutoService(RunListener.class)
public final class GlobalTracingListener implements RunListener {
  private final RunListener delegate =
      new TracingListener(
          () -> GlobalOpenTelemetry.getOrNoop().getTracer(SluiceTracing.INSTRUMENTATION_NAME));

  /** Made by {@link java.util.ServiceLoader}. */
  public GlobalTracingListener() {}

  @Override
  public void onFlowRunStateChanged(FlowRunEvent event) {
    delegate.onFlowRunStateChanged(event);
  }

  @Override
  public void onTaskRunStateChanged(TaskRunEvent event) {
    delegate.onTaskRunStateChanged(event);
  }

  @Override
  public @Nullable AutoCloseable aroundAttempt(TaskRunEvent started) {
    return delegate.aroundAttempt(started);
  }
}
