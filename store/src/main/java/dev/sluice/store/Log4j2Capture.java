package dev.sluice.store;

import dev.sluice.api.store.LogCapture;
import dev.sluice.api.store.LogCaptureProvider;
import dev.sluice.api.store.LogLine;
import dev.sluice.api.store.RecordedException;
import java.time.Instant;
import java.util.UUID;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.Property;
import org.apache.logging.log4j.util.ReadOnlyStringMap;

/**
 * A Log4j 2 appender on the root logger of the current configuration, for applications that bind
 * SLF4J to Log4j 2 (log4j-slf4j2-impl; SLF4J's MDC is Log4j's thread context there). A
 * reconfiguration of Log4j (a changed config file) drops it, as it drops every programmatic
 * appender.
 */
final class Log4j2Capture extends AbstractAppender implements LogCapture {
  private static final String NAME = "sluice-run-store";

  private final LogCaptureProvider.Sink sink;
  private final LoggerContext context;

  private Log4j2Capture(LogCaptureProvider.Sink sink, LoggerContext context) {
    super(NAME, null, null, true, Property.EMPTY_ARRAY);
    this.sink = sink;
    this.context = context;
  }

  static LogCapture install(LogCaptureProvider.Sink sink) {
    LoggerContext context = (LoggerContext) LogManager.getContext(false);
    Log4j2Capture capture = new Log4j2Capture(sink, context);
    capture.start();
    Configuration configuration = context.getConfiguration();
    configuration.addAppender(capture);
    configuration.getRootLogger().addAppender(capture, null, null);
    context.updateLoggers();
    return capture;
  }

  @Override
  public void append(LogEvent event) {
    ReadOnlyStringMap data = event.getContextData();
    String runId = data.getValue("flow_run_id");
    if (runId == null) {
      return;
    }
    UUID run = sink.activeRun(runId);
    if (run == null) {
      return;
    }
    String task = data.getValue("task_run_id");
    Throwable thrown = event.getThrown();
    var instant = event.getInstant();
    sink.log(
        new LogLine(
            run,
            task == null ? null : UUID.fromString(task),
            Instant.ofEpochSecond(instant.getEpochSecond(), instant.getNanoOfSecond()),
            event.getLevel().name(),
            String.valueOf(event.getLoggerName()),
            String.valueOf(event.getThreadName()),
            event.getMessage() == null ? "" : event.getMessage().getFormattedMessage(),
            thrown == null ? null : RecordedException.stackTraceOf(thrown),
            data.toMap()));
  }

  @Override
  public String backend() {
    return "log4j2";
  }

  @Override
  public boolean active() {
    return isStarted();
  }

  @Override
  public void close() {
    Configuration configuration = context.getConfiguration();
    configuration.getRootLogger().removeAppender(NAME);
    context.updateLoggers();
    stop();
  }
}
