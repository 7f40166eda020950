package dev.sluice.engine.internal;

import dev.sluice.api.CachePolicy;
import dev.sluice.api.State;
import dev.sluice.api.TaskTimeoutException;
import dev.sluice.api.executor.Attempt;
import dev.sluice.api.executor.AttemptCrashedException;
import dev.sluice.api.executor.AttemptInvoker;
import dev.sluice.api.spi.Arguments;
import dev.sluice.api.spi.TaskBody;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ScheduledFuture;
import org.jspecify.annotations.Nullable;

/**
 * A task run whose attempts run a {@link TaskBody} on the executor: a task step or one element of a
 * mapped step. It is its own {@link Attempt}: the executor calls {@link #run()}, which runs the
 * body and settles the attempt, so no future is allocated per attempt.
 *
 * <p>The last layer of the task-run classes (see {@link InterruptibleRun}): dispatching an attempt
 * (after its slots, {@link SlottedRun}, and the cache, {@link CacheableRun}), running it, its
 * timeout, cancellation and rejection.
 */
abstract class AttemptNode extends CacheableRun implements Attempt, Arguments {
  /**
   * Once an attempt's {@code run} returns: the instant it ended, if the bookkeeping that followed
   * on its thread was short (see {@code Execution.stepEnded}), so that an attempt the executor runs
   * right after it ({@link #runAfter}) may take it as its own start; else 0.
   */
  private long handoff;

  AttemptNode(Execution execution, int index) {
    super(execution, index);
  }

  abstract TaskBody body();

  /**
   * Hands the next attempt to the executor; the caller owns the task run. With {@code next}, the
   * attempt continues the one ending on this thread ({@code TaskExecutor.executeNext}).
   */
  final void dispatch(boolean next) {
    int queued = phase(attempts + 1, QUEUED);
    if (slots != null && !admitted()) {
      waitForSlots(queued);
      return;
    }
    // A release store is enough here: a cancel() that misses QUEUED is seen by run(), which checks
    // `cancelled` after taking the task run. A full fence per task showed up in profiles.
    setPhaseRelease(queued);
    if (next) {
      execution.executor.executeNext(this);
    } else {
      hand();
    }
  }

  /** Hands this attempt to the executor, never to be run by the timer thread itself. */
  private void hand() {
    if (Timer.onTimerThread()) {
      execution.executor.executeDetached(this);
    } else {
      execution.executor.execute(this);
    }
  }

  @Override
  final void redispatch() {
    if (slots == null) {
      hand();
      return;
    }
    // Claim the task run back from QUEUED while taking slots, so a cancel cannot write its
    // history at the same time as the AwaitingConcurrencySlot record below.
    int queued = phase;
    if (whereOf(queued) != QUEUED || !casPhase(queued, phase(attemptOf(queued), OWNED))) {
      return; // cancelled while waiting for its retry
    }
    if (admitted()) {
      phase = queued;
      hand();
    } else {
      waitForSlots(queued);
    }
  }

  /** The slots are taken: record the wait, then publish QUEUED. Owner only. */
  private void waitForSlots(int queued) {
    transition(new State.AwaitingConcurrencySlot(tags()));
    ConcurrencyLimits.Permit awaited = Objects.requireNonNull(permit(), "admitted before waiting");
    phase = queued;
    if (execution.engine.limits.recorded(awaited)) {
      hand(); // granted while we were recording
    } else if (execution.cancelled && casPhase(queued, phase(attemptOf(queued), OWNED))) {
      releaseNow();
      ended(endCancelled()); // Dekker with cancel(), as in afterFailure()
    }
  }

  @Override
  final void startGranted() {
    hand();
  }

  @Override
  public final String flowName() {
    return execution.plan.flowName;
  }

  @Override
  public final String taskName() {
    return name();
  }

  @Override
  public final java.util.UUID taskRunId() {
    return id();
  }

  @Override
  public final int number() {
    return attemptOf(phase);
  }

  @Override
  public final Arguments arguments() {
    return this;
  }

  @Override
  public final Type argumentType(int argument) {
    return execution.plan.argumentTypes(index)[argument];
  }

  @Override
  public final String argumentSource(int argument) {
    return execution.plan.steps[index].inputs().get(argument).source();
  }

  @Override
  public final boolean argumentIsOutcome(int argument) {
    return execution.plan.argOutcome[index][argument];
  }

  @Override
  public final Type resultType() {
    return execution.plan.bodyResultType(index);
  }

  @Override
  public final void run() {
    runWith(null, 0);
  }

  @Override
  public final void runAfter(Attempt previous) {
    long startedAt = 0;
    if (previous instanceof AttemptNode before && before.handoff != 0) {
      // The thread made this attempt ready itself, after its upstreams ended: the previous
      // attempt ended later, unless it is the upstream whose end made this one ready. Then its
      // end instant was read before other upstreams (ended on other threads) were stamped
      // Completed; with one upstream it is that upstream's own Completed instant.
      Plan plan = execution.plan;
      if (before.execution != execution
          || plan.upstreamCount[index] <= 1
          || !plan.isDownstream(before.index, index)) {
        startedAt = before.handoff;
      }
    }
    runWith(null, startedAt);
  }

  /** The same as {@link #run()}, for executors that run the body elsewhere. */
  @Override
  public final void run(AttemptInvoker invoker) {
    runWith(java.util.Objects.requireNonNull(invoker, "invoker"), 0);
  }

  /** Lets an attempt run next on this thread take {@code endNanos} as its start. */
  final void handOff() {
    handoff = endNanos;
  }

  /**
   * Runs the current attempt. {@code startedAt}, when not 0, is the instant the attempt run just
   * before it on this thread ended, which stands for this one's start.
   */
  private void runWith(@Nullable AttemptInvoker invoker, long startedAt) {
    int queued = phase;
    int attempt = attemptOf(queued);
    int running = phase(attempt, RUNNING);
    if (whereOf(queued) != QUEUED || !casPhase(queued, running)) {
      return; // cancelled (or rejected) while queued
    }
    Mdc.Scope mdc = execution.engine.mdc.enter(this);
    int code;
    try {
      code = runAttempt(attempt, running, invoker, startedAt);
    } catch (Throwable t) {
      // The body's own exceptions are its attempt's failure; this is the bookkeeping around it
      // (a listener's VirtualMachineError, a bug): never leave the task Running and the run open.
      bookkeepingFailed(attempt, t);
      return;
    } finally {
      mdc.close();
    }
    if (code != PENDING_OUTCOME) {
      ended(code, true);
    }
  }

  /**
   * The bookkeeping of attempt {@code attempt} threw {@code t}: end the task run Crashed, as far as
   * that can still be done, and abort the run, which ends Crashed.
   */
  private void bookkeepingFailed(int attempt, Throwable t) {
    try {
      recordRunner(attempt); // an interrupter may be waiting for the record: let it go on
      awaitInterrupters();
      releaseNow();
      error = t;
      endNanos = System.nanoTime();
      phase = phase(attempt, OWNED);
      transition(new State.Crashed(t));
    } catch (Throwable again) {
      if (again != t) {
        t.addSuppressed(again);
      }
    } finally {
      execution.abort(t);
    }
  }

  private int runAttempt(
      int attempt, int running, @Nullable AttemptInvoker invoker, long startedAt) {
    ConcurrencyLimits.Permit mine = permit(); // released when this attempt's code returns
    // Dekker with cancel(): it sets `cancelled`, then tries the phase; our CAS to RUNNING came
    // first, so either it sees RUNNING or we see `cancelled` here.
    if (execution.cancelled) {
      if (casPhase(running, phase(attempt, OWNED))) {
        releaseNow();
        return endCancelled();
      }
      yieldToInterrupter(attempt); // nothing to record: let the canceller go on
      releaseCode(mine);
      return PENDING_OUTCOME;
    }
    Plan plan = execution.plan;
    int flags = plan.flags[index];
    CachePolicy cachePolicy = (flags & Plan.CACHED) != 0 ? plan.cachePolicies[index] : null;
    if (cachePolicy != null && attempt == attemptBase + 1) {
      int gate = execution.engine.caching.gate(this, cachePolicy, attempt, running);
      if (gate != TaskCaching.RUN) {
        return gate;
      }
    }
    // After a cache lookup (which takes time) or with no attempt just before it: read the clock.
    long start = startedAt != 0 && cachePolicy == null ? startedAt : System.nanoTime();
    attempts = attempt;
    if (firstStartNanos == 0) {
      firstStartNanos = start;
    }
    State before = state;
    State started = attempt == 1 ? State.RUNNING : State.RETRYING;
    transition(started, start);
    recordRunner(attempt);
    long timeoutNanos = (flags & Plan.TIMEOUT) != 0 ? plan.timeoutNanos[index] : 0;
    ScheduledFuture<?> timer =
        timeoutNanos == 0
            ? null
            : execution.timer.schedule(
                () -> timedOut(attempt, Duration.ofNanos(timeoutNanos)), timeoutNanos, execution);
    Object value = null;
    Throwable failure = null;
    Listeners listeners = execution.listeners;
    Listeners.Scope around =
        listeners.active
            ? listeners.aroundAttempt(event(before, started, start))
            : Listeners.NOTHING;
    try {
      value = invoker == null ? body().invoke(this) : invoker.invoke(this);
    } catch (Throwable t) {
      failure = t;
    } finally {
      around.close();
    }
    if (!casPhase(running, phase(attempt, OWNED))) {
      // A timeout or cancellation decided this attempt; wait until its interrupt has landed, then
      // clear it so it cannot hit the next task this thread runs.
      awaitInterrupters();
      releaseCode(mine);
      if (log.isWarnEnabled()) {
        log.warn(
            "Task run '{}' attempt {} returned {} ms after it was timed out or cancelled; its"
                + " outcome is discarded",
            name(),
            attempt,
            (System.nanoTime() - start) / 1_000_000);
      }
      return PENDING_OUTCOME;
    }
    if (timer != null) {
      timer.cancel(false);
    }
    releaseNow();
    if (failure == null) {
      storeResult(value);
      if (cachePolicy != null) {
        CacheRun cached = cacheRun;
        if (cached != null && cached.leader) {
          execution.engine.caching.store(this, cached, value);
        }
      }
      error = null; // a failed attempt before this one is in the history, not the outcome
      endNanos = System.nanoTime();
      transition(State.COMPLETED, endNanos);
      return OK;
    }
    return afterFailure(attempt, failure, false);
  }

  private void timedOut(int attempt, Duration timeout) {
    if (!takeOverRunning(attempt)) {
      return; // finished in time, or cancelled
    }
    releaseWhenCodeReturns();
    Mdc.Scope mdc = execution.engine.mdc.enter(this);
    int code;
    try {
      log.warn(
          "Task run '{}' attempt {} exceeded its timeout of {}; interrupted it and moving on (if"
              + " it ignores the interrupt it keeps its thread until it returns)",
          name(),
          attempt,
          timeout);
      code =
          afterFailure(
              attempt,
              new TaskTimeoutException(
                  "task '"
                      + name()
                      + "' attempt "
                      + attempt
                      + " exceeded its timeout of "
                      + timeout),
              true);
    } finally {
      mdc.close();
    }
    if (code != PENDING_OUTCOME) {
      ended(code);
    }
  }

  @Override
  final void cancel() {
    int current = phase;
    int where = whereOf(current);
    if (where == RUNNING) {
      if (takeOverRunning(attemptOf(current))) {
        releaseWhenCodeReturns();
        ended(endCancelled());
      }
    } else if (where == QUEUED && casPhase(current, phase(attemptOf(current), OWNED))) {
      releaseNow();
      ended(endCancelled());
    }
  }

  @Override
  public final void reject(Throwable cause) {
    int queued = phase;
    int attempt = attemptOf(queued);
    if (whereOf(queued) != QUEUED || !casPhase(queued, phase(attempt, OWNED))) {
      return;
    }
    attempts = attempt;
    releaseNow();
    int code =
        afterFailure(
            attempt,
            new AttemptCrashedException(
                "executor '" + execution.executor.name() + "' could not run the attempt", cause),
            false);
    if (code != PENDING_OUTCOME) {
      ended(code);
    }
  }

  @Override
  void reset() {
    super.reset();
    handoff = 0;
  }

  @Override
  public String toString() {
    return "attempt " + attemptOf(phase) + " of task run '" + name() + "'";
  }
}
