package dev.sluice.api.store;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A flow run started.
 *
 * @param flowRunId the flow run
 * @param flow what is recorded of its flow
 * @param parametersJson its parameters after defaults and coercion, as a JSON object
 * @param parentTaskRunId for a sub-flow run, the task run of the parent step; otherwise null
 * @param parentFlowRunId for a sub-flow run, the parent flow run; otherwise null
 * @param at when it started
 * @param owner the process running it, so a later start can tell whether it died
 * @param runName the run's name given where it was started (e.g. by the server), null when none
 * @param tags the run's tags, empty when none
 * @param idempotencyKey the key a starter gave so that asking twice starts one run; unique per flow
 *     name in a store (a second start with the same key is not recorded); null when none
 */
public record FlowRunStart(
    UUID flowRunId,
    FlowInfo flow,
    String parametersJson,
    @Nullable UUID parentTaskRunId,
    @Nullable UUID parentFlowRunId,
    Instant at,
    RunOwner owner,
    @Nullable String runName,
    Set<String> tags,
    @Nullable String idempotencyKey) {
  public FlowRunStart {
    Objects.requireNonNull(flowRunId, "flowRunId");
    Objects.requireNonNull(flow, "flow");
    Objects.requireNonNull(parametersJson, "parametersJson");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(owner, "owner");
    tags = Set.copyOf(tags);
  }

  /** A start without run name, tags or idempotency key. */
  public FlowRunStart(
      UUID flowRunId,
      FlowInfo flow,
      String parametersJson,
      @Nullable UUID parentTaskRunId,
      @Nullable UUID parentFlowRunId,
      Instant at,
      RunOwner owner) {
    this(
        flowRunId,
        flow,
        parametersJson,
        parentTaskRunId,
        parentFlowRunId,
        at,
        owner,
        null,
        Set.of(),
        null);
  }
}
