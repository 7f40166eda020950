package dev.sluice.engine.internal;

import dev.sluice.api.FlowRun;
import dev.sluice.api.State;
import dev.sluice.api.StateChange;
import dev.sluice.api.TaskRun;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The {@link FlowRun} of an ended execution. Task runs are materialized on first request, so a run
 * nobody inspects costs no record objects.
 */
final class FlowRunView implements FlowRun {
  private final Execution execution;
  private final State state;
  private final List<StateChange> history;
  private final int attempts;
  private final Instant endTime;
  private volatile @Nullable List<TaskRun> taskRuns;

  FlowRunView(Execution execution) {
    this.execution = execution;
    this.state = execution.state();
    this.history = execution.history();
    this.attempts = execution.attempts();
    this.endTime = execution.instant(execution.endNanos());
  }

  @Override
  public UUID id() {
    return execution.id;
  }

  @Override
  public String flowName() {
    return execution.plan.flowName;
  }

  @Override
  public String flowVersion() {
    return execution.plan.options.version();
  }

  @Override
  public Map<String, @Nullable Object> parameters() {
    return execution.parameterMap();
  }

  @Override
  public Optional<String> runName() {
    return Optional.ofNullable(execution.options.name());
  }

  @Override
  public Set<String> tags() {
    return execution.options.tags();
  }

  @Override
  public Optional<UUID> parentTaskRunId() {
    return Optional.ofNullable(execution.parentTaskRunId());
  }

  @Override
  public State state() {
    return state;
  }

  @Override
  public List<StateChange> history() {
    return history;
  }

  @Override
  public int attempts() {
    return attempts;
  }

  @Override
  public Instant startTime() {
    return execution.startInstant();
  }

  @Override
  public Optional<Instant> endTime() {
    return Optional.of(endTime);
  }

  @Override
  public Duration duration() {
    return Duration.between(execution.startInstant(), endTime);
  }

  @Override
  public List<TaskRun> taskRuns() {
    List<TaskRun> runs = taskRuns;
    if (runs == null) {
      synchronized (this) {
        runs = taskRuns;
        if (runs == null) {
          int n = execution.plan.size;
          List<TaskRun> all = new ArrayList<>(n);
          for (int i = 0; i < n; i++) {
            all.add(TaskRunRecord.of(execution, i));
          }
          runs = Collections.unmodifiableList(all);
          taskRuns = runs;
        }
      }
    }
    return runs;
  }

  @Override
  public Optional<TaskRun> taskRun(String stepName) {
    Integer index = execution.plan.indexByName.get(stepName);
    return index == null ? Optional.empty() : Optional.of(taskRuns().get(index));
  }

  @Override
  public @Nullable Object result() {
    if (!state.isCompleted()) {
      throw new IllegalStateException(
          "flow run of '" + flowName() + "' ended " + state.name() + ", so it has no result",
          state instanceof State.Failed f ? f.error() : null);
    }
    int step = execution.resultStep();
    return step < 0 ? null : taskRuns().get(step).result();
  }

  @Override
  public String toString() {
    return "FlowRun[" + flowName() + " " + id() + " " + state.name() + "]";
  }
}
