package dev.sluice.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.api.store.FlowInfo;
import dev.sluice.api.store.FlowRunStart;
import dev.sluice.api.store.LogCapture;
import dev.sluice.api.store.LogLine;
import dev.sluice.api.store.RunOwner;
import dev.sluice.api.store.RunStore;
import dev.sluice.api.store.RunStores;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Log capture: the Logback appender these tests' binding gets, and the java.util.logging handler
 * (driven through JUL directly, as slf4j-jdk14 would, with SLF4J's MDC on the logging thread).
 */
class LogCaptureTest {
  @TempDir Path dir;

  private static final FlowInfo FLOW = new FlowInfo("f", "", "", List.of(), "");

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
}
