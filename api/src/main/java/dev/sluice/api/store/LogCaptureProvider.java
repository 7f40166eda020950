package dev.sluice.api.store;

import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Attaches a log capture to the logging backend the application bound to SLF4J, for a run store
 * that does not bring its own: {@code sluice-store} registers one (with
 * {@code @AutoService(LogCaptureProvider.class)}) for Logback, Log4j 2 and {@code
 * java.util.logging}, and the client's store, which records through the server, uses it through
 * {@link java.util.ServiceLoader}.
 */
public interface LogCaptureProvider {
  /** Starts copying the log lines of the runs {@code sink} records into it. */
  LogCapture install(Sink sink);

  /** Where captured lines go. */
  interface Sink {
    /**
     * The run whose id text (the MDC value {@code flow_run_id}) is {@code flowRunId}, when the sink
     * records it; null for lines of runs it does not record.
     */
    @Nullable UUID activeRun(String flowRunId);

    /** A captured line of a run {@link #activeRun} named. */
    void log(LogLine line);
  }
}
