package dev.sluice.engine.internal;

import dev.sluice.api.FlowRun;
import dev.sluice.api.State;
import dev.sluice.api.StateChange;
import dev.sluice.api.TaskRun;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** An immutable snapshot of a {@link TaskRunState} whose flow run has ended. */
final class TaskRunRecord implements TaskRun {
  private final UUID id;
  private final UUID flowRunId;
  private final String name;
  private final String stepName;
  private final int mapIndex;
  private final State state;
  private final List<StateChange> history;
  private final int attempts;
  private final @Nullable Instant start;
  private final @Nullable Instant end;
  private final @Nullable Throwable error;
  private final boolean hasResult;
  private final @Nullable Object result;
  private final String noResult;
  private final List<TaskRun> elements;
  private final @Nullable FlowRun subflowRun;
  private final @Nullable String cacheKey;

  private TaskRunRecord(
      Execution execution,
      TaskRunState node,
      boolean hasResult,
      @Nullable Object result,
      String noResult,
      List<TaskRun> elements,
      @Nullable FlowRun subflowRun) {
    this.id = node.id();
    this.flowRunId = execution.id;
    this.name = node.name();
    this.stepName = node.stepName();
    this.mapIndex = node.mapIndex();
    this.state = node.state;
    this.history = List.copyOf(node.history());
    this.attempts = node.attempts;
    this.start = node.firstStartNanos == 0 ? null : execution.instant(node.firstStartNanos);
    this.end = node.endNanos == 0 ? null : execution.instant(node.endNanos);
    this.error = node.error;
    this.hasResult = hasResult;
    this.result = result;
    this.noResult = noResult;
    this.elements = elements;
    this.subflowRun = subflowRun;
    this.cacheKey = node.cacheKey();
  }

  static TaskRun of(Execution execution, int step) {
    TaskRunState node = execution.node(step);
    boolean completed = node.state.isCompleted();
    boolean released = execution.released(step);
    String noResult =
        !completed
            ? "task run '" + node.name() + "' ended " + node.state.name() + ", so it has no result"
            : "the result of '"
                + node.name()
                + "' was released once every consumer had it; call keepResult() on the step (or"
                + " retainResults() on the Sluice builder) to keep it";
    List<TaskRun> elements =
        node instanceof MapNode map
            ? map.elements().stream().map(e -> element(execution, map, e)).toList()
            : List.of();
    FlowRun child = node instanceof SubflowNode sub ? sub.latestChildRun() : null;
    return new TaskRunRecord(
        execution,
        node,
        completed && !released,
        completed ? execution.result(step) : null,
        noResult,
        elements,
        child);
  }

  private static TaskRun element(Execution execution, MapNode map, ElementNode element) {
    boolean completed = element.state.isCompleted();
    return new TaskRunRecord(
        execution,
        element,
        completed,
        completed ? map.results[element.mapIndex()] : null,
        "task run '" + element.name() + "' ended " + element.state.name() + ", so it has no result",
        List.of(),
        null);
  }

  @Override
  public Optional<String> cacheKey() {
    return Optional.ofNullable(cacheKey);
  }

  @Override
  public UUID id() {
    return id;
  }

  @Override
  public UUID flowRunId() {
    return flowRunId;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String stepName() {
    return stepName;
  }

  @Override
  public OptionalInt mapIndex() {
    return mapIndex < 0 ? OptionalInt.empty() : OptionalInt.of(mapIndex);
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
  public Optional<Instant> startTime() {
    return Optional.ofNullable(start);
  }

  @Override
  public Optional<Instant> endTime() {
    return Optional.ofNullable(end);
  }

  @Override
  public Duration duration() {
    return start == null || end == null ? Duration.ZERO : Duration.between(start, end);
  }

  @Override
  public Optional<Throwable> error() {
    return Optional.ofNullable(error);
  }

  @Override
  public boolean hasResult() {
    return hasResult;
  }

  @Override
  public @Nullable Object result() {
    if (!hasResult) {
      throw new IllegalStateException(noResult);
    }
    return result;
  }

  @Override
  public List<TaskRun> elements() {
    return elements;
  }

  @Override
  public Optional<FlowRun> subflowRun() {
    return Optional.ofNullable(subflowRun);
  }

  @Override
  public String toString() {
    return "TaskRun[" + name + " " + state.name() + ", " + attempts + " attempts]";
  }
}
