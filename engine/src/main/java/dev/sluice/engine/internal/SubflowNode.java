package dev.sluice.engine.internal;

import dev.sluice.api.FlowRun;
import dev.sluice.api.RunOptions;
import dev.sluice.api.State;
import dev.sluice.api.StateType;
import dev.sluice.api.TaskTimeoutException;
import dev.sluice.api.spi.SubflowStep;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import org.jspecify.annotations.Nullable;

/**
 * The task run of a {@link SubflowStep}: each attempt runs the child flow as its own flow run,
 * linked to this task run, and takes the child's result. The step's retries re-run the child.
 */
final class SubflowNode extends TaskRunState {
  private final SubflowStep<?> step;
  private final List<Execution> children = new ArrayList<>(1);
  private volatile @Nullable Execution child;

  SubflowNode(Execution execution, int index) {
    super(execution, index);
    this.step = (SubflowStep<?>) execution.plan.steps[index];
  }

  /** The child run of the latest attempt, if one started. */
  @Nullable FlowRun latestChildRun() {
    Execution latest = child;
    return latest == null ? null : latest.future().getNow(null);
  }

  /** Starts attempt 1; returns an end code if it ended at once, else PENDING_OUTCOME. */
  int start() {
    return launch(1);
  }

  private int launch(int attempt) {
    attempts = attempt;
    if (firstStartNanos == 0) {
      firstStartNanos = System.nanoTime();
    }
    transition(attempt == 1 ? State.RUNNING : State.RETRYING);
    Map<String, @Nullable Object> parameters = new LinkedHashMap<>(step.constants());
    int argument = 0;
    for (String name : step.bindings().keySet()) {
      parameters.put(name, execution.argument(index, argument++));
    }
    Execution run;
    try {
      run = execution.engine.prepare(step.flow(), parameters, this, RunOptions.none());
    } catch (RuntimeException e) {
      phase = phase(attempt, OWNED);
      return afterFailure(attempt, e, false);
    }
    children.add(run);
    child = run;
    phase = phase(attempt, RUNNING);
    long timeoutNanos =
        (execution.plan.flags[index] & Plan.TIMEOUT) != 0 ? execution.plan.timeoutNanos[index] : 0;
    if (timeoutNanos != 0) {
      ScheduledFuture<?> timer =
          execution.timer.schedule(
              () -> timedOut(attempt, run, Duration.ofNanos(timeoutNanos)),
              timeoutNanos,
              execution);
      run.future().whenComplete((result, broken) -> timer.cancel(false));
    }
    run.future().whenComplete((result, broken) -> childEnded(attempt, result, broken));
    run.begin();
    if (execution.cancelled) {
      run.cancel(execution.cancelReason());
    }
    return PENDING_OUTCOME;
  }

  private void childEnded(int attempt, @Nullable FlowRun run, @Nullable Throwable broken) {
    if (!casPhase(phase(attempt, RUNNING), phase(attempt, OWNED))) {
      return;
    }
    int code;
    if (broken != null || run == null) {
      code = afterFailure(attempt, broken != null ? broken : new IllegalStateException(), false);
    } else if (run.state().isCompleted()) {
      execution.store(index, run.result());
      endNanos = System.nanoTime();
      transition(State.COMPLETED);
      code = OK;
    } else if (run.state().type() == StateType.CANCELLED && execution.cancelled) {
      code = endCancelled();
    } else {
      code = afterFailure(attempt, failureOf(run), false);
    }
    if (code != PENDING_OUTCOME) {
      ended(code);
    }
  }

  /**
   * The attempt's child run took longer than the step's timeout: the attempt fails with a {@link
   * TaskTimeoutException} (retried like a task's, TimedOut when out of retries) and the child run
   * is cancelled; whatever it ends with afterwards is discarded.
   */
  private void timedOut(int attempt, Execution run, Duration timeout) {
    if (!casPhase(phase(attempt, RUNNING), phase(attempt, OWNED))) {
      return; // the child ended in time, or the parent was cancelled
    }
    String message =
        "sub-flow step '" + name() + "' attempt " + attempt + " exceeded its timeout of " + timeout;
    int code;
    Mdc.Scope mdc = execution.engine.mdc.enter(this);
    try {
      log.warn("{}; cancelling its child run {}", message, run.id());
      run.cancel(message);
      code = afterFailure(attempt, new TaskTimeoutException(message), true);
    } finally {
      mdc.close();
    }
    if (code != PENDING_OUTCOME) {
      ended(code);
    }
  }

  private static Throwable failureOf(FlowRun run) {
    return switch (run.state()) {
      case State.Failed f -> f.error();
      case State.Crashed c -> c.error();
      default ->
          new IllegalStateException(
              "sub-flow run of '" + run.flowName() + "' ended " + run.state().name());
    };
  }

  @Override
  void redispatch() {
    int queued = phase;
    int attempt = attemptOf(queued);
    if (whereOf(queued) == QUEUED && casPhase(queued, phase(attempt, OWNED))) {
      int code = launch(attempt);
      if (code != PENDING_OUTCOME) {
        ended(code);
      }
    }
  }

  @Override
  void cancel() {
    int current = phase;
    int where = whereOf(current);
    if (where == QUEUED && casPhase(current, phase(attemptOf(current), OWNED))) {
      ended(endCancelled());
    } else if (where == RUNNING) {
      Execution running = child;
      if (running != null) {
        running.cancel(execution.cancelReason());
      }
    }
  }

  @Override
  void ended(int code, boolean afterBody) {
    execution.stepEnded(index, code, afterBody);
  }
}
