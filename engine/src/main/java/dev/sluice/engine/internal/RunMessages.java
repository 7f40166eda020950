package dev.sluice.engine.internal;

import dev.sluice.api.store.LogLine;
import dev.sluice.api.store.RecordedException;
import dev.sluice.api.store.RunRecorder;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/**
 * The loggers of the engine's own messages about runs ({@code dev.sluice.FlowRun}, {@code
 * dev.sluice.TaskRun}: "attempt 1/3 failed; retrying in 2 s", "finished in state Failed"). Each
 * forwards to the SLF4J logger of its name; and while the thread is inside a run whose store cannot
 * capture the bound backend's lines (no SLF4J provider, or one the store does not support), it also
 * records each message at INFO or above in that run's history itself, so {@code sluice flow-run
 * logs} shows why a run failed whatever the application's logging.
 *
 * <p>The run comes from a thread-local set by {@link Mdc} (the MDC itself is absent without a
 * provider), only when the store needs it: with a captured backend this costs one thread-local read
 * per message logged.
 */
final class RunMessages extends LegacyAbstractLogger {
  private static final long serialVersionUID = 1L;
  private static final ThreadLocal<@Nullable Target> TARGET = new ThreadLocal<>();

  /** The run a thread's messages are recorded in, with the MDC a captured line would carry. */
  record Target(
      RunRecorder recorder, UUID flowRunId, @Nullable UUID taskRunId, Map<String, String> mdc) {}

  private final transient Logger delegate;

  private RunMessages(Logger delegate) {
    this.name = delegate.getName();
    this.delegate = delegate;
  }

  /** The logger named {@code name}. */
  static Logger logger(String name) {
    return new RunMessages(LoggerFactory.getLogger(name));
  }

  /** Records this thread's messages in {@code target}'s run until the scope is closed. */
  static Mdc.Scope enter(Target target) {
    Target previous = TARGET.get();
    TARGET.set(target);
    return () -> TARGET.set(previous);
  }

  /** The target of a task run's messages. */
  static Target target(RunRecorder recorder, TaskRunState run) {
    Map<String, String> mdc = new LinkedHashMap<>();
    mdc.put(Mdc.FLOW_RUN_ID, run.execution.idText());
    mdc.put(Mdc.TASK_RUN_ID, run.idText());
    mdc.put(Mdc.TASK_NAME, run.name());
    return new Target(recorder, run.execution.id(), run.id(), mdc);
  }

  /** The target of a flow run's messages. */
  static Target target(RunRecorder recorder, Execution execution) {
    return new Target(recorder, execution.id(), null, Map.of(Mdc.FLOW_RUN_ID, execution.idText()));
  }

  private static boolean recording() {
    return TARGET.get() != null;
  }

  @Override
  public boolean isTraceEnabled() {
    return delegate.isTraceEnabled();
  }

  @Override
  public boolean isDebugEnabled() {
    return delegate.isDebugEnabled();
  }

  @Override
  public boolean isInfoEnabled() {
    return delegate.isInfoEnabled() || recording();
  }

  @Override
  public boolean isWarnEnabled() {
    return delegate.isWarnEnabled() || recording();
  }

  @Override
  public boolean isErrorEnabled() {
    return delegate.isErrorEnabled() || recording();
  }

  @Override
  protected @Nullable String getFullyQualifiedCallerName() {
    return null;
  }

  @Override
  protected void handleNormalizedLoggingCall(
      Level level,
      @Nullable Marker marker,
      String pattern,
      Object @Nullable [] arguments,
      @Nullable Throwable throwable) {
    if (delegate.isEnabledForLevel(level)) {
      Object[] all = arguments == null ? new Object[0] : arguments;
      if (throwable != null) {
        all = Arrays.copyOf(all, all.length + 1);
        all[all.length - 1] = throwable; // SLF4J takes a trailing Throwable for the cause
      }
      switch (level) {
        case ERROR -> delegate.error(pattern, all);
        case WARN -> delegate.warn(pattern, all);
        case INFO -> delegate.info(pattern, all);
        case DEBUG -> delegate.debug(pattern, all);
        case TRACE -> delegate.trace(pattern, all);
      }
    }
    Target target = TARGET.get();
    if (target != null && level.toInt() >= Level.INFO.toInt()) {
      target
          .recorder()
          .log(
              new LogLine(
                  target.flowRunId(),
                  target.taskRunId(),
                  Instant.now(),
                  level.name(),
                  name,
                  Thread.currentThread().getName(),
                  MessageFormatter.basicArrayFormat(pattern, arguments),
                  throwable == null ? null : RecordedException.stackTraceOf(throwable),
                  target.mdc()));
    }
  }
}
