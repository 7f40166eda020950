package dev.sluice.client;

import dev.sluice.api.store.FlowInfo;
import dev.sluice.api.store.FlowRunDetail;
import dev.sluice.api.store.FlowRunPage;
import dev.sluice.api.store.FlowRunQuery;
import dev.sluice.api.store.FlowRunSummary;
import dev.sluice.api.store.FlowSummary;
import dev.sluice.api.store.RunChange;
import dev.sluice.api.store.RunCountBucket;
import dev.sluice.api.store.RunCountQuery;
import dev.sluice.api.store.RunHistory;
import dev.sluice.api.store.RunStoreException;
import dev.sluice.api.store.StoredLogLine;
import dev.sluice.api.store.TaskRunDetail;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The run history a server serves, read through its API: each method is one request. A server that
 * cannot be reached, or answers with an error, throws {@link RunStoreException} with the client's
 * message (and the {@link SluiceApiException} or {@link UncheckedIOException} as its cause); a 400
 * (a bad cursor, say) throws {@link IllegalArgumentException}, as a local store does.
 */
final class RemoteHistory implements RunHistory {
  private final SluiceClient client;

  RemoteHistory(SluiceClient client) {
    this.client = client;
  }

  @Override
  public List<FlowSummary> flows() {
    return call(client::flows);
  }

  @Override
  public List<FlowInfo> flowVersions(String name) {
    return call(() -> client.flow(name).map(SluiceClient.FlowDetail::versions).orElse(List.of()));
  }

  @Override
  public List<FlowRunSummary> flowRuns(FlowRunQuery query) {
    return call(() -> client.flowRuns(query).items());
  }

  @Override
  public FlowRunPage flowRunPage(FlowRunQuery query) {
    return call(() -> client.flowRuns(query));
  }

  @Override
  public Optional<FlowRunSummary> flowRunByIdempotencyKey(String flowName, String key) {
    return call(() -> client.flowRunByIdempotencyKey(flowName, key));
  }

  @Override
  public List<RunChange> changesAfter(long afterSequence, int limit) {
    return call(() -> client.changes(afterSequence, limit));
  }

  @Override
  public long latestChangeSequence() {
    return call(client::latestChangeSequence);
  }

  /**
   * Does nothing: commits happen in the server's process, not this one. Follow the server's changes
   * with {@link #changesAfter} (or the API's {@code /flow-runs/stream}).
   */
  @Override
  public void addCommitListener(Runnable listener) {}

  /** Does nothing, like {@link #addCommitListener}. */
  @Override
  public void removeCommitListener(Runnable listener) {}

  @Override
  public Optional<FlowRunDetail> flowRun(UUID flowRunId) {
    return call(() -> client.flowRun(flowRunId));
  }

  @Override
  public Optional<TaskRunDetail> taskRun(UUID taskRunId) {
    return call(() -> client.taskRun(taskRunId));
  }

  @Override
  public List<RunCountBucket> runCounts(RunCountQuery query) {
    return call(() -> client.runCounts(query));
  }

  @Override
  public List<StoredLogLine> logs(UUID flowRunId, long afterSequence, int limit) {
    return call(
        () -> {
          try {
            return client.logs(flowRunId, afterSequence, limit).items();
          } catch (SluiceApiException e) {
            if (e.status() == 404) {
              return List.of(); // as a local store: an unknown run has no lines
            }
            throw e;
          }
        });
  }

  /** {@code read}, with the client's failures as a run store's. */
  static <T> T call(Supplier<T> read) {
    try {
      return read.get();
    } catch (SluiceApiException e) {
      if (e.status() == 400) {
        throw new IllegalArgumentException(e.getMessage(), e);
      }
      throw new RunStoreException(String.valueOf(e.getMessage()), e);
    } catch (UncheckedIOException e) {
      throw new RunStoreException(String.valueOf(e.getMessage()), e);
    }
  }
}
