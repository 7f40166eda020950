package dev.sluice.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.api.store.FlowInfo;
import dev.sluice.api.store.FlowRunStart;
import dev.sluice.api.store.LogCapture;
import dev.sluice.api.store.LogCaptureProvider;
import dev.sluice.api.store.LogLine;
import dev.sluice.api.store.RunOwner;
import dev.sluice.api.store.RunStore;
import dev.sluice.api.store.RunStores;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Log capture: the Logback appender these tests' binding gets, the java.util.logging handler
 * (driven through JUL directly, as slf4j-jdk14 would, with SLF4J's MDC on the logging thread), and
 * the Log4j 2 appender (driven through Log4j's API and thread context, as log4j-slf4j2-impl would).
 */
class LogCaptureTest {
  @TempDir Path dir;

  private static final FlowInfo FLOW = new FlowInfo("f", "", "", List.of(), "");

  @Test
  void linesOfRecordedRunsAreCapturedFromLog4j2() throws Exception {
    try (RunStore store = RunStores.open(dir.resolve("l.db").toString(), Map.of())) {
      UUID run = UUID.randomUUID();
      store
          .recorder()
          .flowRunStarted(
              new FlowRunStart(run, FLOW, "{}", null, null, Instant.now(), RunOwner.current()));
      org.apache.logging.log4j.Logger log4j =
          org.apache.logging.log4j.LogManager.getLogger("l4j.task");
      try (LogCapture capture = Log4j2Capture.install((BatchWriter) store.recorder())) {
        assertThat(capture.backend()).isEqualTo("log4j2");
        org.apache.logging.log4j.ThreadContext.put("flow_run_id", run.toString());
        // Log4j's default configuration lets ERROR through.
        log4j.error("from log4j2 {}", 7, new IllegalArgumentException("l4j"));
        org.apache.logging.log4j.ThreadContext.clearMap();
        log4j.error("no run");
      } finally {
        org.apache.logging.log4j.ThreadContext.clearMap();
      }
      org.apache.logging.log4j.ThreadContext.put("flow_run_id", run.toString());
      log4j.error("after close");
      org.apache.logging.log4j.ThreadContext.clearMap();
      assertThat(store.recorder().flush(Duration.ofSeconds(10))).isTrue();

      List<LogLine> lines = store.history().logs(run, 0, 100).stream().map(l -> l.line()).toList();
      assertThat(lines).extracting(LogLine::message).containsExactly("from log4j2 7");
      assertThat(lines.get(0).level()).isEqualTo("ERROR");
      assertThat(lines.get(0).logger()).isEqualTo("l4j.task");
      assertThat(lines.get(0).throwable()).contains("IllegalArgumentException: l4j");
      assertThat(lines.get(0).mdc()).containsEntry("flow_run_id", run.toString());
    }
  }

  @Test
  void linesOfRecordedRunsAreCapturedFromJulAndLogbackAndOthersAreNot() throws Exception {
    try (RunStore store = RunStores.open(dir.resolve("s.db").toString(), Map.of())) {
      UUID run = UUID.randomUUID();
      UUID task = UUID.randomUUID();
      UUID unknown = UUID.randomUUID();
      store
          .recorder()
          .flowRunStarted(
              new FlowRunStart(run, FLOW, "{}", null, null, Instant.now(), RunOwner.current()));
      BatchWriter writer = (BatchWriter) store.recorder();
      try (JulCapture jul = JulCapture.install(writer);
          LogCapture logback = store.captureLogs()) {
        assertThat(logback.backend()).isEqualTo("logback");
        assertThat(logback.active()).isTrue();
        Logger julLogger = Logger.getLogger("jul.task");
        MDC.put("flow_run_id", run.toString());
        MDC.put("task_run_id", task.toString());
        julLogger.log(Level.WARNING, "from jul {0}", 42);
        julLogger.log(Level.SEVERE, "jul failure", new IllegalStateException("bad"));
        LoggerFactory.getLogger("logback.task").warn("from logback");
        MDC.put("flow_run_id", unknown.toString());
        julLogger.warning("not a recorded run");
        MDC.clear();
        julLogger.warning("no run at all");
      }
      Logger.getLogger("jul.task").warning("after close");
      assertThat(store.recorder().flush(Duration.ofSeconds(10))).isTrue();

      List<LogLine> lines = store.history().logs(run, 0, 100).stream().map(l -> l.line()).toList();
      assertThat(lines)
          .extracting(LogLine::message)
          .containsExactly("from jul 42", "jul failure", "from logback");
      assertThat(lines.get(0).level()).isEqualTo("WARN");
      assertThat(lines.get(0).logger()).isEqualTo("jul.task");
      assertThat(lines.get(0).taskRunId()).isEqualTo(task);
      assertThat(lines.get(1).level()).isEqualTo("ERROR");
      assertThat(lines.get(1).throwable()).contains("IllegalStateException: bad");
      assertThat(lines.get(2).logger()).isEqualTo("logback.task");
      assertThat(store.history().logs(unknown, 0, 100)).isEmpty();
    }
  }

  @Test
  void theRegisteredProviderCapturesIntoAnySinkTheLinesOfItsRunsOnly() {
    List<LogCaptureProvider> providers =
        ServiceLoader.load(LogCaptureProvider.class).stream()
            .map(ServiceLoader.Provider::get)
            .toList();
    assertThat(providers).singleElement().isInstanceOf(StoreLogCaptureProvider.class);
    UUID run = UUID.randomUUID();
    List<LogLine> received = new CopyOnWriteArrayList<>();
    LogCaptureProvider.Sink sink =
        new LogCaptureProvider.Sink() {
          @Override
          public @Nullable UUID activeRun(String flowRunId) {
            return flowRunId.equals(run.toString()) ? run : null;
          }

          @Override
          public void log(LogLine line) {
            received.add(line);
          }
        };
    try (LogCapture capture = providers.get(0).install(sink)) {
      assertThat(capture.backend()).isEqualTo("logback");
      MDC.put("flow_run_id", run.toString());
      LoggerFactory.getLogger("client.task").warn("to the sink");
      MDC.put("flow_run_id", UUID.randomUUID().toString());
      LoggerFactory.getLogger("client.task").warn("not its run");
    } finally {
      MDC.clear();
    }
    MDC.put("flow_run_id", run.toString());
    LoggerFactory.getLogger("client.task").warn("after close");
    MDC.clear();
    assertThat(received).extracting(LogLine::message).containsExactly("to the sink");
    assertThat(received.get(0).flowRunId()).isEqualTo(run);
  }
}
