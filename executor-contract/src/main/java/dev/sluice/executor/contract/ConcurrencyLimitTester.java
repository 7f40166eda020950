package dev.sluice.executor.contract;

import static dev.sluice.executor.contract.ExecutorFeature.RUNS_ATTEMPTS_IN_PARALLEL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import dev.sluice.Sluice;
import dev.sluice.api.FlowRun;
import dev.sluice.api.State;
import dev.sluice.api.TaskRun;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Concurrency limits: at most N attempts with a limited tag run at once, a waiting task holds no
 * thread, tags taken in either order never deadlock, and slots are released on every exit path.
 *
 * <p>Its flows are in {@link ConcurrencyLimitFlows}.
 */
abstract class ConcurrencyLimitTester extends ContractTester {

  ConcurrencyLimitTester(ExecutorContractSuite suite) {
    super(suite);
  }

  /**
   * With {@code concurrencyLimit("db", 2)}, no more than two attempts of tasks tagged "db" — plain
   * tasks and map elements alike — run at once (and no more than the executor's parallelism); every
   * tagged task still completes.
   */
  @Test
  void aConcurrencyLimitBoundsHowManyTaggedAttemptsRunAtOnce() throws Exception {
    Sluice sluice = open(b -> b.concurrencyLimit("db", 2));

    FlowRun run = sluice.run(ConcurrencyLimitFlows.LIMITED, probed());

    assertThat(run.state()).isEqualTo(State.COMPLETED);
    assertThat(task(run, "db-map").elements())
        .hasSize(8)
        .allSatisfy(e -> assertThat(e.state()).isEqualTo(State.COMPLETED));
    assertThat(probe.peak("db"))
        .as("the most 'db' attempts running at once")
        .isBetween(1, Math.min(2, parallelism()));
    assertThat(sluice.concurrencySlotsInUse()).containsExactly(entry("db", 0));
  }

  /**
   * With a limit of 2, two tagged tasks run side by side while the others wait: a task that waits
   * for a slot shows AwaitingConcurrencySlot (with its tag) in its history, then runs. Parallel
   * executors only.
   */
  @ExecutorFeature.Require(RUNS_ATTEMPTS_IN_PARALLEL)
  @Test
  void tasksBeyondTheLimitAwaitAConcurrencySlotWhileTwoRun() throws Exception {
    Recorder recorder = Recorder.countingSlotWaits(probe);
    Sluice sluice = open(b -> b.concurrencyLimit("db", 2).listener(recorder));

    FlowRun run = sluice.run(ConcurrencyLimitFlows.TWO_AT_A_TIME, probed());

    assertThat(run.state()).isEqualTo(State.COMPLETED);
    for (int i = 0; i < 2; i++) {
      assertThat(stateNames(task(run, "holder-" + i)))
          .containsExactly("Pending", "Running", "Completed");
    }
    for (int i = 0; i < ConcurrencyLimitFlows.SLOT_WAITERS; i++) {
      TaskRun waiter = task(run, "waiter-" + i);
      assertThat(stateNames(waiter))
          .containsExactly("Pending", "AwaitingConcurrencySlot", "Running", "Completed");
      assertThat(waiter.history().get(1).state())
          .isEqualTo(new State.AwaitingConcurrencySlot(Set.of("db")));
    }
    assertThat(probe.peak("db")).isEqualTo(2);
  }

  /**
   * A task awaiting a concurrency slot holds no thread: with as many tagged tasks waiting as the
   * executor has threads, an untagged task still runs. Parallel executors only.
   */
  @ExecutorFeature.Require(RUNS_ATTEMPTS_IN_PARALLEL)
  @Test
  void aTaskAwaitingAConcurrencySlotHoldsNoThread() {
    Recorder recorder = Recorder.countingSlotWaits(probe);
    Sluice sluice = open(b -> b.concurrencyLimit("db", 1).listener(recorder));

    FlowRun run = sluice.run(ConcurrencyLimitFlows.NO_THREAD_HELD.of(parallelism()), probed());

    assertThat(run.taskRuns())
        .allSatisfy(t -> assertThat(t.state()).as(t.name()).isEqualTo(State.COMPLETED));
    assertThat(run.state()).isEqualTo(State.COMPLETED);
  }

  /**
   * Tasks needing slots of two limited tags, taken in either order ({@code tags("a", "b")} and
   * {@code tags("b", "a")}, limits of 1), never deadlock: all complete, and never more than one
   * holder of each tag runs at once.
   */
  @Test
  void tasksWithTwoLimitedTagsInEitherOrderAllCompleteWithoutDeadlock() throws Exception {
    Sluice sluice = open(builder -> builder.concurrencyLimit("a", 1).concurrencyLimit("b", 1));

    FlowRun run = sluice.run(ConcurrencyLimitFlows.TWO_TAGS, probed());

    assertThat(run.taskRuns())
        .hasSize(24)
        .allSatisfy(t -> assertThat(t.state()).as(t.name()).isEqualTo(State.COMPLETED));
    assertThat(probe.peak("a")).isEqualTo(1);
    assertThat(probe.peak("b")).isEqualTo(1);
    assertThat(sluice.concurrencySlotsInUse()).containsOnly(entry("a", 0), entry("b", 0));
  }

  /**
   * Concurrency slots are released on every exit path — success, failure after a retry, crash,
   * timeout, cancellation of a running task, a task waiting to retry and a task waiting for the
   * slot (on a one-thread executor: not yet started): after each run no slot is in use, and a later
   * run with the same tag (limit 1, so one leaked slot would block it) completes.
   */
  @Test
  void concurrencySlotsAreReleasedOnEveryExitPath() throws Exception {
    Recorder recorder = new Recorder();
    Sluice sluice = open(b -> b.concurrencyLimit("db", 1).listener(recorder));

    FlowRun succeeded = sluice.run(ConcurrencyLimitFlows.SUCCEEDS);
    assertThat(task(succeeded, "ok").state()).isEqualTo(State.COMPLETED);
    assertThat(sluice.concurrencySlotsInUse()).as("after success").containsExactly(entry("db", 0));

    FlowRun failed = sluice.run(ConcurrencyLimitFlows.FAILS);
    assertThat(task(failed, "fails").state()).isInstanceOf(State.Failed.class);
    assertThat(task(failed, "fails").attempts()).isEqualTo(2);
    assertThat(sluice.concurrencySlotsInUse()).as("after failure").containsExactly(entry("db", 0));

    FlowRun crashed = sluice.run(ConcurrencyLimitFlows.CRASHES);
    assertThat(task(crashed, "crashes").state()).isInstanceOf(State.Crashed.class);
    assertThat(sluice.concurrencySlotsInUse()).as("after a crash").containsExactly(entry("db", 0));

    FlowRun timedOut =
        await(
            runOnAnotherThread(
                sluice, ConcurrencyLimitFlows.SLOT_TIMES_OUT.of(timeout()), Map.of()),
            "the timed-out run's end");
    assertThat(task(timedOut, "times-out").state()).isInstanceOf(State.TimedOut.class);
    assertSlotsFreeSoon(sluice, "after a timeout");

    CompletableFuture<FlowRun> result =
        runOnAnotherThread(sluice, ConcurrencyLimitFlows.SLOT_CANCELLED);
    await("failed-once", 1, "the first task's failure");
    await("holding", 1, "the second task's start");
    assertThat(sluice.cancel(await(recorder.runId("slot-cancelled"), "the run's start"), "stop"))
        .isTrue();
    FlowRun cancelledRun = await(result, "the cancelled run's end");
    assertThat(cancelledRun.taskRuns())
        .allSatisfy(t -> assertThat(t.state()).as(t.name()).isEqualTo(new State.Cancelled("stop")));
    assertSlotsFreeSoon(sluice, "after a cancellation");

    FlowRun later =
        await(
            runOnAnotherThread(sluice, ConcurrencyLimitFlows.LATER, Map.of()),
            "a later run with the same tag");
    assertThat(later.state()).isEqualTo(State.COMPLETED);
    assertThat(sluice.concurrencySlotsInUse()).containsExactly(entry("db", 0));
  }

  /**
   * An attempt timed out or cancelled while its code runs keeps its slots until the interrupted
   * code returns, which may be just after its run ended (and at the latest after the grace period,
   * 5 s): all slots are free well within that.
   */
  private static void assertSlotsFreeSoon(Sluice sluice, String when) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
    while (sluice.concurrencySlotsInUse().values().stream().anyMatch(used -> used > 0)
        && System.nanoTime() < deadline) {
      Thread.sleep(1);
    }
    assertThat(sluice.concurrencySlotsInUse()).as(when).containsExactly(entry("db", 0));
  }
}
