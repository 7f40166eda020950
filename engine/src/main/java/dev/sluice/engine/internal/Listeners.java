package dev.sluice.engine.internal;

import dev.sluice.api.FlowRunEvent;
import dev.sluice.api.RunListener;
import dev.sluice.api.TaskRunEvent;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registered {@link RunListener}s, each call guarded: a listener that throws (anything but a
 * {@link VirtualMachineError}, see {@link UserCode}) is logged and ignored, like Dagger's
 * production monitors. {@link #active} lets the hot path skip building events when nobody listens.
 */
final class Listeners {
  private static final Logger log = LoggerFactory.getLogger(Listeners.class);

  private final RunListener[] listeners;
  final boolean active;

  Listeners(List<RunListener> listeners) {
    this.listeners = listeners.toArray(new RunListener[0]);
    this.active = this.listeners.length > 0;
  }

  void taskRunStateChanged(TaskRunEvent event) {
    for (RunListener listener : listeners) {
      try {
        listener.onTaskRunStateChanged(event);
      } catch (Throwable e) {
        UserCode.rethrowIfFatal(e);
        log.warn(
            "listener {} failed on task run '{}' entering {}; ignored",
            listener.getClass().getName(),
            event.taskName(),
            event.state().name(),
            UserCode.loggable(e));
      }
    }
  }

  void flowRunStateChanged(FlowRunEvent event) {
    for (RunListener listener : listeners) {
      try {
        listener.onFlowRunStateChanged(event);
      } catch (Throwable e) {
        UserCode.rethrowIfFatal(e);
        log.warn(
            "listener {} failed on flow run '{}' entering {}; ignored",
            listener.getClass().getName(),
            event.flowName(),
            event.state().name(),
            UserCode.loggable(e));
      }
    }
  }
}
