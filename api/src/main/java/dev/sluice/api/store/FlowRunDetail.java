package dev.sluice.api.store;

import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A recorded flow run with everything the store knows of it.
 *
 * @param run its summary
 * @param flow its flow's definition, as last recorded for the run's flow name and version
 * @param parametersJson its parameters as a JSON object
 * @param parentFlowRunId for a sub-flow run, the parent flow run; null otherwise
 * @param owner the process that ran it
 * @param history every state it entered, in order
 * @param taskRuns its task runs in the order they were created (map elements after their map)
 * @param idempotencyKey the key it was started with, null when none
 */
public record FlowRunDetail(
    FlowRunSummary run,
    FlowInfo flow,
    String parametersJson,
    @Nullable UUID parentFlowRunId,
    RunOwner owner,
    List<StateRecord> history,
    List<TaskRunDetail> taskRuns,
    @Nullable String idempotencyKey) {
  public FlowRunDetail {
    Objects.requireNonNull(run, "run");
    Objects.requireNonNull(flow, "flow");
    Objects.requireNonNull(parametersJson, "parametersJson");
    Objects.requireNonNull(owner, "owner");
    history = List.copyOf(history);
    taskRuns = List.copyOf(taskRuns);
  }

  /** A run started without idempotency key. */
  public FlowRunDetail(
      FlowRunSummary run,
      FlowInfo flow,
      String parametersJson,
      @Nullable UUID parentFlowRunId,
      RunOwner owner,
      List<StateRecord> history,
      List<TaskRunDetail> taskRuns) {
    this(run, flow, parametersJson, parentFlowRunId, owner, history, taskRuns, null);
  }
}
