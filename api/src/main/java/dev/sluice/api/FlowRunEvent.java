package dev.sluice.api;

import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A flow run entered a state.
 *
 * @param flowRunId the flow run
 * @param flowName its flow's name
 * @param parentTaskRunId for a sub-flow run, the parent step's task run; otherwise null
 * @param previous the state it left, null for its first state
 * @param state the state it entered
 * @param at when
 * @param attempt the flow attempt, from 1
 */
public record FlowRunEvent(
    UUID flowRunId,
    String flowName,
    @Nullable UUID parentTaskRunId,
    @Nullable State previous,
    State state,
    Instant at,
    int attempt) {}
