package dev.sluice.engine.internal;

import dev.sluice.api.FlowFailedException;
import dev.sluice.api.FlowHook;
import dev.sluice.api.FlowRun;
import dev.sluice.api.Outcome;
import dev.sluice.api.RetryPolicy;
import dev.sluice.api.RunHandle;
import dev.sluice.api.RunOptions;
import dev.sluice.api.State;
import dev.sluice.api.StateType;
import dev.sluice.api.UpstreamFailedException;
import dev.sluice.api.executor.TaskExecutor;
import dev.sluice.api.internal.Durations;
import dev.sluice.api.spi.Condition;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

/**
 * One flow run in progress: the per-run arrays over a {@link Plan} and the scheduling hot path.
 *
 * <p>When a step ends, the thread that ended it decrements the remaining-upstream counter of each
 * downstream step; whoever brings a counter to zero makes that step ready (dispatches it, or ends
 * it at once when it cannot run). No lock is taken on that path; results are published to
 * downstream threads by the counters' atomic decrements and the executor's hand-off (a step's only
 * upstream edge is not counted: the thread ending that upstream makes it ready itself). Steps that
 * end without running are processed with an explicit work stack, so a failure at the head of a
 * million-step chain does not recurse.
 *
 * <p>The run ends when its last terminal step (one with no downstream) ends: every other step is an
 * ancestor of a terminal one, and a step ends only after all its upstreams have, so by then every
 * step has ended. Counting terminal steps only, in buckets ({@link Terminals}), keeps a shared
 * counter out of the path of most tasks, where a per-task count was contended.
 */
final class Execution extends StepResults implements RunHandle {
  private static final Logger log = RunMessages.logger("dev.sluice.FlowRun");

  /**
   * The most downstream steps an ending attempt may make ready and still hand its end instant on as
   * the start of the attempt its thread runs next ({@link AttemptNode#handOff}): the work in
   * between then stays well under a microsecond.
   */
  private static final int HANDOFF_DEGREE = 8;

  /**
   * A step with more downstream edges than this has them counted down by several threads, if the
   * executor takes a share ({@link TaskExecutor#offload}): one thread making 10^5 steps ready one
   * by one was the whole run time of a wide fan-out on the thread pool. Each share costs an object
   * and a queue operation, a few hundred edges' worth of counting amortizes that.
   */
  static final int SPREAD = 256;

  final Engine engine;
  final TaskExecutor executor;
  final Timer timer;
  final RunIds.Block ids;

  private final TaskRunState[] nodes;

  /**
   * Whether every step has its task run already: once listeners were told of them all at the start,
   * and in a flow-level retry. Otherwise a step's task run is created when it becomes ready.
   */
  private boolean nodesExist;

  /**
   * Per step, one word: the number of upstream edges not ended yet in the low 32 bits, and in the
   * high 32 bits why it cannot run, if an upstream it needs did not complete ({@code code << 24 |
   * upstream}, the worst code wins). One atomic per edge updates both, and the thread that brings
   * the count to zero reads both from the value it gets back.
   */
  private final AtomicLongArray pending;

  /**
   * The fan-in buckets of steps with many upstream edges ({@link Plan#initialFanIn}); null when the
   * flow has none, and during a flow-level retry, which counts every edge in {@link #pending}.
   */
  private @Nullable AtomicIntegerArray fanIn;

  /**
   * Whether a step's only upstream edge goes uncounted ({@link Plan#SOLE}): in the first attempt of
   * the run. A flow-level retry counts every edge, so a completed step whose only upstream runs
   * again is not made ready a second time.
   */
  private boolean soleEdgesUncounted = true;

  /**
   * Whether some step ended otherwise than completed (or cached), so that {@link #finish} must look
   * for failures among the task runs; most runs have none, and a scan of 10^5 task runs is 10^5
   * cache misses. Written before the step's downstream and terminal counters are counted down, so
   * the thread that ends the run, which reads those counters, sees it.
   */
  private boolean someStepNotCompleted;

  /** The terminal steps still to end; replaced by a flow-level retry, before it dispatches. */
  private Terminals.Countdown unfinished;

  private final CompletableFuture<FlowRun> future = new CompletableFuture<>();
  private @Nullable FlowRun view; // guarded by `this`
  private boolean aborted; // guarded by `this`

  Execution(
      Engine engine,
      Plan plan,
      @Nullable Object[] parameters,
      @Nullable TaskRunState parent,
      boolean releaseResults,
      RunOptions options) {
    this(engine, plan, parameters, parent, releaseResults, options, RunIds.reserve(plan.size + 1));
  }

  private Execution(
      Engine engine,
      Plan plan,
      @Nullable Object[] parameters,
      @Nullable TaskRunState parent,
      boolean releaseResults,
      RunOptions options,
      RunIds.Block ids) {
    super(
        plan,
        engine.listeners,
        options.id() != null ? options.id() : ids.get(0),
        options,
        parent,
        engine.clock.instant(),
        System.nanoTime(),
        parameters,
        releaseResults);
    this.engine = engine;
    this.executor = engine.executor;
    this.timer = engine.timer;
    this.ids = ids;
    int n = plan.size;
    // Task runs are created when their step becomes ready, so each is hot in cache when it runs
    // (created all up front, a 10^5-step run found every one of them cold). A step that is not
    // ready yet has no task run object: cancel() skips it, and ready() ends it Cancelled.
    this.nodes = new TaskRunState[n];
    this.pending = new AtomicLongArray(plan.initialPending);
    this.fanIn = plan.initialFanIn.length == 0 ? null : new AtomicIntegerArray(plan.initialFanIn);
    this.unfinished = plan.terminals.start();
  }

  // ---- RunHandle

  @Override
  public UUID id() {
    return id;
  }

  @Override
  public String flowName() {
    return plan.flowName;
  }

  @Override
  public CompletableFuture<FlowRun> future() {
    return future;
  }

  @Override
  public FlowRun await() {
    boolean interrupted = false;
    while (!future.isDone()) {
      try {
        executor.runUntil(future);
      } catch (InterruptedException e) {
        interrupted = true;
        cancel("the thread waiting for the run was interrupted");
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    return future.join();
  }

  @Override
  public boolean cancel(String reason) {
    Cancel cancel = markCancelled(reason, future.isDone());
    if (cancel == Cancel.REFUSED) {
      return false;
    }
    try (Mdc.Scope scope = engine.mdc.enter(this)) {
      log.info("Flow run '{}' of flow '{}' is being cancelled: {}", id, plan.flowName, reason);
    }
    if (cancel == Cancel.END_NOW) {
      end(new State.Cancelled(reason));
      return true;
    }
    // The reads of nodes[] below must not be satisfied before the write of cancelled above is
    // visible: with ready()'s store then volatile read, that is a Dekker pair, and the JMM (and
    // AArch64) let a plain load pass an earlier release store. x86 never does; see
    // docs/concurrency.md, handshake 1. Cancel is cold: the fence costs the hot path nothing.
    VarHandle.fullFence();
    for (TaskRunState node : nodes) {
      if (node == null) {
        continue; // not ready yet: ready() ends it Cancelled
      }
      try {
        node.cancel();
      } catch (Throwable t) {
        abort(t);
        break;
      }
    }
    return true;
  }

  // ---- the run

  /** Starts the run: Running, then the steps without upstreams. */
  void begin() {
    engine.started(this);
    synchronized (this) {
      attempts = 1;
      flowTransition(State.RUNNING);
    }
    try (Mdc.Scope scope = engine.mdc.enter(this)) {
      if (log.isInfoEnabled()) {
        log.info(
            "Flow run '{}' of flow '{}' started{}",
            id,
            plan.flowName,
            parent == null ? "" : " as sub-flow of task run '" + parent.name() + "'");
      }
    }
    if (listeners.active) {
      for (int i = 0; i < nodes.length; i++) {
        create(i).announce();
      }
      nodesExist = true;
    }
    if (plan.size == 0) {
      finish();
      return;
    }
    dispatchReady(plan.roots);
  }

  private void dispatchReady(int[] steps) {
    try {
      for (int step : steps) {
        int code = ready(step, 0, false);
        if (code >= 0) {
          stepEnded(step, code, false);
        }
      }
    } catch (Throwable t) {
      abort(t);
    }
  }

  /**
   * Step {@code i}'s last upstream ended, and {@code block} says why it cannot run, if it cannot:
   * dispatch it, or end it at once. Returns its end code, or PENDING_OUTCOME when it was started
   * (CONTINUED when it was handed over as the continuation of the attempt ending on this thread,
   * which {@code next} allows).
   */
  private int ready(int i, int block, boolean next) {
    int flags = plan.flags[i];
    TaskRunState node = create(i, flags);
    if (cancelled) {
      node.endWithoutRunning(new State.Cancelled(cancelReason()));
      return TaskRunState.CANCEL;
    }
    if (block != 0) {
      String upstream = plan.name(block & 0xFF_FFFF);
      switch (block >>> 24) {
        case TaskRunState.SKIP -> {
          node.endWithoutRunning(new State.Skipped("upstream '" + upstream + "' was skipped"));
          return TaskRunState.SKIP;
        }
        case TaskRunState.CANCEL -> {
          node.endWithoutRunning(new State.Cancelled("upstream '" + upstream + "' was cancelled"));
          return TaskRunState.CANCEL;
        }
        default -> {
          node.endWithoutRunning(new State.NotReady(upstream));
          return TaskRunState.FAIL;
        }
      }
    }
    if ((flags & Plan.CONDITION) != 0) {
      Condition condition = Objects.requireNonNull(plan.conditions[i], "flagged CONDITION");
      boolean pass;
      try {
        int source = plan.conditionSource[i];
        pass =
            condition
                .test()
                .test(
                    source == Plan.NO_SOURCE
                        ? null
                        : Objects.requireNonNull(
                                    condition.input(), "a condition with a source reads it")
                                .outcome()
                            ? outcome(source)
                            : value(source));
      } catch (Throwable e) {
        UserCode.rethrowIfFatal(e);
        IllegalStateException failure =
            new IllegalStateException(
                "the condition ("
                    + condition.description()
                    + ") of step '"
                    + node.name()
                    + "' threw",
                e);
        node.error = failure;
        node.endWithoutRunning(new State.Failed(failure));
        return TaskRunState.FAIL;
      }
      if (!pass) {
        node.endWithoutRunning(
            new State.Skipped("condition " + condition.description() + " was false"));
        return TaskRunState.SKIP;
      }
    }
    if (node instanceof TaskNode task) { // the common case first, without a type switch
      task.dispatch(next);
      return next ? TaskRunState.CONTINUED : TaskRunState.PENDING_OUTCOME;
    }
    return switch (node) {
      case MapNode map -> map.start();
      case SubflowNode subflow -> subflow.start();
      default -> throw new AssertionError(node);
    };
  }

  /**
   * Step {@code step} ended with {@code code}: release what it consumed, count down its downstream
   * steps and make ready those whose last upstream this was.
   */
  void stepEnded(int step, int code, boolean afterBody) {
    // Read once: a flow-level retry may replace them once the run's last terminal step ended,
    // while this thread still finishes with a step that was not the last.
    countDown(
        step,
        code,
        plan.downStart[step],
        plan.downStart[step + 1],
        afterBody,
        unfinished,
        fanIn,
        soleEdgesUncounted);
  }

  /**
   * Counts down the downstream steps of {@code step} over its edges {@code from} to {@code to} (all
   * of them, or a part another thread was given by {@link #spread}), then those of the steps this
   * ends without running. The run's counters are passed as read when the step ended.
   */
  private void countDown(
      int step,
      int code,
      int from,
      int to,
      boolean afterBody,
      Terminals.Countdown countdown,
      @Nullable AtomicIntegerArray buckets,
      boolean soleUncounted) {
    try {
      boolean next = afterBody;
      boolean part = from != plan.downStart[step] || to != plan.downStart[step + 1];
      // Whether this thread's work from the attempt's end to our return stays short and runs no
      // user code, so the next attempt on this thread may start at that end (AttemptNode.handOff):
      // not after a failure (its warning was logged after its end), with listeners, or for a
      // cached step; and below, not if it makes ready a step that is not a plain task.
      boolean quick =
          afterBody
              && code == TaskRunState.OK
              && !listeners.active
              && (plan.flags[step] & Plan.CACHED) == 0
              && plan.downStart[step + 1] - plan.downStart[step] <= HANDOFF_DEGREE;
      int[] stack = null;
      int top = 0;
      int i = step;
      int c = code;
      int start = from;
      int end = to;
      while (true) {
        int flags = plan.flags[i];
        if (!part && (flags & Plan.READS_VALUES) != 0) {
          consumed(i);
        }
        if (c != TaskRunState.OK && !someStepNotCompleted) {
          someStepNotCompleted = true;
        }
        // Not if the run is cancelled (what is left is to end steps Cancelled, at once), nor for a
        // step the run's end waits for: in a flow-level retry a step whose downstream steps all
        // completed is terminal, and counted as ended before parts of its edges would be.
        if (end - start > SPREAD && !cancelled && !countdown.counts(i)) {
          end = spread(i, c, start, end, countdown, buckets, soleUncounted);
        }
        int reason = c << 24 | i; // why a downstream that needed i's value cannot run
        for (int e = start; e < end; e++) {
          int d = plan.down[e];
          boolean blocks = c != TaskRunState.OK && !plan.downOutcome[e];
          int slot = plan.downSlot[e];
          long word;
          if (slot == Plan.SOLE && soleUncounted) {
            word = blocks ? (long) reason << 32 : 0; // the count is 1: no need to touch it
          } else if (slot >= 0 && buckets != null) {
            if (blocks) {
              block(d, reason, 0); // the reason first: whoever empties d's word reads it
            }
            if (buckets.decrementAndGet(slot) != 0) {
              continue;
            }
            word = pending.decrementAndGet(d);
          } else if (blocks) {
            word = block(d, reason, 1);
          } else {
            word = pending.decrementAndGet(d);
          }
          if ((int) word == 0) {
            if ((plan.flags[d] & (Plan.KIND | Plan.CONDITION | Plan.SLOTS)) != 0) {
              // A map, a sub-flow, a condition or a wait for slots: work or user code follows.
              quick = false;
            }
            int r = ready(d, (int) (word >>> 32), next);
            if (r == TaskRunState.CONTINUED) {
              next = false;
            } else if (r >= 0) {
              if (stack == null) {
                stack = new int[16];
              } else if (top == stack.length) {
                stack = java.util.Arrays.copyOf(stack, top * 2);
              }
              stack[top++] = d;
              stack[top++] = r;
              quick = false;
            }
          }
        }
        if (!part && countdown.ended(i)) {
          quick = false;
          finish();
        }
        if (top == 0) {
          if (quick && nodes[step] instanceof AttemptNode attempt) {
            attempt.handOff();
          }
          return;
        }
        int[] work = Objects.requireNonNull(stack, "top > 0 only after a push");
        c = work[--top];
        i = work[--top];
        start = plan.downStart[i];
        end = plan.downStart[i + 1];
        part = false;
      }
    } catch (Throwable t) {
      abort(t);
    }
  }

  /**
   * Offers the far parts of {@code step}'s edges {@code from} to {@code to} to the executor,
   * halving what is left each time (each part halves itself again on the thread that takes it),
   * until a part of at most {@link #SPREAD} edges is left or the executor declines; returns the end
   * of what is left for the calling thread.
   */
  private int spread(
      int step,
      int code,
      int from,
      int to,
      Terminals.Countdown countdown,
      @Nullable AtomicIntegerArray buckets,
      boolean soleUncounted) {
    int end = to;
    while (end - from > SPREAD) {
      int mid = (from + end) >>> 1;
      int hi = end;
      Runnable part =
          () -> countDown(step, code, mid, hi, false, countdown, buckets, soleUncounted);
      if (!executor.offload(part)) {
        break;
      }
      end = mid;
    }
    return end;
  }

  /**
   * Records why {@code d} cannot run (the worst reason wins) and counts {@code count} (0 or 1) of
   * its pending edges down; returns the new word.
   */
  private long block(int d, int reason, int count) {
    while (true) {
      long word = pending.get(d);
      int worst = Math.max((int) (word >>> 32), reason);
      long next = (long) worst << 32 | (((int) word - count) & 0xFFFF_FFFFL);
      if (pending.compareAndSet(d, word, next)) {
        return next;
      }
    }
  }

  /** Argument {@code argument} of step {@code step}: a value, or an outcome. */
  @Nullable Object argument(int step, int argument) {
    int source = plan.argSources[step][argument];
    return plan.argOutcome[step][argument] ? outcome(source) : value(source);
  }

  /** What happened to an ended source, as an {@link Outcome}. */
  Outcome<?> outcome(int source) {
    if (source < 0) {
      return Outcome.success(value(source));
    }
    TaskRunState node = nodes[source];
    State s = node.state;
    if (s.isCompleted()) {
      return Outcome.success(value(source));
    }
    return switch (s) {
      case State.Skipped skipped -> Outcome.skipped(skipped.reason());
      case State.NotReady notReady ->
          Outcome.failure(
              s,
              new UpstreamFailedException(
                  "step '" + node.name() + "' did not run: " + notReady.message()));
      default ->
          Outcome.failure(
              s,
              node.error != null
                  ? node.error
                  : new UpstreamFailedException(
                      "step '" + node.name() + "' ended " + s.name() + ": " + s.message()));
    };
  }

  /** Every step ended: decide the flow's state, retry the flow, or end it. */
  private void finish() {
    List<TaskRunState> failures = new ArrayList<>();
    if (!cancelled && someStepNotCompleted) {
      for (int i = 0; i < nodes.length; i++) {
        StateType type = nodes[i].state.type();
        boolean unsuccessful =
            type == StateType.FAILED || type == StateType.CRASHED || type == StateType.CANCELLED;
        if (unsuccessful && !plan.handled[i] && !plan.allowFailure[i]) {
          failures.add(nodes[i]);
        }
      }
    }
    State end;
    long retryDelay = -1;
    synchronized (this) {
      if (cancelled) {
        end = new State.Cancelled(cancelReason());
      } else if (failures.isEmpty()) {
        end = State.COMPLETED;
      } else {
        FlowFailedException failure = describe(failures);
        end = new State.Failed(failure);
        RetryPolicy policy = plan.options.retryPolicy();
        Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
        if (UserCode.shouldRetry(policy, attempts, cause, "flow '" + plan.flowName + "'", log)) {
          retryDelay = policy.delayNanos(attempts, ThreadLocalRandom.current().nextDouble());
          awaitingRetry = true;
          flowTransition(
              new State.AwaitingRetry(instant(System.nanoTime() + retryDelay), attempts + 1));
        }
      }
      if (retryDelay < 0) {
        ending = true;
      }
    }
    if (retryDelay >= 0) {
      try (Mdc.Scope scope = engine.mdc.enter(this)) {
        log.info(
            "Flow run '{}' attempt {} failed ({}); retrying the steps that did not complete in {}",
            id,
            attempts,
            ((State.Failed) end).error().getMessage(),
            Durations.format(Duration.ofNanos(retryDelay)));
      }
      timer.schedule(this::retry, retryDelay);
      return;
    }
    end(end);
  }

  private FlowFailedException describe(List<TaskRunState> failures) {
    StringBuilder message = new StringBuilder("flow '").append(plan.flowName).append("' failed: ");
    int shown = Math.min(failures.size(), 5);
    for (int k = 0; k < shown; k++) {
      TaskRunState f = failures.get(k);
      message.append(k == 0 ? "" : "; ").append("task '").append(f.name()).append("' ");
      message.append(f.state.name());
      if (!f.state.message().isEmpty()) {
        message.append(" (").append(f.state.message()).append(')');
      }
    }
    if (failures.size() > shown) {
      message.append("; and ").append(failures.size() - shown).append(" more");
    }
    return new FlowFailedException(message.toString(), failures.get(0).error);
  }

  /** A flow-level retry: re-run only the steps that did not complete. */
  private void retry() {
    synchronized (this) {
      if (!awaitingRetry) {
        return; // cancelled while waiting
      }
      awaitingRetry = false;
      attempts++;
      flowTransition(State.RETRYING);
    }
    try {
      nodesExist = true; // every step ended, so each has its task run
      FlowRetry retry = FlowRetry.reset(plan, nodes, pending);
      fanIn = null; // the retry counts each edge in `pending`
      soleEdgesUncounted = false;
      unfinished = retry.unfinished();
      dispatchReady(retry.ready());
    } catch (Throwable t) {
      abort(t);
    }
  }

  private void end(State end) {
    synchronized (this) {
      if (aborted) {
        return; // the run ended Crashed already; steps that go on ending change nothing
      }
      recordEnd(end);
      view = new FlowRunView(this);
    }
    FlowRun run = view;
    try (Mdc.Scope scope = engine.mdc.enter(this)) {
      if (log.isInfoEnabled()) {
        log.info(
            "Flow run '{}' of flow '{}' finished in state {} in {} ms",
            id,
            plan.flowName,
            end.name(),
            run.duration().toMillis());
      }
      List<FlowHook> hooks =
          end.isCompleted()
              ? plan.options.onCompletion()
              : end.type() == StateType.FAILED ? plan.options.onFailure() : List.of();
      for (FlowHook hook : hooks) {
        try {
          hook.onFinished(run);
        } catch (Throwable e) {
          UserCode.rethrowIfFatal(e);
          log.warn("a hook of flow '{}' failed; ignored", plan.flowName, UserCode.loggable(e));
        }
      }
    }
    engine.ended(this);
    future.complete(run);
  }

  /** The engine itself failed (a bug, or an Error outside task code): never leave a run hanging. */
  void abort(Throwable t) {
    log.error(
        "Sluice engine failure in flow run '{}' of flow '{}'",
        id,
        plan.flowName,
        UserCode.loggable(t));
    // Record the end, so the run history does not show the run Running for ever.
    try {
      synchronized (this) {
        aborted = true;
        if (!ending) {
          recordEnd(new State.Crashed(t));
        }
      }
    } catch (Throwable e) {
      UserCode.rethrowIfFatal(e);
      t.addSuppressed(e);
    }
    engine.ended(this);
    future.completeExceptionally(
        new IllegalStateException(
            "the Sluice engine failed while running flow '" + plan.flowName + "'", t));
  }

  /** The task run of step {@code i}, created on first use; the caller owns step i. */
  private TaskRunState create(int i) {
    return create(i, plan.flags[i]);
  }

  private TaskRunState create(int i, int flags) {
    if (nodesExist) {
      return nodes[i];
    }
    // Written without being read first: the other workers write the neighbouring slots, and a
    // read would fetch the line once more before the write takes it over.
    TaskRunState node =
        switch (flags & Plan.KIND) {
          case Plan.TASK -> new TaskNode(this, i);
          case Plan.MAP -> new MapNode(this, i);
          default -> new SubflowNode(this, i);
        };
    nodes[i] = node;
    return node;
  }

  TaskRunState node(int i) {
    return nodes[i];
  }

  int resultStep() {
    return plan.resultStep;
  }

  @Override
  public String toString() {
    return "flow run " + id + " of '" + plan.flowName + "'";
  }
}
