package dev.sluice.api.store;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * An entry of a store's change feed ({@link RunHistory#changesAfter}): a commit changed a flow run
 * — it started, entered a state, one of its task runs did, or it logged lines. Read the run (or its
 * logs) for what it is now.
 *
 * @param sequence the entry's place in the feed: grows with every commit, in commit order, across
 *     every process writing the store; pass the last one seen to read on
 * @param flowRunId the flow run changed
 * @param at when the change was committed, by the writer's clock
 */
public record RunChange(long sequence, UUID flowRunId, Instant at) {
  public RunChange {
    Objects.requireNonNull(flowRunId, "flowRunId");
    Objects.requireNonNull(at, "at");
  }
}
