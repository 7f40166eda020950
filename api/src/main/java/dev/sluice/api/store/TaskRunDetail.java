package dev.sluice.api.store;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A recorded task run.
 *
 * @param id the task run's id
 * @param flowRunId its flow run
 * @param name its name: the step's, or {@code step[i]} for element {@code i} of a mapped step
 * @param stepName the step it executes
 * @param mapIndex for an element of a mapped step, its index; null otherwise
 * @param state its current (or final) state
 * @param attempts how many attempts started
 * @param startTime when its first attempt started, null if it never ran
 * @param endTime when it reached its final state, null while unfinished
 * @param error what its last failed attempt threw, null when none
 * @param cacheKey the cache key of its inputs, null when not cached
 * @param history every state it entered, in order
 */
public record TaskRunDetail(
    UUID id,
    UUID flowRunId,
    String name,
    String stepName,
    @Nullable Integer mapIndex,
    StateRecord state,
    int attempts,
    @Nullable Instant startTime,
    @Nullable Instant endTime,
    @Nullable ErrorInfo error,
    @Nullable String cacheKey,
    List<StateRecord> history) {
  public TaskRunDetail {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(flowRunId, "flowRunId");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(stepName, "stepName");
    Objects.requireNonNull(state, "state");
    history = List.copyOf(history);
  }

  /** From the first attempt's start to the final state (or {@code now}); zero if it never ran. */
  public Duration duration(Instant now) {
    if (startTime == null) {
      return Duration.ZERO;
    }
    return Duration.between(startTime, endTime != null ? endTime : now);
  }

  /**
   * An error recorded with a task run.
   *
   * @param type the exception's class name
   * @param message its message, empty when none
   * @param stackTrace its full stack trace, causes included
   */
  public record ErrorInfo(String type, String message, String stackTrace) {
    public ErrorInfo {
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(message, "message");
      Objects.requireNonNull(stackTrace, "stackTrace");
    }
  }
}
