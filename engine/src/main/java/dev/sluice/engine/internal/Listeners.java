package dev.sluice.engine.internal;

import dev.sluice.api.ConcurrencySlots;
import dev.sluice.api.FlowRunEvent;
import dev.sluice.api.RunListener;
import dev.sluice.api.TaskRunEvent;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registered {@link RunListener}s, each call guarded: a listener that throws (anything but a
 * {@link VirtualMachineError}, see {@link UserCode}) is logged and ignored, like Dagger's
 * production monitors. {@link #active} lets the hot path skip building events when nobody listens.
 */
final class Listeners {
  /** What {@link #aroundAttempt} opened: closed on the thread that opened it. Never throws. */
  interface Scope {
    void close();
  }

  static final Scope NOTHING = () -> {};

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

  /** Tells every listener once that it is attached to an engine with these limits. */
  void attached(ConcurrencySlots slots) {
    for (RunListener listener : listeners) {
      try {
        listener.attached(slots);
      } catch (Throwable e) {
        UserCode.rethrowIfFatal(e);
        log.warn(
            "listener {} failed when attached; ignored",
            listener.getClass().getName(),
            UserCode.loggable(e));
      }
    }
  }

  /**
   * Opens each listener's scope around an attempt's body ({@link RunListener#aroundAttempt}); the
   * result closes them in reverse order.
   */
  Scope aroundAttempt(TaskRunEvent started) {
    @Nullable AutoCloseable[] opened = null;
    for (int i = 0; i < listeners.length; i++) {
      AutoCloseable scope = null;
      try {
        scope = listeners[i].aroundAttempt(started);
      } catch (Throwable e) {
        UserCode.rethrowIfFatal(e);
        failed(listeners[i], "opening its scope around", started, e);
      }
      if (scope != null) {
        if (opened == null) {
          opened = new AutoCloseable[listeners.length];
        }
        opened[i] = scope;
      }
    }
    if (opened == null) {
      return NOTHING;
    }
    @Nullable AutoCloseable[] scopes = opened;
    return () -> {
      for (int i = scopes.length - 1; i >= 0; i--) {
        AutoCloseable scope = scopes[i];
        if (scope != null) {
          try {
            scope.close();
          } catch (Throwable e) {
            UserCode.rethrowIfFatal(e);
            failed(listeners[i], "closing its scope around", started, e);
          }
        }
      }
    };
  }

  private static void failed(RunListener listener, String doing, TaskRunEvent event, Throwable e) {
    log.warn(
        "listener {} failed {} attempt {} of task run '{}'; ignored",
        listener.getClass().getName(),
        doing,
        event.attempt(),
        event.taskName(),
        UserCode.loggable(e));
  }
}
