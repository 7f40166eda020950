package dev.sluice.store;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import dev.sluice.api.store.LogCapture;
import dev.sluice.api.store.LogCaptureProvider;
import dev.sluice.api.store.LogLine;
import java.util.Map;
import java.util.UUID;
import org.slf4j.ILoggerFactory;

/**
 * A Logback appender on the root logger that hands the lines of the sink's runs to it. It sees what
 * the user's Logback configuration lets through to the root logger.
 */
final class LogbackCapture extends UnsynchronizedAppenderBase<ILoggingEvent> implements LogCapture {
  private final LogCaptureProvider.Sink sink;
  private final ch.qos.logback.classic.Logger root;

  private LogbackCapture(LogCaptureProvider.Sink sink, ch.qos.logback.classic.Logger root) {
    this.sink = sink;
    this.root = root;
  }

  static LogCapture install(ILoggerFactory factory, LogCaptureProvider.Sink sink) {
    LoggerContext context = (LoggerContext) factory;
    ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    LogbackCapture capture = new LogbackCapture(sink, root);
    capture.setContext(context);
    capture.setName("sluice-run-store");
    capture.start();
    root.addAppender(capture);
    return capture;
  }

  @Override
  protected void append(ILoggingEvent event) {
    Map<String, String> mdc = event.getMDCPropertyMap();
    String runId = mdc.get("flow_run_id");
    if (runId == null) {
      return;
    }
    UUID run = sink.activeRun(runId);
    if (run == null) {
      return;
    }
    String task = mdc.get("task_run_id");
    IThrowableProxy thrown = event.getThrowableProxy();
    sink.log(
        new LogLine(
            run,
            task == null ? null : UUID.fromString(task),
            event.getInstant(),
            event.getLevel().toString(),
            event.getLoggerName(),
            String.valueOf(event.getThreadName()),
            String.valueOf(event.getFormattedMessage()),
            thrown == null ? null : ThrowableProxyUtil.asString(thrown),
            mdc));
  }

  @Override
  public String backend() {
    return "logback";
  }

  @Override
  public boolean active() {
    return isStarted();
  }

  @Override
  public void close() {
    root.detachAppender(this);
    stop();
  }
}
