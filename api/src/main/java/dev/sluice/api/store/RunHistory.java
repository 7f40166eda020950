package dev.sluice.api.store;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The read side of a {@link RunStore}: what the {@code sluice} command and the dashboard show.
 * Every answer is an immutable snapshot of what was committed when it was asked; records still in a
 * writer's queue are not visible yet.
 */
public interface RunHistory {
  /** Every recorded flow, by name, with its latest version and run statistics. */
  List<FlowSummary> flows();

  /** Flow runs matching {@code query}, newest first, at most {@link FlowRunQuery#limit()}. */
  List<FlowRunSummary> flowRuns(FlowRunQuery query);

  /** One flow run with its task runs and state history. */
  Optional<FlowRunDetail> flowRun(UUID flowRunId);

  /**
   * Log lines of a flow run (its tasks' and the engine's) in the order they were logged, those with
   * a {@link StoredLogLine#sequence()} greater than {@code afterSequence}; pass 0 for the first. To
   * follow a run in progress, poll again with the last sequence seen.
   */
  List<StoredLogLine> logs(UUID flowRunId, long afterSequence, int limit);
}
