package dev.sluice.api;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A task run entered a state.
 *
 * @param flowRunId the flow run it belongs to
 * @param flowName its flow's name
 * @param taskRunId the task run
 * @param taskName the task run's name ({@code step[i]} for a mapped element, for display; read the
 *     step and index from {@code stepName} and {@code mapIndex})
 * @param previous the state it left, null for its first state
 * @param state the state it entered
 * @param at when
 * @param attempt the attempt number, 0 before the first attempt
 * @param cacheKey the task run's cache key once it was computed (a task with a cache policy), else
 *     null
 * @param stepName the name of the step the task run executes (for a mapped element, the map step's)
 * @param mapIndex for an element of a mapped step, its index in the mapped list; -1 otherwise
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
    @Nullable String cacheKey,
    String stepName,
    int mapIndex) {
  public TaskRunEvent {
    Objects.requireNonNull(stepName, "stepName");
    if (mapIndex < -1) {
      throw new IllegalArgumentException(
          "mapIndex must be >= 0, or -1 for no element: " + mapIndex);
    }
  }

  /** An event of a task run that is not an element of a mapped step: its step is its name. */
  public TaskRunEvent(
      UUID flowRunId,
      String flowName,
      UUID taskRunId,
      String taskName,
      @Nullable State previous,
      State state,
      Instant at,
      int attempt,
      @Nullable String cacheKey) {
    this(
        flowRunId, flowName, taskRunId, taskName, previous, state, at, attempt, cacheKey, taskName,
        -1);
  }

  /** An event of a task run without a cache key that is not an element of a mapped step. */
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
