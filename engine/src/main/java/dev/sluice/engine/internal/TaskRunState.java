package dev.sluice.engine.internal;

import dev.sluice.api.RetryPolicy;
import dev.sluice.api.State;
import dev.sluice.api.StateChange;
import dev.sluice.api.TaskRunEvent;
import dev.sluice.api.executor.AttemptCrashedException;
import dev.sluice.api.internal.Durations;
import dev.sluice.api.spi.TaskOptions;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

/**
 * The mutable record of one task run while its flow runs: state, history, attempts, timing, error.
 * Subclasses add how the run executes: {@link AttemptNode} (task bodies and map elements, over the
 * layers {@link InterruptibleRun}, {@link SlottedRun} and {@link CacheableRun}), {@link MapNode},
 * {@link SubflowNode}.
 *
 * <p>Concurrency: a task run has one <em>owner</em> at a time, and only the owner writes its
 * fields. Ownership passes along happens-before edges (the countdown that made it ready, the
 * executor hand-off, the timer) or is won by a compare-and-set on {@link #phase}, which encodes the
 * attempt number and where that attempt is: {@code IDLE} (not ready, or reset), {@code QUEUED}
 * (handed to the executor or waiting for a retry), {@code RUNNING}, {@code OWNED} (someone is
 * deciding the attempt's outcome, or the run is final). Completion, timeout, cancellation and
 * executor rejection race for the same CAS, so exactly one of them decides each attempt.
 */
abstract class TaskRunState {
  static final Logger log = RunMessages.logger("dev.sluice.TaskRun");

  static final int IDLE = 0;
  static final int QUEUED = 1;
  static final int RUNNING = 2;
  static final int OWNED = 3;

  /** How a task run ended, as its downstream sees it. */
  static final int OK = 0;

  static final int SKIP = 1;
  static final int FAIL = 2;
  static final int CANCEL = 3;

  /** Not ended: a retry was scheduled, or the run was handed to the executor. */
  static final int PENDING_OUTCOME = -1;

  /** Not ended: handed to the executor as the continuation of the attempt ending on this thread. */
  static final int CONTINUED = -2;

  private static final VarHandle PHASE;

  static {
    try {
      PHASE = MethodHandles.lookup().findVarHandle(TaskRunState.class, "phase", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  final Execution execution;
  volatile int phase;

  State state = State.PENDING;
  // The history: the first two transitions (Running, Completed on the common path) in fields, so a
  // task run that succeeds at once allocates nothing for them; later ones in arrays.
  private @Nullable State firstState;
  private @Nullable State secondState;
  private long firstTime;
  private long secondTime;
  private State @Nullable [] moreStates;
  private long @Nullable [] moreTimes;
  private int historySize;
  int attempts;

  /**
   * The attempts made before the current flow-level attempt: a flow retry runs the task again with
   * its whole retry budget, so its policy counts {@code attempt - attemptBase}.
   */
  int attemptBase;

  long firstStartNanos;
  long endNanos;
  @Nullable Throwable error;
  private @Nullable UUID id;
  private @Nullable String idText;

  /** The index in the plan of the step this task run executes (for a map element, the map's). */
  final int index;

  TaskRunState(Execution execution, int index) {
    this.execution = execution;
    this.index = index;
  }

  /**
   * When the task run was created ({@link System#nanoTime()}): when its flow run started, except
   * for map elements, created when their map step starts.
   */
  long createdNanos() {
    return execution.startNanos;
  }

  /** The task run's name: its step's. */
  String name() {
    return execution.plan.steps[index].name();
  }

  /** The name of the step it executes. */
  public final String stepName() {
    return execution.plan.steps[index].name();
  }

  /** Its options: its step's. */
  final TaskOptions options() {
    return execution.plan.steps[index].options();
  }

  /** Its id: the step's place in its flow run's block of ids. */
  UUID newId() {
    return execution.ids.get(1 + index);
  }

  /** For a map element its index, else -1. */
  public int mapIndex() {
    return -1;
  }

  /** Cancels whatever is unfinished; the execution is already marked cancelled. */
  abstract void cancel();

  /** Called when a retry is due: starts attempt {@code attemptOf(phase)}. */
  abstract void redispatch();

  /**
   * Tells the task run's parent that it ended with {@code code}. {@code afterBody} is true when
   * called on an executor thread right after an attempt's body returned, so the first attempt this
   * makes ready may run next on the same thread ({@link
   * dev.sluice.api.executor.TaskExecutor#executeNext}).
   */
  abstract void ended(int code, boolean afterBody);

  final void ended(int code) {
    ended(code, false);
  }

  final UUID id() {
    UUID value = id;
    if (value == null) {
      value = newId();
      id = value;
    }
    return value;
  }

  final String idText() {
    String value = idText;
    if (value == null) {
      value = id().toString();
      idText = value;
    }
    return value;
  }

  static int phase(int attempt, int where) {
    return attempt << 2 | where;
  }

  static int attemptOf(int phase) {
    return phase >>> 2;
  }

  static int whereOf(int phase) {
    return phase & 3;
  }

  final void setPhaseRelease(int next) {
    PHASE.setRelease(this, next);
  }

  final boolean casPhase(int expected, int next) {
    return PHASE.compareAndSet(this, expected, next);
  }

  /** Records a transition; owner only. */
  final void transition(State next) {
    transition(next, System.nanoTime());
  }

  /** Records a transition that happened at {@code now} ({@link System#nanoTime()}); owner only. */
  final void transition(State next, long now) {
    State previous = state;
    int n = historySize;
    if (n == 0) {
      firstState = next;
      firstTime = now;
    } else if (n == 1) {
      secondState = next;
      secondTime = now;
    } else {
      State[] s = moreStates;
      long[] t = moreTimes;
      if (s == null || t == null) {
        s = moreStates = new State[4];
        t = moreTimes = new long[4];
      } else if (n - 2 == s.length) {
        s = moreStates = Arrays.copyOf(s, s.length * 2);
        t = moreTimes = Arrays.copyOf(t, t.length * 2);
      }
      s[n - 2] = next;
      t[n - 2] = now;
    }
    historySize = n + 1;
    state = next;
    if (execution.listeners.active) {
      tell(previous, next, now);
    }
  }

  /** Tells listeners that the task run exists; called once, when listeners are active. */
  final void announce() {
    tell(null, State.PENDING, createdNanos());
  }

  private void tell(@Nullable State previous, State next, long at) {
    execution.listeners.taskRunStateChanged(event(previous, next, at));
  }

  final TaskRunEvent event(@Nullable State previous, State next, long at) {
    return new TaskRunEvent(
        execution.id,
        execution.plan.flowName,
        id(),
        name(),
        previous,
        next,
        execution.instant(at),
        attempts,
        cacheKey(),
        stepName(),
        mapIndex());
  }

  /** The cache key of a task run with a cache policy, once looked up; null otherwise. */
  @Nullable String cacheKey() {
    return null;
  }

  /** Ends a task run that never ran (NotReady, Skipped, Cancelled); the caller owns it. */
  final void endWithoutRunning(State end) {
    phase = phase(attempts, OWNED);
    endNanos = System.nanoTime();
    transition(end);
  }

  /** Ends the current attempt and the task run Cancelled; owner only. Returns CANCEL. */
  final int endCancelled() {
    endNanos = System.nanoTime();
    transition(new State.Cancelled(execution.cancelReason()));
    return CANCEL;
  }

  /**
   * After attempt {@code attempt} failed with {@code failure}: schedules a retry if the policy
   * allows (returning {@link #PENDING_OUTCOME}), or records the final state and returns its code.
   * Owner only; the phase is {@code OWNED}.
   */
  final int afterFailure(int attempt, Throwable failure, boolean timedOut) {
    RetryPolicy policy = options().retryPolicy();
    if (execution.cancelled) {
      return endCancelled();
    }
    // A flow-level retry gives the task its whole budget again: count this flow attempt's tries.
    int tries = attempt - attemptBase;
    if (UserCode.shouldRetry(policy, tries, failure, "task '" + name() + "'", log)) {
      error = failure;
      long delay = policy.delayNanos(tries, ThreadLocalRandom.current().nextDouble());
      long now = System.nanoTime();
      if (log.isInfoEnabled()) {
        log.info(
            "Task run '{}' attempt {}/{} failed ({}); retrying in {}",
            name(),
            attempt,
            attemptBase + policy.retries() + 1,
            UserCode.describe(failure),
            Durations.format(Duration.ofNanos(delay)));
      }
      transition(new State.AwaitingRetry(execution.instant(now + delay), attempt + 1), now);
      int queued = phase(attempt + 1, QUEUED);
      phase = queued;
      // Dekker with cancel(): it sets `cancelled` then reads the phase; we set the phase then read
      // `cancelled`, so one of us sees the other and a cancelled run never waits out the delay.
      if (execution.cancelled) {
        return casPhase(queued, phase(attempt + 1, OWNED)) ? endCancelled() : PENDING_OUTCOME;
      }
      if (delay == 0) {
        redispatch();
      } else {
        execution.timer.schedule(this::redispatch, delay, execution);
      }
      return PENDING_OUTCOME;
    }
    error = failure;
    endNanos = System.nanoTime();
    State end;
    if (timedOut) {
      end =
          new State.TimedOut(
              Objects.requireNonNull(options().timeout(), "timed out without a timeout"));
    } else if (failure instanceof Error || failure instanceof AttemptCrashedException) {
      end = new State.Crashed(failure);
    } else {
      end = new State.Failed(failure);
    }
    transition(end);
    if (log.isWarnEnabled()) {
      log.warn(
          "Task run '{}' finished in state {} after {} attempt{}: {}",
          name(),
          end.name(),
          attempt,
          attempt == 1 ? "" : "s",
          UserCode.describe(failure),
          UserCode.loggable(failure));
    }
    return FAIL;
  }

  /** Puts the task run back to Pending for a flow-level retry. */
  void reset() {
    attemptBase = attempts;
    phase = phase(attempts, IDLE);
    error = null;
    endNanos = 0;
    transition(State.PENDING);
  }

  /** The recorded history, with the implicit initial Pending first. */
  final List<StateChange> history() {
    List<StateChange> changes = new ArrayList<>(historySize + 1);
    changes.add(new StateChange(State.PENDING, execution.instant(createdNanos())));
    for (int i = 0; i < historySize; i++) {
      // historySize counts the states recorded: first, second, then the overflow arrays.
      State entered =
          i == 0 ? firstState : i == 1 ? secondState : Objects.requireNonNull(moreStates)[i - 2];
      long at = i == 0 ? firstTime : i == 1 ? secondTime : Objects.requireNonNull(moreTimes)[i - 2];
      changes.add(
          new StateChange(
              Objects.requireNonNull(entered, "recorded state"), execution.instant(at)));
    }
    return changes;
  }
}
