package dev.sluice.api;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The record of one step's execution in a flow run: its states with timestamps, attempts, timing,
 * and result or error. A task run taken from a finished {@link FlowRun} never changes.
 */
public interface TaskRun {
  /** The task run's id, a time-ordered UUIDv7. */
  UUID id();

  /** The id of the flow run it belongs to. */
  UUID flowRunId();

  /** Its name: the step's name, or {@code step[i]} for element {@code i} of a mapped step. */
  String name();

  /** The name of the step it executes. */
  String stepName();

  /** For an element of a mapped step, its index; empty otherwise. */
  OptionalInt mapIndex();

  /** Its current (for a finished run: final) state. */
  State state();

  /** Every state it entered, in order, with timestamps. */
  List<StateChange> history();

  /** How many attempts started (0 if it never ran). */
  int attempts();

  /** When its first attempt started. */
  Optional<Instant> startTime();

  /** When it reached its final state. */
  Optional<Instant> endTime();

  /** Time from the first attempt's start to the final state; zero if it never ran. */
  Duration duration();

  /** What its last attempt threw, when it failed or crashed. */
  Optional<Throwable> error();

  /**
   * The cache key of this task run (hex SHA-256), when its task has a {@link CachePolicy} and the
   * key could be computed; set on a hit and on a miss alike.
   */
  default Optional<String> cacheKey() {
    return Optional.empty();
  }

  /** Whether {@link #result()} can be read. */
  boolean hasResult();

  /**
   * Its result.
   *
   * @throws IllegalStateException if it did not complete, or the engine released the result once
   *     every consumer had it (call {@code keepResult()} on the step to keep it)
   */
  @Nullable Object result();

  /** For a mapped step, the task run of each element, in element order; empty otherwise. */
  List<TaskRun> elements();

  /** For a sub-flow step, the child flow run (once it started). */
  Optional<FlowRun> subflowRun();
}
