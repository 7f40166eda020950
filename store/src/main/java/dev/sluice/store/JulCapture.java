package dev.sluice.store;

import dev.sluice.api.store.LogCapture;
import dev.sluice.api.store.LogCaptureProvider;
import dev.sluice.api.store.LogLine;
import dev.sluice.api.store.RecordedException;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.slf4j.MDC;

/**
 * A {@code java.util.logging} handler on the root logger, for applications that bind SLF4J to JUL
 * (slf4j-jdk14). JUL has no MDC: the handler reads SLF4J's, which is set on the logging thread,
 * where JUL calls handlers.
 */
final class JulCapture extends Handler implements LogCapture {
  private static final Formatter MESSAGES = new SimpleFormatter();

  private final LogCaptureProvider.Sink sink;
  private volatile boolean open = true;

  private JulCapture(LogCaptureProvider.Sink sink) {
    this.sink = sink;
  }

  static JulCapture install(LogCaptureProvider.Sink sink) {
    JulCapture capture = new JulCapture(sink);
    Logger.getLogger("").addHandler(capture);
    return capture;
  }

  @Override
  public void publish(LogRecord record) {
    if (!open || record == null) {
      return;
    }
    String runId = MDC.get("flow_run_id");
    if (runId == null) {
      return;
    }
    UUID run = sink.activeRun(runId);
    if (run == null) {
      return;
    }
    Map<String, String> mdc = MDC.getCopyOfContextMap();
    String task = MDC.get("task_run_id");
    Throwable thrown = record.getThrown();
    sink.log(
        new LogLine(
            run,
            task == null ? null : UUID.fromString(task),
            record.getInstant() == null ? Instant.now() : record.getInstant(),
            level(record.getLevel()),
            String.valueOf(record.getLoggerName()),
            Thread.currentThread().getName(),
            MESSAGES.formatMessage(record),
            thrown == null ? null : RecordedException.stackTraceOf(thrown),
            mdc == null ? Map.of() : mdc));
  }

  /** JUL's levels as SLF4J names them (slf4j-jdk14's mapping). */
  static String level(Level level) {
    int value = level.intValue();
    if (value >= Level.SEVERE.intValue()) {
      return "ERROR";
    }
    if (value >= Level.WARNING.intValue()) {
      return "WARN";
    }
    if (value >= Level.INFO.intValue()) {
      return "INFO";
    }
    if (value >= Level.FINE.intValue()) {
      return "DEBUG";
    }
    return "TRACE";
  }

  @Override
  public String backend() {
    return "java.util.logging";
  }

  @Override
  public boolean active() {
    return open;
  }

  @Override
  public void flush() {}

  @Override
  public void close() {
    open = false;
    Logger.getLogger("").removeHandler(this);
  }

  @Override
  public String toString() {
    return "run store capture (" + backend().toLowerCase(Locale.ROOT) + ")";
  }
}
