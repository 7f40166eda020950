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

  /**
   * Every recorded version of flow {@code name}, the newest (last seen) first; empty when the flow
   * was never recorded.
   */
  List<FlowInfo> flowVersions(String name);

  /** Flow runs matching {@code query}, newest first, at most {@link FlowRunQuery#limit()}. */
  List<FlowRunSummary> flowRuns(FlowRunQuery query);

  /**
   * A page of the flow runs matching {@code query}, newest first, from its {@linkplain
   * FlowRunQuery#cursor() cursor}, with the cursor of the next page. Stays correct while runs are
   * added (see {@link FlowRunPage}).
   *
   * @throws IllegalArgumentException when the cursor is not one this store handed out
   */
  FlowRunPage flowRunPage(FlowRunQuery query);

  /**
   * How many flow runs match {@code query}, whatever its limit and cursor: what a listing cut at
   * its limit says it left out ({@code sluice flow-run ls}: "20 of 25 runs"). Stores answer with
   * one count in the database; this default reads the pages.
   */
  default long flowRunCount(FlowRunQuery query) {
    FlowRunQuery page = query.withLimit(FlowRunQuery.MAX_LIMIT).withCursor(null);
    long count = 0;
    while (true) {
      FlowRunPage read = flowRunPage(page);
      count += read.items().size();
      if (read.nextCursor() == null) {
        return count;
      }
      page = page.withCursor(read.nextCursor());
    }
  }

  /**
   * The run of flow {@code flowName} started with idempotency key {@code key} ({@link
   * FlowRunStart#idempotencyKey()}), if one was recorded.
   */
  Optional<FlowRunSummary> flowRunByIdempotencyKey(String flowName, String key);

  /**
   * The change feed: entries with a {@link RunChange#sequence()} greater than {@code afterSequence}
   * (0 for all), in commit order, at most {@code limit}. Every commit of every process writing this
   * database adds its entries, one per flow run it changed; none is skipped when read on from the
   * last sequence seen. To follow without polling often, wait for a {@link #addCommitListener
   * commit listener}'s call (this process's commits) or a timeout (other processes'), then read on.
   */
  List<RunChange> changesAfter(long afterSequence, int limit);

  /**
   * The sequence of the change feed's newest entry, 0 when it is empty: where a follower that wants
   * only changes from now on starts ({@link #changesAfter}).
   */
  long latestChangeSequence();

  /**
   * Calls {@code listener} after each commit of this store's writer (in this process), on the
   * writer's thread: it must return quickly (wake a follower; do not read there). A listener that
   * throws is logged and kept.
   */
  void addCommitListener(Runnable listener);

  /** Stops calling a listener added with {@link #addCommitListener}. */
  void removeCommitListener(Runnable listener);

  /** One flow run with its task runs and state history. */
  Optional<FlowRunDetail> flowRun(UUID flowRunId);

  /** One task run with its state history. */
  Optional<TaskRunDetail> taskRun(UUID taskRunId);

  /**
   * How many flow runs started in each bucket of {@code query}'s time range, by state: one entry
   * per bucket, empty buckets included, in time order.
   */
  List<RunCountBucket> runCounts(RunCountQuery query);

  /**
   * Log lines of a flow run (its tasks' and the engine's) in the order they were logged, those with
   * a {@link StoredLogLine#sequence()} greater than {@code afterSequence}; pass 0 for the first. To
   * follow a run in progress, poll again with the last sequence seen.
   */
  List<StoredLogLine> logs(UUID flowRunId, long afterSequence, int limit);
}
