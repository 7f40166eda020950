package dev.sluice;

import dev.sluice.api.FlowRunEvent;
import dev.sluice.api.RunListener;
import dev.sluice.api.State;
import dev.sluice.api.TaskRunEvent;
import dev.sluice.api.internal.Progress;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Follows the one top-level run of a {@link BatchJob} from its events: the latest state of each of
 * its steps' task runs (map elements and sub-flows' tasks aside), counted into a {@link Progress};
 * and its id, as soon as it starts ({@link #started()}): with the local executor {@code
 * Sluice.start} returns only once the tasks have run, so a signal must cancel the run by id.
 */
final class RunProgress implements RunListener {
  private final String flowName;
  private final int steps;
  private final InstantSource clock;
  private final CompletableFuture<UUID> started = new CompletableFuture<>();
  private final Map<UUID, State> states = new ConcurrentHashMap<>();
  private volatile @Nullable UUID runId;
  private volatile @Nullable Instant startTime;

  RunProgress(String flowName, int steps, InstantSource clock) {
    this.flowName = flowName;
    this.steps = steps;
    this.clock = clock;
  }

  /** Completes with the run's id when it starts (on the thread that starts it). */
  CompletableFuture<UUID> started() {
    return started;
  }

  @Override
  public void onFlowRunStateChanged(FlowRunEvent event) {
    if (event.parentTaskRunId() == null && runId == null) {
      startTime = event.at();
      runId = event.flowRunId();
      started.complete(event.flowRunId());
    }
  }

  @Override
  public void onTaskRunStateChanged(TaskRunEvent event) {
    if (event.mapIndex() == -1 && event.flowRunId().equals(runId)) {
      states.put(event.taskRunId(), event.state());
    }
  }

  /** The progress now; empty before the run started. */
  Optional<Progress> now() {
    Instant start = startTime;
    if (start == null) {
      return Optional.empty();
    }
    Progress progress = Progress.of(flowName, steps, Duration.between(start, clock.instant()));
    for (State state : states.values()) {
      progress = progress.plus(state.type(), state.isFinal());
    }
    return Optional.of(progress);
  }
}
