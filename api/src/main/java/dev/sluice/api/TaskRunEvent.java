package dev.sluice.api;

import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A task run entered a state.
 *
 * @param flowRunId the flow run it belongs to
 * @param flowName its flow's name
 * @param taskRunId the task run
 * @param taskName the task run's name ({@code step[i]} for a mapped element)
 * @param previous the state it left, null for its first state
 * @param state the state it entered
 * @param at when
 * @param attempt the attempt number, 0 before the first attempt
 * @param cacheKey the task run's cache key once it was computed (a task with a cache policy), else
 *     null
 */
public record TaskRunEvent(
    UUID flowRunId,
    String flowName,
    UUID taskRunId,
    String taskName,
    @Nullable State previous,
    State state,
    Instant at,
    int attempt,
    @Nullable String cacheKey) {

  /** An event of a task run without a cache key. */
  public TaskRunEvent(
      UUID flowRunId,
      String flowName,
      UUID taskRunId,
      String taskName,
      @Nullable State previous,
      State state,
      Instant at,
      int attempt) {
    this(flowRunId, flowName, taskRunId, taskName, previous, state, at, attempt, null);
  }
}
