package dev.sluice.engine.internal;

import dev.sluice.api.FlowRunEvent;
import dev.sluice.api.RunOptions;
import dev.sluice.api.State;
import dev.sluice.api.StateChange;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The flow-level record of a run in progress: its identity, its state with the history of
 * transitions and its attempts, and the cancellation flag. {@link StepResults} and {@link
 * Execution} extend it with the steps' values and the countdown that runs the steps; the record
 * lives in the same object so that the hot path reads {@link #cancelled} without an indirection.
 *
 * <p>The record changes a handful of times per run, never per task: its fields are guarded by the
 * run's monitor ({@code this}), except {@link #cancelled} and the cancel reason, which are volatile
 * because every step reads them.
 */
abstract class FlowRunRecord {
  final Plan plan;
  final Listeners listeners;
  final UUID id;

  /** How the run was started: its id if given, name, tags and idempotency key. */
  final RunOptions options;

  final @Nullable TaskRunState parent;
  final long startNanos;
  private final Instant startInstant;
  private @Nullable String idText;

  /** Set once, under the monitor, when the run is cancelled; read by every step. */
  volatile boolean cancelled;

  private volatile String cancelReason = "";

  // Guarded by `this`.
  private State state = State.PENDING;
  private final List<StateChange> history = new ArrayList<>(4);

  /** The run's attempts: 1 once it started, one more for each flow-level retry. */
  int attempts;

  /** Set when the run's final state is decided: nothing may cancel or retry it any more. */
  boolean ending;

  /** Set while a flow-level retry waits for its delay. */
  boolean awaitingRetry;

  private long endNanos;

  FlowRunRecord(
      Plan plan,
      Listeners listeners,
      UUID id,
      RunOptions options,
      @Nullable TaskRunState parent,
      Instant startInstant,
      long startNanos) {
    this.plan = plan;
    this.listeners = listeners;
    this.id = id;
    this.options = options;
    this.parent = parent;
    this.startInstant = startInstant;
    this.startNanos = startNanos;
    history.add(new StateChange(State.PENDING, startInstant));
  }

  /** Records a flow-level transition and tells the listeners; the caller holds the monitor. */
  final void flowTransition(State next) {
    long now = System.nanoTime();
    State previous = state;
    state = next;
    Instant at = instant(now);
    history.add(new StateChange(next, at));
    if (listeners.active) {
      listeners.flowRunStateChanged(
          new FlowRunEvent(
              id,
              plan.flowName,
              parent == null ? null : parent.id(),
              previous,
              next,
              at,
              attempts));
    }
  }

  /** What cancelling did: nothing, or the steps must be cancelled, or the run ends at once. */
  enum Cancel {
    /** The run had ended, was ending or was cancelled already. */
    REFUSED,
    /** The run is now Cancelling: its steps must be cancelled. */
    STEPS,
    /** The run was waiting for a flow-level retry, which will not happen: it ends now. */
    END_NOW
  }

  /**
   * Marks the run cancelled with {@code reason} and records Cancelling, unless it has ended ({@code
   * done}), is ending, or was cancelled already.
   */
  final synchronized Cancel markCancelled(String reason, boolean done) {
    if (ending || cancelled || done) {
      return Cancel.REFUSED;
    }
    cancelReason = reason;
    cancelled = true;
    flowTransition(State.CANCELLING);
    boolean endNow = awaitingRetry;
    awaitingRetry = false;
    return endNow ? Cancel.END_NOW : Cancel.STEPS;
  }

  /** Records the final state; the caller holds the monitor. */
  final void recordEnd(State end) {
    ending = true;
    endNanos = System.nanoTime();
    flowTransition(end);
  }

  /** The wall-clock instant of a {@link System#nanoTime()} reading taken during this run. */
  final Instant instant(long nanos) {
    return startInstant.plusNanos(nanos - startNanos);
  }

  /** The run id as text, made once (log lines and MDC use it per task). */
  final String idText() {
    String text = idText;
    if (text == null) {
      text = id.toString();
      idText = text;
    }
    return text;
  }

  final String cancelReason() {
    return cancelReason;
  }

  // ---- read by FlowRunView once the run has ended, and by the run store's recording

  final synchronized State state() {
    return state;
  }

  final synchronized List<StateChange> history() {
    return List.copyOf(history);
  }

  final synchronized int attempts() {
    return attempts;
  }

  final Instant startInstant() {
    return startInstant;
  }

  final synchronized long endNanos() {
    return endNanos;
  }

  final @Nullable UUID parentTaskRunId() {
    return parent == null ? null : parent.id();
  }

  final @Nullable UUID parentFlowRunId() {
    return parent == null ? null : parent.execution.id;
  }
}
