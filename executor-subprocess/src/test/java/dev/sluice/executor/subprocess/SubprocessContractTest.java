package dev.sluice.executor.subprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import dev.sluice.Sluice;
import dev.sluice.api.FlowFailedException;
import dev.sluice.api.FlowRun;
import dev.sluice.api.RunHandle;
import dev.sluice.api.RunListener;
import dev.sluice.api.State;
import dev.sluice.api.TaskRun;
import dev.sluice.api.TaskRunEvent;
import dev.sluice.api.executor.ExecutorSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rules of the executor contract ({@code dev.sluice.executor.contract.ExecutorContract}), run
 * against the subprocess executor on a warm pool of {@value ContractFlows#PARALLELISM} worker JVMs.
 *
 * <p>{@code ExecutorContract} itself cannot be subclassed here: its flows are built inline in each
 * test and observe their tasks through shared memory (latches, lists, counters captured by the
 * lambdas), and a worker JVM neither has those objects nor can rebuild a flow that has no
 * entrypoint. So each rule is restated with a flow from {@link ContractFlows} (an entrypoint both
 * sides build) and tasks that report through files ({@link Probes}). 23 of the contract's 36 rules
 * are restated here under their contract names; the other 13 are covered elsewhere or differ by
 * design for processes:
 *
 * <ul>
 *   <li>{@code anErrorCrashesTheTaskWithoutRetryAndFailsTheFlow}: a {@code StackOverflowError} in a
 *       live worker behaves as in-process (below); an {@code OutOfMemoryError} kills its worker
 *       ({@code -XX:+ExitOnOutOfMemoryError}), which is a worker death, retried by design (DESIGN:
 *       "crashed attempts caused by a dead worker are retried like failures"): see {@link
 *       SubprocessExecutorTest#aWorkerOutOfMemoryCrashesTheAttemptAndTheRetryCompletes}.
 *   <li>{@code anAttemptOverItsTimeoutIsInterruptedEndsTimedOutAndIsRetriedLikeAFailure}, {@code
 *       theInterruptOfATimedOutAttemptDoesNotReachLaterTasks}, {@code
 *       aTimedOutTaskIgnoringItsInterruptDoesNotHoldUpTheRestOfTheFlow}, {@code
 *       cancellingDoesNotWaitForATaskThatIgnoresItsInterrupt}: a timeout or cancellation kills the
 *       worker process, so task code cannot ignore it and no interrupt survives into a later task;
 *       {@link SubprocessExecutorTest#aTimeoutKillsTheWorkerProcess} and {@link
 *       #aTimedOutAttemptIsRetriedAndTheRetryCanComplete} cover what remains.
 *   <li>{@code cancellingARunEndsEveryUnfinishedTaskCancelledAndRunsNothingDownstream}, {@code
 *       closingTheSluiceEndsItsRunsInProgressCancelled}: {@link
 *       SubprocessExecutorTest#cancellingARunKillsTheWorkersRunningItsAttempts}, {@link
 *       SubprocessExecutorTest#closingTheExecutorLeavesNoWorkerBehind}.
 *   <li>{@code aTaskCanRunAnotherFlowOnTheSameSluiceAndWaitForIt}: the Sluice instance lives in the
 *       parent; code in a worker cannot reach it. A task that starts flows belongs on an in-process
 *       executor.
 *   <li>{@code noMoreThanParallelismAttemptsRunAtOnceEvenWhenTheyBlockOnAFuture}, {@code
 *       aTaskAwaitingAConcurrencySlotHoldsNoThread}, {@code aDelayedRetryIsTimedOutWhen...}, {@code
 *       aTaskMadeReadyByATimeoutHasItsOwnTimeoutEnforced}, {@code
 *       tasksWithTwoLimitedTagsInEitherOrderAllCompleteWithoutDeadlock}, {@code
 *       concurrencySlotsAreReleasedOnEveryExitPath}: what a task blocks on in a worker cannot
 *       affect the parent's pool (one attempt per worker, one worker per permit), and slots, delays
 *       and timer hand-offs are the engine's, exercised on every in-process executor; the bound and
 *       the slots are checked here with {@link #noMoreThanParallelismAttemptsRunAtOnce} and {@link
 *       #aConcurrencyLimitBoundsHowManyTaggedAttemptsRunAtOnce}.
 * </ul>
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SubprocessContractTest {
  private static SubprocessExecutor executor;
  private final List<Sluice> opened = new ArrayList<>();
  @TempDir Path dir;

  @BeforeAll
  static void startPool() {
    executor =
        (SubprocessExecutor)
            new SubprocessExecutorProvider()
                .create(
                    new ExecutorSettings(
                        Map.of("workers", String.valueOf(ContractFlows.PARALLELISM))));
  }

  @AfterAll
  static void stopPool() {
    executor.close();
  }

  @AfterEach
  void closeSluices() {
    opened.forEach(Sluice::close);
  }

  private Sluice open(RunListener... listeners) {
    Sluice.Builder builder =
        Sluice.builder().executor(new Unclosed(executor)).retainResults().concurrencyLimit("db", 2);
    for (RunListener listener : listeners) {
      builder.listener(listener);
    }
    Sluice sluice = builder.build();
    opened.add(sluice);
    return sluice;
  }

  private Map<String, Object> inDir() {
    return Map.of("dir", dir.toString());
  }

  private static TaskRun task(FlowRun run, String name) {
    return run.taskRun(name).orElseThrow(() -> new AssertionError("no task run '" + name + "'"));
  }

  private static List<String> stateNames(TaskRun task) {
    return task.history().stream().map(c -> c.state().name()).toList();
  }

  // ---- results and order

  @Test
  void resultsFlowAlongAChainInDependencyOrder() throws Exception {
    FlowRun run = open().run(ContractFlows.CHAIN, inDir());

    assertThat(run.state()).isEqualTo(State.COMPLETED);
    assertThat(run.result()).isEqualTo("abcd");
    assertThat(Probes.ran(dir)).containsExactly("a", "b", "c", "d");
    assertThat(run.result("b", String.class)).isEqualTo("ab");
    assertThat(run.taskRuns())
        .allSatisfy(
            t -> {
              assertThat(stateNames(t)).containsExactly("Pending", "Running", "Completed");
              assertThat(t.attempts()).isEqualTo(1);
            });
  }

  @Test
  void resultsFlowThroughAFanOutAndFanIn() {
    FlowRun run = open().run(ContractFlows.FAN);

    assertThat(run.state()).isEqualTo(State.COMPLETED);
    assertThat(run.result()).isEqualTo(List.of(10, 11, 12, 13, 14, 15));
    assertThat(run.taskRuns()).hasSize(8).allSatisfy(t -> assertThat(t.attempts()).isEqualTo(1));
  }

  @Test
  void concurrentRunsOnOneSluiceEachGetTheirOwnResults() {
    Sluice sluice = open();
    List<RunHandle> runs = new ArrayList<>();
    for (int n = 0; n < 8; n++) {
      runs.add(sluice.start(ContractFlows.CONCURRENT, Map.of("n", n)));
    }

    for (int i = 0; i < runs.size(); i++) {
      FlowRun run = runs.get(i).await();
      assertThat(run.state()).isEqualTo(State.COMPLETED);
      assertThat(run.result()).isEqualTo(2 * i + 1);
      assertThat(run.parameters()).containsEntry("n", i);
    }
  }

  // ---- parallelism

  @Test
  void noMoreThanParallelismAttemptsRunAtOnce() throws Exception {
    FlowRun run = open().run(ContractFlows.BOUNDED, inDir());

    assertThat(run.state()).isEqualTo(State.COMPLETED);
    assertThat(run.taskRuns()).hasSize(3 * ContractFlows.PARALLELISM);
    assertThat(Probes.peak(dir, "all"))
        .as("the most attempts running at once")
        .isBetween(1, ContractFlows.PARALLELISM);
  }

  @Test
  void parallelismAttemptsCanRunAtOnce() {
    FlowRun run = open().run(ContractFlows.SIDE_BY_SIDE, inDir());

    assertThat(run.taskRuns())
        .allSatisfy(t -> assertThat(t.state()).as(t.name()).isEqualTo(State.COMPLETED));
    assertThat(run.state()).isEqualTo(State.COMPLETED);
  }

  // ---- failures

  @Test
  void aFailureMakesValueDependentsNotReadyNeverRunsThemAndFailsTheFlow() throws Exception {
    FlowRun run = open().run(ContractFlows.FAILING, inDir());

    assertThat(Probes.ran(dir)).containsExactlyInAnyOrder("a", "independent");
    assertThat(task(run, "a").state())
        .isInstanceOfSatisfying(State.Failed.class, s -> assertThat(s.error()).hasMessage("boom"));
    assertThat(task(run, "b").state()).isEqualTo(new State.NotReady("a"));
    assertThat(task(run, "c").state()).isEqualTo(new State.NotReady("b"));
    assertThat(task(run, "d").state()).isEqualTo(new State.NotReady("c"));
    for (String never : List.of("b", "c", "d")) {
      assertThat(task(run, never).attempts()).as(never).isZero();
    }
    assertThat(task(run, "independent").state()).isEqualTo(State.COMPLETED);
    assertThat(run.state())
        .isInstanceOfSatisfying(
            State.Failed.class,
            s ->
                assertThat(s.error())
                    .isInstanceOf(FlowFailedException.class)
                    .hasMessageContaining("task 'a' Failed")
                    .hasCauseInstanceOf(IllegalStateException.class));
  }

  /** A {@link StackOverflowError} in a live worker crashes the task at once, as in-process. */
  @Test
  void anErrorCrashesTheTaskWithoutRetryAndFailsTheFlow() {
    FlowRun run = open().run(ContractFlows.ERRORS);

    assertThat(task(run, "overflow").state())
        .isInstanceOfSatisfying(
            State.Crashed.class, s -> assertThat(s.error()).isInstanceOf(StackOverflowError.class));
    assertThat(task(run, "overflow").attempts()).isEqualTo(1);
    assertThat(stateNames(task(run, "overflow"))).containsExactly("Pending", "Running", "Crashed");
    assertThat(task(run, "after-overflow").state()).isEqualTo(new State.NotReady("overflow"));
    assertThat(task(run, "independent").state()).isEqualTo(State.COMPLETED);
    assertThat(run.state()).isInstanceOf(State.Failed.class);
  }

  // ---- retries

  @Test
  void aTaskOutOfRetriesMadeRetriesPlusOneAttemptsThroughAwaitingRetryAndRetrying()
      throws Exception {
    FlowRun run = open().run(ContractFlows.EXHAUSTED, inDir());

    TaskRun flaky = task(run, "flaky");
    assertThat(flaky.attempts()).isEqualTo(3);
    assertThat(Probes.ran(dir)).hasSize(3);
    assertThat(stateNames(flaky))
        .containsExactly(
            "Pending",
            "Running",
            "AwaitingRetry",
            "Retrying",
            "AwaitingRetry",
            "Retrying",
            "Failed");
    assertThat(flaky.error().orElseThrow())
        .isInstanceOf(java.io.IOException.class)
        .hasMessage("down 3");
    assertThat(task(run, "after").state()).isEqualTo(new State.NotReady("flaky"));
  }

  @Test
  void aTaskThatSucceedsOnARetryCompletesAndPassesItsValueOn() {
    FlowRun run = open().run(ContractFlows.HEARD, inDir());

    assertThat(run.state()).isEqualTo(State.COMPLETED);
    assertThat(run.result()).isEqualTo(2);
    assertThat(task(run, "a").attempts()).isEqualTo(2);
    assertThat(stateNames(task(run, "a")))
        .containsExactly("Pending", "Running", "AwaitingRetry", "Retrying", "Completed");
  }

  @Test
  void aFlowRetryReRunsOnlyWhatDidNotComplete() throws Exception {
    FlowRun run = open().run(ContractFlows.FLOW_RETRY, inDir());

    assertThat(run.state()).isEqualTo(State.COMPLETED);
    assertThat(run.result()).isEqualTo("abc");
    assertThat(run.attempts()).isEqualTo(2);
    List<String> ran = Probes.ran(dir);
    assertThat(ran.stream().filter(name -> !name.equals("side")))
        .containsExactly("a", "b", "b", "c");
    assertThat(Collections.frequency(ran, "side")).isEqualTo(1);
    assertThat(task(run, "b").attempts()).isEqualTo(2);
  }

  // ---- timeouts

  @Test
  void aTimedOutAttemptIsRetriedAndTheRetryCanComplete() {
    FlowRun run = open().run(ContractFlows.SLOW_THEN_FAST, inDir());

    TaskRun task = task(run, "slow-then-fast");
    assertThat(run.state()).isEqualTo(State.COMPLETED);
    assertThat(run.result()).isEqualTo(20);
    assertThat(task.attempts()).isEqualTo(2);
    assertThat(stateNames(task))
        .containsExactly("Pending", "Running", "AwaitingRetry", "Retrying", "Completed");
  }

  // ---- cancellation of maps and sub-flows

  @Test
  void cancellingARunCancelsTheRunningAndUnstartedElementsOfAMapStep() throws Exception {
    RunHandle handle = open().start(ContractFlows.SLOW_MAP, inDir());
    long first = waitForPid("element-0");
    long second = waitForPid("element-1");

    handle.cancel("stop");
    FlowRun run = handle.await();

    assertThat(run.state()).isEqualTo(new State.Cancelled("stop"));
    assertThat(task(run, "sleep").elements())
        .hasSize(6)
        .allSatisfy(e -> assertThat(e.state()).isEqualTo(new State.Cancelled("stop")));
    assertThat(SubprocessExecutorTest.gone(first)).isTrue();
    assertThat(SubprocessExecutorTest.gone(second)).isTrue();
  }

  @Test
  void cancellingARunCancelsItsRunningSubflow() throws Exception {
    RunHandle handle = open().start(ContractFlows.SLOW_PARENT, inDir());
    long pid = waitForPid("child");

    handle.cancel("stop");
    FlowRun run = handle.await();

    assertThat(run.state()).isEqualTo(new State.Cancelled("stop"));
    FlowRun child = task(run, "child").subflowRun().orElseThrow();
    assertThat(child.state()).isEqualTo(new State.Cancelled("stop"));
    assertThat(task(run, "after").state()).isEqualTo(new State.Cancelled("stop"));
    assertThat(SubprocessExecutorTest.gone(pid)).isTrue();
  }

  private long waitForPid(String name) throws Exception {
    Path file = dir.resolve(name);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!java.nio.file.Files.exists(file)) {
      assertThat(System.nanoTime()).as("%s written in time", file).isLessThan(deadline);
      Thread.sleep(10);
    }
    return Long.parseLong(java.nio.file.Files.readString(file).strip());
  }

  // ---- concurrency limits

  @Test
  void aConcurrencyLimitBoundsHowManyTaggedAttemptsRunAtOnce() throws Exception {
    Sluice sluice = open();

    FlowRun run = sluice.run(ContractFlows.LIMITED, inDir());

    assertThat(run.state()).isEqualTo(State.COMPLETED);
    assertThat(Probes.peak(dir, "db")).isBetween(1, 2);
    assertThat(sluice.concurrencySlotsInUse()).containsExactly(entry("db", 0));
  }

  /** Six tagged tasks ready at once with a limit of 2: two run, four await a slot, all complete. */
  @Test
  void tasksBeyondTheLimitAwaitAConcurrencySlotWhileTwoRun() {
    FlowRun run = open().run(ContractFlows.LIMITED, inDir());

    assertThat(run.taskRuns())
        .allSatisfy(t -> assertThat(t.state()).isEqualTo(State.COMPLETED))
        .filteredOn(t -> stateNames(t).contains("AwaitingConcurrencySlot"))
        .hasSize(4);
  }

  // ---- hooks and listeners

  @Test
  void hooksAreCalledOnceWithTheFinishedRun() {
    ContractFlows.HOOKS_HEARD.clear();
    ContractFlows.HOOKED_RUNS.clear();
    Sluice sluice = open();

    FlowRun completed = sluice.run(ContractFlows.HOOKED_OK);
    FlowRun failed = sluice.run(ContractFlows.HOOKED_BAD);

    assertThat(ContractFlows.HOOKED_RUNS).containsExactly(completed, failed);
    assertThat(ContractFlows.HOOKS_HEARD).containsExactly("completion Completed", "failure Failed");
  }

  @Test
  void listenersHearEveryTransitionOfEachTaskInOrder() {
    List<TaskRunEvent> heard = Collections.synchronizedList(new ArrayList<>());
    Sluice sluice =
        open(
            new RunListener() {
              @Override
              public void onTaskRunStateChanged(TaskRunEvent event) {
                heard.add(event);
              }
            });

    FlowRun run = sluice.run(ContractFlows.HEARD, inDir());

    assertThat(run.state()).isEqualTo(State.COMPLETED);
    assertThat(heard.stream().filter(e -> e.taskName().equals("a")))
        .extracting(e -> e.state().name() + " #" + e.attempt())
        .containsExactly(
            "Pending #0", "Running #1", "AwaitingRetry #1", "Retrying #2", "Completed #2");
    for (TaskRun t : run.taskRuns()) {
      assertThat(heard.stream().filter(e -> e.taskName().equals(t.name())))
          .extracting(TaskRunEvent::state)
          .as(t.name())
          .containsExactlyElementsOf(t.history().stream().map(c -> c.state()).toList());
    }
    List<String> order =
        heard.stream()
            .filter(e -> !e.taskName().equals("c"))
            .map(e -> e.taskName() + " " + e.state().name())
            .toList();
    assertThat(order).containsSubsequence("a Completed", "b Running");
  }

  // ---- the flow's final state

  @Test
  void anAllowedFailureDoesNotFailTheFlow() {
    FlowRun run = open().run(ContractFlows.OPTIONAL);

    assertThat(task(run, "optional").state()).isInstanceOf(State.Failed.class);
    assertThat(task(run, "after").state()).isEqualTo(new State.NotReady("optional"));
    assertThat(run.state()).isEqualTo(State.COMPLETED);
  }

  @Test
  void aFailureHandledByOutcomeEdgesDoesNotFailTheFlow() {
    FlowRun run = open().run(ContractFlows.HANDLED);

    assertThat(task(run, "data").state()).isInstanceOf(State.Failed.class);
    assertThat(run.result("alert", String.class)).isEqualTo("source down");
    assertThat(run.result()).isEqualTo("cached after source down");
    assertThat(run.state()).isEqualTo(State.COMPLETED);
  }

  @Test
  void aFailedSinkIsNeverHandledAndFailsTheFlow() {
    FlowRun run = open().run(ContractFlows.SINK);

    assertThat(task(run, "sink").state()).isInstanceOf(State.Failed.class);
    assertThat(run.state())
        .isInstanceOfSatisfying(
            State.Failed.class,
            s -> assertThat(s.error()).hasMessageContaining("task 'sink' Failed"));
  }

  @Test
  void aFailureWithAValueEdgeBesidesOutcomeEdgesFailsTheFlow() throws Exception {
    FlowRun run = open().run(ContractFlows.HALF_HANDLED, inDir());

    assertThat(Probes.ran(dir)).containsExactly("handler");
    assertThat(task(run, "consumer").state()).isEqualTo(new State.NotReady("a"));
    assertThat(run.state())
        .isInstanceOfSatisfying(
            State.Failed.class, s -> assertThat(s.error()).hasMessageContaining("task 'a'"));
  }

  // ---- map steps and sub-flows

  @Test
  void aMapStepRunsAtMostMaxParallelElementsAtOnce() throws Exception {
    FlowRun run = open().run(ContractFlows.BOUNDED_MAP, inDir());

    assertThat(run.state()).isEqualTo(State.COMPLETED);
    assertThat(run.result()).isEqualTo(IntStream.range(0, 8).map(n -> n * n).boxed().toList());
    assertThat(task(run, "square").elements())
        .hasSize(8)
        .allSatisfy(e -> assertThat(e.state()).isEqualTo(State.COMPLETED));
    assertThat(Probes.peak(dir, "map")).isBetween(1, 2);
  }

  @Test
  void aSubflowRunIsItsOwnFlowRunLinkedToItsParentStep() {
    FlowRun run = open().run(ContractFlows.PARENT);

    assertThat(run.state()).isEqualTo(State.COMPLETED);
    assertThat(run.result()).isEqualTo(410);
    TaskRun step = task(run, "run-child");
    FlowRun child = step.subflowRun().orElseThrow();
    assertThat(child.flowName()).isEqualTo("c-child");
    assertThat(child.parentTaskRunId()).contains(step.id());
    assertThat(child.parameters()).containsEntry("n", 20);
    assertThat(child.taskRuns()).allSatisfy(t -> assertThat(t.state()).isEqualTo(State.COMPLETED));
  }
}
