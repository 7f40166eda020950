package dev.sluice.engine.internal;

import dev.sluice.api.CachePolicy;
import dev.sluice.api.State;
import dev.sluice.api.TaskTimeoutException;
import dev.sluice.api.cache.CacheHit;
import dev.sluice.api.cache.CacheKey;
import dev.sluice.api.executor.Attempt;
import dev.sluice.api.executor.AttemptCrashedException;
import dev.sluice.api.executor.AttemptInvoker;
import dev.sluice.api.spi.Arguments;
import dev.sluice.api.spi.TaskBody;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ScheduledFuture;
import org.jspecify.annotations.Nullable;

/**
 * A task run whose attempts run a {@link TaskBody} on the executor: a task step or one element of a
 * mapped step. It is its own {@link Attempt}: the executor calls {@link #run()}, which runs the
 * body and settles the attempt, so no future is allocated per attempt.
 */
abstract class AttemptNode extends TaskRunState implements Attempt, Arguments {
  // How an attempt that runs is decided by someone else (a timeout, a cancellation) without a
  // fence on the hot path. The runner takes the task run with one CAS (QUEUED -> RUNNING), records
  // the start, then publishes `runner` and `recorded` with release stores. An interrupter counts
  // itself in `interrupters`, wins the CAS RUNNING -> OWNED, waits until `recorded` reaches the
  // attempt (so the history is no longer being written), interrupts `runner`, and counts itself
  // out. A runner whose outcome CAS fails waits until `interrupters` is zero before it clears its
  // interrupt flag, so no interrupt meant for this attempt reaches the next task on its thread.
  private @Nullable Thread runner;
  private int recorded;
  private int interrupters;

  private static final VarHandle RUNNER;
  private static final VarHandle RECORDED;
  private static final VarHandle INTERRUPTERS;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      RUNNER = lookup.findVarHandle(AttemptNode.class, "runner", Thread.class);
      RECORDED = lookup.findVarHandle(AttemptNode.class, "recorded", int.class);
      INTERRUPTERS = lookup.findVarHandle(AttemptNode.class, "interrupters", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** The concurrency slots each attempt needs, or null when none of its tags is limited. */
  final ConcurrencyLimits.Slot @Nullable [] slots;

  /** For a task with a cache policy, its key and role once looked up; null otherwise. */
  @Nullable CacheRun cacheRun;

  /** The slots of the current attempt, held or awaited; owner only. */
  private ConcurrencyLimits.@Nullable Permit permit;

  /**
   * Once an attempt's {@code run} returns: the instant it ended, if the bookkeeping that followed
   * on its thread was short (see {@code Execution.stepEnded}), so that an attempt the executor runs
   * right after it ({@link #runAfter}) may take it as its own start; else 0.
   */
  private long handoff;

  AttemptNode(Execution execution, int index) {
    super(execution, index);
    Plan plan = execution.plan;
    this.slots = (plan.flags[index] & Plan.SLOTS) != 0 ? plan.slots[index] : null;
  }

  abstract TaskBody body();

  /** Stores the result of a successful attempt; owner only. */
  abstract void storeResult(@Nullable Object value);

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

  /** Asks for the next attempt's slots; true if they are held now. Owner only. */
  private boolean admitted() {
    permit = execution.engine.limits.admit(this);
    return permit.held;
  }

  /** The slots are taken: record the wait, then publish QUEUED. Owner only. */
  private void waitForSlots(int queued) {
    transition(new State.AwaitingConcurrencySlot(tags()));
    ConcurrencyLimits.Permit awaited = Objects.requireNonNull(permit, "admitted before waiting");
    phase = queued;
    if (execution.engine.limits.recorded(awaited)) {
      hand(); // granted while we were recording
    } else if (execution.cancelled && casPhase(queued, phase(attemptOf(queued), OWNED))) {
      releaseNow();
      ended(endCancelled()); // Dekker with cancel(), as in afterFailure()
    }
  }

  private java.util.Set<String> tags() {
    java.util.Set<String> tags = new java.util.TreeSet<>();
    for (ConcurrencyLimits.Slot slot :
        Objects.requireNonNull(slots, "waits only for limited slots")) {
      tags.add(slot.tag);
    }
    return tags;
  }

  /** Another task run's release granted this waiting one its slots. */
  final void startGranted() {
    hand();
  }

  /** Gives back the current attempt's slots: its code is not running. Owner only. */
  private void releaseNow() {
    ConcurrencyLimits.Permit current = permit;
    if (current != null) {
      permit = null;
      execution.engine.limits.release(current);
    }
  }

  /**
   * Detaches the current attempt's slots, decided while its code may still run: they are given back
   * when the code returns ({@link #runAttempt}), or after the grace period if it ignores its
   * interrupt. Owner only; call before anything can start another attempt.
   */
  private void releaseWhenCodeReturns() {
    ConcurrencyLimits.Permit current = permit;
    if (current == null) {
      return;
    }
    permit = null;
    ConcurrencyLimits limits = execution.engine.limits;
    execution.timer.schedule(
        () -> {
          if (limits.release(current)) {
            log.warn(
                "Task run '{}' still runs {} after it was timed out or cancelled; its concurrency"
                    + " slots are released anyway",
                name(),
                limits.grace());
          }
        },
        limits.grace().toNanos());
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
    } finally {
      mdc.close();
    }
    if (code != PENDING_OUTCOME) {
      ended(code, true);
    }
  }

  private int runAttempt(
      int attempt, int running, @Nullable AttemptInvoker invoker, long startedAt) {
    ConcurrencyLimits.Permit mine = permit; // released when this attempt's code returns
    // Dekker with cancel(): it sets `cancelled`, then tries the phase; our CAS to RUNNING came
    // first, so either it sees RUNNING or we see `cancelled` here.
    if (execution.cancelled) {
      if (casPhase(running, phase(attempt, OWNED))) {
        releaseNow();
        return endCancelled();
      }
      RECORDED.setRelease(this, attempt); // nothing to record: let the canceller go on
      awaitInterrupters();
      releaseCode(mine);
      return PENDING_OUTCOME;
    }
    Plan plan = execution.plan;
    int flags = plan.flags[index];
    CachePolicy cachePolicy = (flags & Plan.CACHED) != 0 ? plan.cachePolicies[index] : null;
    if (cachePolicy != null && attempt == 1) {
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
    transition(attempt == 1 ? State.RUNNING : State.RETRYING, start);
    RUNNER.setRelease(this, Thread.currentThread());
    RECORDED.setRelease(this, attempt);
    long timeoutNanos = (flags & Plan.TIMEOUT) != 0 ? plan.timeoutNanos[index] : 0;
    ScheduledFuture<?> timer =
        timeoutNanos == 0
            ? null
            : execution.timer.schedule(
                () -> timedOut(attempt, Duration.ofNanos(timeoutNanos)), timeoutNanos);
    Object value = null;
    Throwable failure = null;
    try {
      value = invoker == null ? body().invoke(this) : invoker.invoke(this);
    } catch (Throwable t) {
      failure = t;
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

  /** The code of an attempt decided by someone else returned: its slots can go. */
  private void releaseCode(ConcurrencyLimits.@Nullable Permit mine) {
    if (mine != null) {
      execution.engine.limits.release(mine);
    }
  }

  /**
   * Decides running attempt {@code attempt} from outside (a timeout, a cancellation): takes the
   * task run, waits until the runner has recorded the start, and interrupts it. Returns false if
   * the attempt was already decided.
   */
  private boolean takeOverRunning(int attempt) {
    INTERRUPTERS.getAndAdd(this, 1);
    try {
      if (!casPhase(phase(attempt, RUNNING), phase(attempt, OWNED))) {
        return false;
      }
      while ((int) RECORDED.getAcquire(this) < attempt) {
        Thread.onSpinWait(); // the runner is between its CAS and the record: a few instructions
      }
      if (RUNNER.getAcquire(this) instanceof Thread thread && attempts == attempt) {
        thread.interrupt();
      }
      return true;
    } finally {
      INTERRUPTERS.getAndAdd(this, -1);
    }
  }

  /** Waits until no interrupt meant for this attempt is on its way, then clears this thread's. */
  private void awaitInterrupters() {
    while ((int) INTERRUPTERS.getVolatile(this) > 0) {
      Thread.onSpinWait();
    }
    Thread.interrupted();
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

  // ---- caching (see TaskCaching); only tasks with a cache policy get here

  /** A cached task run's key, and whether it computes the key for others. Owner only. */
  static final class CacheRun {
    final @Nullable CacheKey key;
    boolean leader;
    TaskCaching.@Nullable Flight flight;

    CacheRun(@Nullable CacheKey key) {
      this.key = key;
    }
  }

  /** The attempt found its result cached: end Cached. Returns the end code. */
  final int endCached(int attempt, int running, CacheHit hit, CacheKey key) {
    if (!casPhase(running, phase(attempt, OWNED))) {
      return lostToCanceller(attempt);
    }
    releaseNow();
    storeResult(hit.value());
    error = null;
    endNanos = System.nanoTime();
    transition(new State.Cached(key.value(), hit.source()), endNanos);
    return OK;
  }

  /** Strict mode: an input cannot be encoded, so the task fails without running. */
  final int failUncacheable(int attempt, int running, Exception cause) {
    if (!casPhase(running, phase(attempt, OWNED))) {
      return lostToCanceller(attempt);
    }
    releaseNow();
    error = cause;
    endNanos = System.nanoTime();
    State.Failed end = new State.Failed(cause);
    transition(end);
    log.warn("Task run '{}' failed (strict caching): {}", name(), cause.getMessage());
    return FAIL;
  }

  /**
   * Another task run computes the same key: wait for it without a thread or slots. When its flight
   * ends, {@link #redispatch()} brings this one back to look the key up again.
   */
  final int parkBehind(TaskCaching.Flight flight, int attempt, int running) {
    if (!casPhase(running, phase(attempt, OWNED))) {
      return lostToCanceller(attempt);
    }
    releaseNow();
    int queued = phase(attempt, QUEUED);
    phase = queued; // a full fence: Dekker with cancel(), which sets `cancelled` then reads this
    if (!flight.park(this)) {
      redispatch(); // it ended meanwhile: look again, as if woken
      return PENDING_OUTCOME;
    }
    if (execution.cancelled && casPhase(queued, phase(attempt, OWNED))) {
      return endCancelled();
    }
    return PENDING_OUTCOME;
  }

  /** A canceller took the task run while the cache was consulted: let it finish, then let go. */
  private int lostToCanceller(int attempt) {
    ConcurrencyLimits.Permit mine = permit;
    RECORDED.setRelease(this, attempt);
    awaitInterrupters();
    releaseCode(mine);
    return PENDING_OUTCOME;
  }

  /** The task run ended: if it computed a key for others, let them go on. */
  final void cachingEnded() {
    CacheRun cached = cacheRun;
    if (cached != null) {
      execution.engine.caching.ended(cached);
    }
  }

  @Override
  void reset() {
    super.reset();
    cacheRun = null; // a flow-level retry looks the key up again
    handoff = 0;
  }

  @Override
  final @Nullable String cacheKey() {
    CacheRun cached = cacheRun;
    return cached == null || cached.key == null ? null : cached.key.value();
  }

  @Override
  public String toString() {
    return "attempt " + attemptOf(phase) + " of task run '" + name() + "'";
  }
}
