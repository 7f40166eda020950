package dev.sluice.micrometer;

import com.google.auto.service.AutoService;
import dev.sluice.api.ConcurrencySlots;
import dev.sluice.api.FlowRunEvent;
import dev.sluice.api.RunListener;
import dev.sluice.api.TaskRunEvent;
import io.micrometer.core.instrument.Metrics;

/**
 * The listener {@link java.util.ServiceLoader} adds to every Sluice: reports to {@link
 * Metrics#globalRegistry}. See {@link SluiceMetrics}.
 */
@AutoService(RunListener.class)
public final class GlobalMetricsListener implements RunListener {
  // One for all: the gauges of a registry can be registered once, so every Sluice shares them.
  private static final RunListener SHARED = SluiceMetrics.listener(Metrics.globalRegistry);

  private final RunListener delegate = SHARED;

  /** Made by {@link java.util.ServiceLoader}. */
  public GlobalMetricsListener() {}

  @Override
  public void onFlowRunStateChanged(FlowRunEvent event) {
    delegate.onFlowRunStateChanged(event);
  }

  @Override
  public void onTaskRunStateChanged(TaskRunEvent event) {
    delegate.onTaskRunStateChanged(event);
  }

  @Override
  public void attached(ConcurrencySlots slots) {
    delegate.attached(slots);
  }
}
