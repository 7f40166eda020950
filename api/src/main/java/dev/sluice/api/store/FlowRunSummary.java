package dev.sluice.api.store;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A recorded flow run, as listed.
 *
 * @param id the flow run's id
 * @param flowName its flow
 * @param flowVersion its flow's version, empty when none
 * @param state its current (or final) state and when it was entered
 * @param startTime when it started
 * @param endTime when it reached its final state, null while unfinished
 * @param attempts flow-level attempts: 1, plus one per flow retry
 * @param parentTaskRunId for a sub-flow run, the parent step's task run; null otherwise
 * @param runName its name given when it was started, null when none
 * @param tags its tags, empty when none
 */
public record FlowRunSummary(
    UUID id,
    String flowName,
    String flowVersion,
    StateRecord state,
    Instant startTime,
    @Nullable Instant endTime,
    int attempts,
    @Nullable UUID parentTaskRunId,
    @Nullable String runName,
    Set<String> tags) {
  public FlowRunSummary {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(flowName, "flowName");
    Objects.requireNonNull(flowVersion, "flowVersion");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(startTime, "startTime");
    tags = Set.copyOf(tags);
  }

  /** A run without name or tags. */
  public FlowRunSummary(
      UUID id,
      String flowName,
      String flowVersion,
      StateRecord state,
      Instant startTime,
      @Nullable Instant endTime,
      int attempts,
      @Nullable UUID parentTaskRunId) {
    this(
        id,
        flowName,
        flowVersion,
        state,
        startTime,
        endTime,
        attempts,
        parentTaskRunId,
        null,
        Set.of());
  }

  /** From start to the final state; to {@code now} while unfinished. */
  public Duration duration(Instant now) {
    return Duration.between(startTime, endTime != null ? endTime : now);
  }
}
