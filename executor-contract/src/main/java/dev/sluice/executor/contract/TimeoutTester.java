package dev.sluice.executor.contract;

import static dev.sluice.executor.contract.ExecutorFeature.RUNS_ATTEMPTS_IN_PARALLEL;
import static dev.sluice.executor.contract.ExecutorFeature.RUNS_ATTEMPTS_IN_THIS_JVM;
import static dev.sluice.executor.contract.ExecutorFeature.RUNS_ATTEMPTS_IN_WORKER_PROCESSES;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Sluice;
import dev.sluice.api.FlowRun;
import dev.sluice.api.RunHandle;
import dev.sluice.api.State;
import dev.sluice.api.TaskRun;
import dev.sluice.api.TaskTimeoutException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Timeouts: an attempt over its timeout is stopped and ends TimedOut, is retried like a failure,
 * and neither its interrupt nor a task that ignores it holds up the rest of the flow. The timeouts
 * are the suite's {@link ExecutorContractSuite#timeout()} or half of it.
 *
 * <p>Its flows are in {@link TimeoutFlows}.
 */
abstract class TimeoutTester extends ContractTester {

  TimeoutTester(ExecutorContractSuite suite) {
    super(suite);
  }

  /**
   * An attempt over its timeout is stopped — its code interrupted, or the process it runs in ended
   * — and ends TimedOut; it counts as a failed attempt, so it is retried while retries remain — and
   * the retry's own timeout is enforced too.
   */
  @Test
  void anAttemptOverItsTimeoutIsInterruptedEndsTimedOutAndIsRetriedLikeAFailure() throws Exception {
    Sluice sluice = open();

    FlowRun run =
        await(runOnAnotherThread(sluice, TimeoutFlows.TIMES_OUT.of(timeout())), "the run's end");

    TaskRun stuck = task(run, "stuck");
    assertThat(stuck.state()).isEqualTo(new State.TimedOut(timeout()));
    assertThat(stuck.error().orElseThrow()).isInstanceOf(TaskTimeoutException.class);
    assertThat(stuck.attempts()).isEqualTo(2);
    assertThat(stateNames(stuck))
        .containsExactly("Pending", "Running", "AwaitingRetry", "Retrying", "TimedOut");
    probe.awaitStopped("stuck", 2);
    long self = ProcessHandle.current().pid();
    if (has(RUNS_ATTEMPTS_IN_THIS_JVM)) {
      assertThat(probe.startedIn("stuck"))
          .as("the processes the attempts ran in")
          .containsOnly(self);
    } else { // RUNS_ATTEMPTS_IN_WORKER_PROCESSES
      assertThat(probe.startedIn("stuck"))
          .as("the processes the attempts ran in")
          .hasSize(2)
          .doesNotContain(self);
    }
    assertThat(probe.counted("calls")).isEqualTo(2);
    assertThat(task(run, "after").state()).isEqualTo(new State.NotReady("stuck"));
    assertThat(probe.counted("dependents")).isZero();
    assertThat(run.state()).isInstanceOf(State.Failed.class);
  }

  /** A retry after a timed-out attempt can complete, and the task's value flows on. */
  @Test
  void aTimedOutAttemptIsRetriedAndTheRetryCanComplete() throws Exception {
    Sluice sluice = open();
    warmEveryWorker(sluice);

    FlowRun run =
        await(
            runOnAnotherThread(sluice, TimeoutFlows.SLOW_THEN_FAST.of(timeout())), "the run's end");

    TaskRun task = task(run, "slow-then-fast");
    assertThat(run.state()).isEqualTo(State.COMPLETED);
    assertThat(run.result()).isEqualTo(20);
    assertThat(task.attempts()).isEqualTo(2);
    assertThat(stateNames(task))
        .containsExactly("Pending", "Running", "AwaitingRetry", "Retrying", "Completed");
  }

  /**
   * On an executor with {@link ExecutorFeature#RUNS_ATTEMPTS_IN_WORKER_PROCESSES}, has every worker
   * run an attempt of a contract flow, so that each has loaded the entrypoint. The retry that must
   * end within its timeout then finds a warm worker: the timed-out attempt's worker is ended, and a
   * worker started for the retry would load the entrypoint while the retry is Running, which on a
   * loaded machine can take longer than the timeout. Whether workers are warm would otherwise
   * depend on what the tests before this one left behind.
   */
  private void warmEveryWorker(Sluice sluice) throws Exception {
    if (!has(RUNS_ATTEMPTS_IN_WORKER_PROCESSES)) {
      return;
    }
    Probe warmUp = Probe.create();
    try {
      FlowRun run =
          await(
              runOnAnotherThread(
                  sluice, ParallelismFlows.SIDE_BY_SIDE.of(parallelism()), Map.of("probe", warmUp)),
              "an attempt on every worker");
      assertThat(run.state()).as("the run warming the workers").isEqualTo(State.COMPLETED);
    } finally {
      warmUp.delete();
    }
  }

  /**
   * A retry that waited for its delay has its timeout enforced like any attempt, also when no
   * thread waits in {@code run} or {@code await} for the run (it is followed through {@link
   * RunHandle#future()}).
   */
  @Test
  void aDelayedRetryIsTimedOutWhenNoThreadWaitsInRunOrAwait() throws Exception {
    Sluice sluice = open();

    RunHandle handle = sluice.start(TimeoutFlows.DELAYED_RETRY_TIMES_OUT.of(timeout()), probed());
    FlowRun run = await(handle.future(), "the run's end");

    TaskRun task = task(run, "fails-then-hangs");
    assertThat(task.state()).isEqualTo(new State.TimedOut(timeout()));
    assertThat(task.attempts()).isEqualTo(2);
    assertThat(stateNames(task))
        .containsExactly("Pending", "Running", "AwaitingRetry", "Retrying", "TimedOut");
    assertThat(run.state()).isInstanceOf(State.Failed.class);
  }

  /**
   * A task made ready by another task's timeout has its own timeout enforced: the thread that
   * decided the first timeout is not the one left running the second task.
   */
  @Test
  void aTaskMadeReadyByATimeoutHasItsOwnTimeoutEnforced() throws Exception {
    Sluice sluice = open();

    FlowRun run =
        await(
            runOnAnotherThread(sluice, TimeoutFlows.TIMEOUT_AFTER_TIMEOUT.of(timeout()), Map.of()),
            "the run's end");

    assertThat(task(run, "first").state()).isEqualTo(new State.TimedOut(halfTimeout()));
    assertThat(task(run, "second").state()).isEqualTo(new State.TimedOut(halfTimeout()));
    assertThat(run.state()).isEqualTo(State.COMPLETED);
  }

  /**
   * The interrupt that ends a timed-out attempt does not leak into the tasks that run after it on
   * the same threads: they start with their interrupt flag clear and can block.
   */
  @Test
  void theInterruptOfATimedOutAttemptDoesNotReachLaterTasks() throws Exception {
    int later = TimeoutFlows.laterThanTimeout(parallelism());
    Sluice sluice = open();

    FlowRun run =
        await(
            runOnAnotherThread(
                sluice,
                TimeoutFlows.CLEAN_THREADS.of(new FlowFamily.Shape(parallelism(), timeout()))),
            "the run's end");

    assertThat(task(run, "slow").state()).isInstanceOf(State.TimedOut.class);
    assertThat(run.taskRuns())
        .filteredOn(t -> t.name().startsWith("later-"))
        .hasSize(later)
        .allSatisfy(t -> assertThat(t.state()).as(t.name()).isEqualTo(State.COMPLETED));
    assertThat(probe.counted("saw-interrupt")).isZero();
    assertThat(run.state()).isEqualTo(State.COMPLETED);
  }

  /**
   * A timed-out task that ignores its interrupt keeps its thread, but the flow moves on without it:
   * its dependents and the other tasks run, and the run ends while the task is still stuck (or, on
   * an executor that stops attempts by ending their process, gone). Parallel executors only (with
   * one thread, the stuck task holds the only thread).
   */
  @ExecutorFeature.Require(RUNS_ATTEMPTS_IN_PARALLEL)
  @Test
  void aTimedOutTaskIgnoringItsInterruptDoesNotHoldUpTheRestOfTheFlow() throws Exception {
    int others = 2 * parallelism();
    Sluice sluice = open(Sluice.Builder::retainResults);
    FlowRun run;
    try {
      run =
          await(
              runOnAnotherThread(
                  sluice, TimeoutFlows.STUBBORN.of(new FlowFamily.Shape(parallelism(), timeout()))),
              "the run's end while a task ignores interrupts");
      assertThat(probe.isSet("release")).as("the stubborn task released").isFalse();
      assertThat(probe.counted("stubborn-started")).as("the stubborn task started").isEqualTo(1);
    } finally {
      probe.set("release"); // let the stubborn task return before the executor closes
    }

    assertThat(run.state()).isEqualTo(State.COMPLETED);
    assertThat(task(run, "stubborn").state()).isInstanceOf(State.TimedOut.class);
    assertThat(run.result("handler", String.class)).isEqualTo(TaskTimeoutException.class.getName());
    assertThat(run.taskRuns())
        .filteredOn(t -> t.name().startsWith("other-"))
        .hasSize(others)
        .allSatisfy(t -> assertThat(t.state()).isEqualTo(State.COMPLETED));
  }
}
