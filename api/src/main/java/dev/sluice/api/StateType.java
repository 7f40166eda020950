package dev.sluice.api;

/**
 * The coarse kind of a {@link State}. Each state name belongs to exactly one type; the type decides
 * how the engine treats it (final or not, successful or not).
 */
public enum StateType {
  /** Waiting for a time: a scheduled start, a retry delay, a concurrency slot. */
  SCHEDULED,
  /**
   * Created, waiting for upstreams; or {@code NotReady}: an upstream failed and this never runs.
   */
  PENDING,
  /** An attempt is executing. */
  RUNNING,
  /** Finished successfully: completed, served from cache, or skipped by its condition. */
  COMPLETED,
  /** Finished unsuccessfully because the task's code failed or timed out. */
  FAILED,
  /**
   * Finished unsuccessfully for a reason outside the task's code: a dead worker, an {@code Error}.
   */
  CRASHED,
  /** Stopped on request, or stopping. */
  CANCELLED;

  /**
   * Whether a run in a state of this type may still change. Note that {@code Cancelling} and {@code
   * NotReady} are exceptions handled by {@link State#isFinal()}.
   */
  boolean finalByDefault() {
    return this == COMPLETED || this == FAILED || this == CRASHED || this == CANCELLED;
  }
}
