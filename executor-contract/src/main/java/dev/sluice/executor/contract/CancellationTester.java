package dev.sluice.executor.contract;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Sluice;
import dev.sluice.api.Flow;
import dev.sluice.api.FlowRun;
import dev.sluice.api.FlowRunEvent;
import dev.sluice.api.State;
import dev.sluice.api.TaskRun;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Cancellation: cancelling a run (or closing its Sluice) stops what runs and ends every unfinished
 * task, map element and sub-flow Cancelled, without waiting for code that ignores its interrupt.
 *
 * <p>Its flows are in {@link CancellationFlows}.
 */
abstract class CancellationTester extends ContractTester {

  CancellationTester(ExecutorContractSuite suite) {
    super(suite);
  }

  /**
   * Cancelling a run returns promptly, stops the running attempt (interrupts its code, or ends the
   * process it runs in), ends every unfinished task (running, waiting to retry, not yet ready) and
   * the flow Cancelled; tasks downstream never run; what completed before stays Completed; neither
   * hook is called.
   */
  @Test
  @Timeout(value = 30, unit = SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void cancellingARunEndsEveryUnfinishedTaskCancelledAndRunsNothingDownstream() throws Exception {
    List<String> hooks = Collections.synchronizedList(new ArrayList<>());
    Flow<Void> flow =
        CancellationFlows.cancelMe(r -> hooks.add("completion"), r -> hooks.add("failure"));
    Recorder recorder = new Recorder();
    Sluice sluice = open(b -> b.listener(recorder));
    CompletableFuture<FlowRun> result = runOnAnotherThread(sluice, flow);
    await("failed-once", 1, "the retrying task's first attempt");
    await("started-slow", 1, "the slow task's start");
    UUID id = await(recorder.runId("cancel-me"), "the run's start");

    assertThat(sluice.cancel(id, "no longer needed")).isTrue();
    FlowRun run = await(result, "the cancelled run's end");

    assertThat(run.id()).isEqualTo(id);
    assertThat(run.state()).isEqualTo(new State.Cancelled("no longer needed"));
    assertThat(run.history())
        .extracting(h -> h.state().name())
        .containsSubsequence("Running", "Cancelling", "Cancelled");
    assertThat(task(run, "done").state()).isEqualTo(State.COMPLETED);
    for (String name : List.of("retrying", "slow", "after", "after-that")) {
      assertThat(task(run, name).state())
          .as(name)
          .isEqualTo(new State.Cancelled("no longer needed"));
    }
    assertThat(task(run, "retrying").attempts()).isEqualTo(1);
    assertThat(task(run, "slow").attempts()).isEqualTo(1);
    assertThat(task(run, "after").attempts()).isZero();
    assertThat(task(run, "after-that").attempts()).isZero();
    probe.awaitStopped("slow", 1);
    assertThat(probe.counted("downstream")).isZero();
    assertThat(hooks).isEmpty();
    assertThat(sluice.cancel(id, "again")).isFalse();
  }

  /**
   * Cancelling does not wait for a running task that ignores its interrupt: the task and the flow
   * end Cancelled (and listeners hear it) while the task's code is still stuck (or, on an executor
   * that stops attempts by ending their process, gone); what it blocks never runs.
   */
  @Test
  @Timeout(value = 30, unit = SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void cancellingDoesNotWaitForATaskThatIgnoresItsInterrupt() throws Exception {
    Recorder recorder = new Recorder();
    Sluice sluice = open(b -> b.listener(recorder));
    CompletableFuture<FlowRun> result =
        runOnAnotherThread(sluice, CancellationFlows.CANCEL_STUBBORN);
    FlowRunEvent end;
    try {
      await("stubborn-started", 1, "the stubborn task's start");
      UUID id = await(recorder.runId("cancel-stubborn"), "the run's start");
      assertThat(sluice.cancel(id, "stop")).isTrue();
      end = await(recorder.end("cancel-stubborn"), "the cancelled run's end");
      assertThat(probe.isSet("release")).as("the stubborn task released").isFalse();
    } finally {
      probe.set("release");
    }

    assertThat(end.state()).isEqualTo(new State.Cancelled("stop"));
    FlowRun run = await(result, "Sluice.run's return");
    assertThat(run.state()).isEqualTo(new State.Cancelled("stop"));
    assertThat(task(run, "stubborn").state()).isEqualTo(new State.Cancelled("stop"));
    assertThat(task(run, "after").state()).isEqualTo(new State.Cancelled("stop"));
    assertThat(task(run, "after").attempts()).isZero();
    assertThat(probe.counted("downstream")).isZero();
  }

  /**
   * Cancelling a run in the middle of a map step stops the elements running, ends them and every
   * element not started Cancelled (those never run), and ends the map step Cancelled.
   */
  @Test
  @Timeout(value = 30, unit = SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void cancellingARunCancelsTheRunningAndUnstartedElementsOfAMapStep() throws Exception {
    Recorder recorder = new Recorder();
    Sluice sluice = open(b -> b.listener(recorder));
    CompletableFuture<FlowRun> result = runOnAnotherThread(sluice, CancellationFlows.CANCEL_MAP);
    await("started", 1, "an element's start");

    assertThat(sluice.cancel(await(recorder.runId("cancel-map"), "the run's start"), "enough"))
        .isTrue();
    FlowRun run = await(result, "the cancelled run's end");

    State cancelled = new State.Cancelled("enough");
    assertThat(run.state()).isEqualTo(cancelled);
    TaskRun map = task(run, "each");
    assertThat(map.state()).isEqualTo(cancelled);
    assertThat(map.elements())
        .hasSize(8)
        .allSatisfy(e -> assertThat(e.state()).as(e.name()).isEqualTo(cancelled));
    long ran = map.elements().stream().filter(e -> e.attempts() > 0).count();
    assertThat(ran).isBetween(1L, (long) Math.min(2, parallelism()));
    assertThat(probe.counted("started")).isLessThanOrEqualTo((int) ran);
    assertThat(task(run, "after").state()).isEqualTo(cancelled);
  }

  /**
   * Cancelling a run whose sub-flow is running cancels the child run too: the child's tasks, the
   * child run, the sub-flow step and the parent all end Cancelled; nothing after them runs.
   */
  @Test
  @Timeout(value = 30, unit = SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void cancellingARunCancelsItsRunningSubflow() throws Exception {
    Recorder recorder = new Recorder();
    Sluice sluice = open(b -> b.listener(recorder));
    CompletableFuture<FlowRun> result = runOnAnotherThread(sluice, CancellationFlows.CANCEL_PARENT);
    await("child-started", 1, "the child's task start");

    assertThat(sluice.cancel(await(recorder.runId("cancel-parent"), "the run's start"), "halt"))
        .isTrue();
    FlowRun run = await(result, "the cancelled run's end");

    State cancelled = new State.Cancelled("halt");
    assertThat(run.state()).isEqualTo(cancelled);
    assertThat(task(run, "before").state()).isEqualTo(State.COMPLETED);
    TaskRun step = task(run, "sub");
    assertThat(step.state()).isEqualTo(cancelled);
    FlowRun childRun = step.subflowRun().orElseThrow();
    assertThat(childRun.parentTaskRunId()).contains(step.id());
    assertThat(childRun.state()).isEqualTo(cancelled);
    assertThat(childRun.taskRuns())
        .allSatisfy(t -> assertThat(t.state()).as(t.name()).isEqualTo(cancelled));
    assertThat(task(run, "parent-after").state()).isEqualTo(cancelled);
    assertThat(probe.counted("after")).isZero();
  }

  /**
   * Closing the Sluice while a run is in progress ends that run Cancelled (its running attempt is
   * stopped, the rest never runs) rather than leaving it hanging.
   */
  @Test
  @Timeout(value = 30, unit = SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void closingTheSluiceEndsItsRunsInProgressCancelled() throws Exception {
    Sluice sluice = open();
    CompletableFuture<FlowRun> result = runOnAnotherThread(sluice, CancellationFlows.CLOSED_UNDER);
    await("started", 1, "the blocked task's start");

    sluice.close();
    FlowRun run = await(result, "the run's end after close");

    State cancelled = new State.Cancelled("the Sluice instance was closed");
    assertThat(run.state()).isEqualTo(cancelled);
    assertThat(task(run, "blocked").state()).isEqualTo(cancelled);
    assertThat(task(run, "after").state()).isEqualTo(cancelled);
    assertThat(probe.counted("after")).isZero();
  }
}
