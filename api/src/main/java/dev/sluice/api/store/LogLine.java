package dev.sluice.api.store;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A log line of a flow run: written by task code through SLF4J while a task ran, or by the engine
 * about the run.
 *
 * @param flowRunId the flow run
 * @param taskRunId the task run that was running, null for the engine's messages about the flow
 * @param at when it was logged
 * @param level {@code ERROR}, {@code WARN}, {@code INFO}, {@code DEBUG} or {@code TRACE}
 * @param logger the logger's name
 * @param thread the thread that logged it
 * @param message the formatted message
 * @param throwable the stack trace of the exception logged with it, null when none
 * @param mdc the MDC at the time, including {@code flow_run_id}, {@code task_run_id}, {@code
 *     task_name}
 */
public record LogLine(
    UUID flowRunId,
    @Nullable UUID taskRunId,
    Instant at,
    String level,
    String logger,
    String thread,
    String message,
    @Nullable String throwable,
    Map<String, String> mdc) {
  public LogLine {
    Objects.requireNonNull(flowRunId, "flowRunId");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(level, "level");
    Objects.requireNonNull(logger, "logger");
    Objects.requireNonNull(thread, "thread");
    Objects.requireNonNull(message, "message");
    mdc = Map.copyOf(mdc);
  }
}
