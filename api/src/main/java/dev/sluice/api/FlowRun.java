package dev.sluice.api;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The record of one execution of a {@link Flow}: parameters, states with timestamps, the task run
 * of every step, and the result. The run returned when a flow finishes never changes.
 */
public interface FlowRun {
  /** The flow run's id, a time-ordered UUIDv7. */
  UUID id();

  /** The name of the flow. */
  String flowName();

  /** The flow's version, empty when it has none. */
  String flowVersion();

  /** The parameters it ran with, after defaults and coercion. */
  Map<String, @Nullable Object> parameters();

  /** For a sub-flow run, the task run of the parent step that started it. */
  Optional<UUID> parentTaskRunId();

  /** The name the run was started with ({@link RunOptions#name()}), if any. */
  default Optional<String> runName() {
    return Optional.empty();
  }

  /** The tags the run was started with ({@link RunOptions#tags()}); empty when none. */
  default Set<String> tags() {
    return Set.of();
  }

  /** Its current (for a finished run: final) state. */
  State state();

  /** Every state it entered, in order, with timestamps. */
  List<StateChange> history();

  /** How many times the flow ran: 1, plus one per flow-level retry. */
  int attempts();

  /** When it started. */
  Instant startTime();

  /** When it reached its final state. */
  Optional<Instant> endTime();

  /** Time from start to the final state, or to now while running. */
  Duration duration();

  /** The task run of every step, in the flow's definition order. */
  List<TaskRun> taskRuns();

  /** The task run of the step with this name. */
  Optional<TaskRun> taskRun(String stepName);

  /**
   * The flow's result: the value of its result step, or null when it has none.
   *
   * @throws IllegalStateException if the run did not complete
   */
  @Nullable Object result();

  /**
   * The result of one step.
   *
   * @throws IllegalArgumentException if the flow has no such step
   * @throws IllegalStateException if the step did not complete, or its result was released
   * @throws ClassCastException if the result is not a {@code type}
   */
  default <T> @Nullable T result(String stepName, Class<T> type) {
    TaskRun run =
        taskRun(stepName)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "flow '" + flowName() + "' has no step named '" + stepName + "'"));
    return type.cast(run.result());
  }

  /**
   * A table for people: the flow's state and duration, then one line per task run with its final
   * state, attempts, duration and, for failures, the error.
   */
  default String summary() {
    return Summaries.of(this);
  }
}
