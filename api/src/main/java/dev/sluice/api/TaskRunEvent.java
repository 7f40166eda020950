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
 */
public record TaskRunEvent(
    UUID flowRunId,
    String flowName,
    UUID taskRunId,
    String taskName,
    @Nullable State previous,
    State state,
    Instant at,
    int attempt) {}
