package dev.sluice.executor.contract;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sluice.Sluice;
import dev.sluice.api.Flow;
import dev.sluice.api.FlowFailedException;
import dev.sluice.api.FlowRun;
import dev.sluice.api.FlowRunEvent;
import dev.sluice.api.RunHandle;
import dev.sluice.api.RunListener;
import dev.sluice.api.State;
import dev.sluice.api.TaskRun;
import dev.sluice.api.TaskRunEvent;
import dev.sluice.api.TaskTimeoutException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What every Sluice executor must do, as a JUnit 5 test suite: the executor contract. An executor
 * module runs it against itself by subclassing it in its tests and saying how to build a {@link
 * Sluice} on that executor, the way {@code guava-testlib}'s conformance suites are run.
 *
 * {@snippet :
 * class ThreadPoolContractTest extends ExecutorContract {
 *   @Override
 *   protected Sluice.Builder sluice() {
 *     return Sluice.builder().executor("threadpool").setting("executor.parallelism", "4");
 *   }
 *
 *   @Override
 *   protected int parallelism() {
 *     return 4;
 *   }
 * }
 * }
 *
 * <p>Each test states one rule of {@code docs/semantics.md} as assertions on behaviour: final
 * states, attempt counts, which tasks ran and in what order, results and state histories. Tests
 * that need attempts to run side by side are skipped (not failed) when {@link #parallelism()} is 1.
 *
 * <p>The same tests run against executors that run attempts in this JVM and against those that run
 * them elsewhere (worker processes): the flows come from an entrypoint, {@link ContractFlows},
 * which a worker rebuilds, and tasks report what they observe through a {@link Probe} (files in a
 * directory per test) rather than through the test's memory. What differs between tests travels as
 * flow parameters. Besides {@link #parallelism()}, a subclass may describe its executor with two
 * methods: {@link #tasksRunInThisJvm()}, which names the rules that cannot hold across a process
 * boundary and how they are limited, and {@link #timeout()}, the timeout of the contract's timed
 * tasks. No rule is skipped otherwise.
 *
 * <p>No test asserts how long anything takes. Every wait is bounded — futures and probe counts by
 * {@link #WAIT_SECONDS}, each test by {@link Timeout @Timeout} in a separate thread — so a broken
 * executor fails the suite instead of hanging the build.
 *
 * <p>A subclass that must disable a test (say, for a known bug) overrides the method, annotates the
 * override with {@code @Test} and {@code @Disabled("bug: ...")}, and calls {@code super}.
 */
@Timeout(value = 60, unit = SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
public abstract class ExecutorContract {

  /**
   * How long a test waits for something that should happen promptly (a task to start, a run to
   * end). Reached only when the executor under test is broken, so it is generous.
   */
  protected static final long WAIT_SECONDS = Probe.WAIT_SECONDS;

  private final List<Sluice> opened = Collections.synchronizedList(new ArrayList<>());

  /** Where this test's tasks report; the flow parameter {@code probe} of every contract flow. */
  private Probe probe;

  /** For subclasses. */
  protected ExecutorContract() {}

  /**
   * A new builder, already set to the executor under test (by name or instance, with its settings).
   * Called once or more per test; the suite adds concurrency limits, listeners or {@code
   * retainResults()} to it, builds it, and closes what it built after the test.
   */
  protected abstract Sluice.Builder sluice();

  /**
   * How many attempts the executor under test runs at once at most, as configured by {@link
   * #sluice()}: 1 for an executor that runs one attempt at a time (the local executor). Tests that
   * need attempts to overlap are skipped when it is 1; tests of bounds check that no more than this
   * many run at once.
   */
  protected abstract int parallelism();

  /**
   * Whether task code runs in this JVM (true, the default) rather than in another process that
   * rebuilds the flow from its entrypoint (the subprocess executor: override to return false). Two
   * rules cannot hold across a process boundary, and are limited when it is false:
   *
   * <ul>
   *   <li>{@link #aTaskCanRunAnotherFlowOnTheSameSluiceAndWaitForIt()} is skipped: the {@link
   *       Sluice} is an object of this JVM, which code in another process cannot reach.
   *   <li>{@link #anErrorCrashesTheTaskWithoutRetryAndFailsTheFlow()} checks its {@code
   *       OutOfMemoryError} task only for its final state (Crashed) and its consequences, not for a
   *       single attempt: a JVM out of memory is not fit to run anything else, so a worker runs
   *       with {@code -XX:+ExitOnOutOfMemoryError} and the error ends the worker, which is a worker
   *       death — retried like a failure (DESIGN, "Crashed attempts caused by a dead worker ... are
   *       retried like failures") — rather than an {@code Error} in a live JVM. Its {@code
   *       StackOverflowError} task, from which a JVM recovers, is checked in full.
   * </ul>
   *
   * <p>When it is false, {@link #parallelism()} must be at most the widths {@link ContractFlows}
   * lists for workers (8).
   */
  protected boolean tasksRunInThisJvm() {
    return true;
  }

  /**
   * The timeout of the contract's tasks that must time out (they block) or must not (they return at
   * once, as the retry of a timed-out task does); some use half of it. Short, to keep the suite
   * quick, but long enough that an attempt that returns at once ends within it on the executor
   * under test, counting what the executor does once the attempt is Running. 100 ms by default. An
   * executor whose first call in a fresh worker process loads the flow's entrypoint and classes
   * there needs more: the subprocess executor uses 500 ms. When {@link #tasksRunInThisJvm()} is
   * false it must be one of the timeouts {@link ContractFlows} lists for workers (100 or 500 ms).
   */
  protected Duration timeout() {
    return Duration.ofMillis(100);
  }

  private Duration halfTimeout() {
    return timeout().dividedBy(2);
  }

  // ---- plumbing

  @BeforeEach
  final void createProbe() {
    assertThat(parallelism()).as("parallelism()").isPositive();
    if (!tasksRunInThisJvm()) {
      assertThat(parallelism())
          .as(
              "parallelism() of an executor whose tasks run in another JVM: ContractFlows lists"
                  + " its per-width flows for widths 1 to %d only; raise LISTED_WIDTHS or test"
                  + " with fewer workers",
              ContractFlows.LISTED_WIDTHS)
          .isLessThanOrEqualTo(ContractFlows.LISTED_WIDTHS);
    }
    if (!tasksRunInThisJvm()) {
      assertThat(timeout())
          .as(
              "timeout() of an executor whose tasks run in another JVM: ContractFlows lists its"
                  + " timed flows for these timeouts only; add yours to LISTED_TIMEOUTS")
          .isIn(ContractFlows.LISTED_TIMEOUTS);
    }
    probe = Probe.create();
  }

  /** A Sluice on the executor under test, closed after the test. */
  private Sluice open() {
    return open(builder -> builder);
  }

  /**
   * A Sluice on the executor under test with what {@code configure} adds, closed after the test.
   */
  private Sluice open(UnaryOperator<Sluice.Builder> configure) {
    Sluice sluice = configure.apply(sluice()).build();
    opened.add(sluice);
    return sluice;
  }

  @AfterEach
  @Timeout(value = 60, unit = SECONDS)
  final void closeSluices() {
    synchronized (opened) {
      for (Sluice sluice : opened) {
        sluice.close();
      }
      opened.clear();
    }
    ContractFlows.unshare(probe);
    probe.delete();
  }

  /** The parameters of a contract flow: this test's probe. */
  private Map<String, Object> probed() {
    return Map.of("probe", probe);
  }

  /**
   * Runs {@code flow} with {@link Sluice#run} on a thread of its own, so the test thread stays free
   * to wait with a bound, to cancel, or to release a task. (With the local executor the run's
   * attempts execute on that thread.)
   */
  private CompletableFuture<FlowRun> runOnAnotherThread(Sluice sluice, Flow<?> flow) {
    return runOnAnotherThread(sluice, flow, probed());
  }

  /** {@link #runOnAnotherThread(Sluice, Flow)} with parameters. */
  private static CompletableFuture<FlowRun> runOnAnotherThread(
      Sluice sluice, Flow<?> flow, Map<String, ?> parameters) {
    CompletableFuture<FlowRun> result = new CompletableFuture<>();
    Thread runner =
        new Thread(
            () -> {
              try {
                result.complete(sluice.run(flow, parameters));
              } catch (Throwable t) {
                result.completeExceptionally(t);
              }
            },
            "contract-run-" + flow.name());
    runner.setDaemon(true);
    runner.start();
    return result;
  }

  /** Waits for {@code future}, failing the test if it does not complete in time. */
  private static <T> T await(CompletableFuture<T> future, String what) throws Exception {
    try {
      return future.get(WAIT_SECONDS, SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError(what + " did not happen within " + WAIT_SECONDS + " s", e);
    }
  }

  /** Waits in the test until the probe's counter {@code name} reaches {@code n}. */
  private void await(String name, int n, String what) throws Exception {
    try {
      probe.await(name, n, what);
    } catch (IllegalStateException e) {
      throw new AssertionError(e.getMessage(), e);
    }
  }

  private static TaskRun task(FlowRun run, String name) {
    return run.taskRun(name).orElseThrow(() -> new AssertionError("no task run '" + name + "'"));
  }

  private static List<String> stateNames(TaskRun task) {
    return task.history().stream().map(change -> change.state().name()).toList();
  }

  /**
   * Records what listeners hear, and the id of each top-level flow run by flow name as soon as it
   * starts (with the local executor, {@code start} and {@code run} return only after the attempts
   * ran, so this is how a test learns the id of a run it wants to cancel).
   */
  private static final class Recorder implements RunListener {
    final List<TaskRunEvent> taskEvents = Collections.synchronizedList(new ArrayList<>());
    final List<FlowRunEvent> flowEvents = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, CompletableFuture<UUID>> ids = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<FlowRunEvent>> ends = new ConcurrentHashMap<>();
    private final Consumer<TaskRunEvent> onTask;

    Recorder() {
      this(event -> {});
    }

    Recorder(Consumer<TaskRunEvent> onTask) {
      this.onTask = onTask;
    }

    @Override
    public void onFlowRunStateChanged(FlowRunEvent event) {
      flowEvents.add(event);
      if (event.parentTaskRunId() == null) {
        runId(event.flowName()).complete(event.flowRunId());
        if (event.state().isFinal()) {
          end(event.flowName()).complete(event);
        }
      }
    }

    @Override
    public void onTaskRunStateChanged(TaskRunEvent event) {
      taskEvents.add(event);
      onTask.accept(event);
    }

    /**
     * A recorder that counts the probe's counter {@code slot-waits} up each time a task run awaits
     * a slot (tasks wait for that count).
     */
    static Recorder countingSlotWaits(Probe probe) {
      return new Recorder(
          event -> {
            if (event.state() instanceof State.AwaitingConcurrencySlot) {
              try {
                probe.count("slot-waits");
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            }
          });
    }

    CompletableFuture<UUID> runId(String flowName) {
      return ids.computeIfAbsent(flowName, name -> new CompletableFuture<>());
    }

    /** The event of the top-level run of {@code flowName} entering its final state. */
    CompletableFuture<FlowRunEvent> end(String flowName) {
      return ends.computeIfAbsent(flowName, name -> new CompletableFuture<>());
    }

    /** The events of the task run called {@code taskName}, in the order they were heard. */
    List<TaskRunEvent> of(String taskName) {
      synchronized (taskEvents) {
        return taskEvents.stream().filter(e -> e.taskName().equals(taskName)).toList();
      }
    }
  }

  // ---- results and order

  /** A chain runs its tasks one after another, each taking its upstream's result. */
  @Test
  public void resultsFlowAlongAChainInDependencyOrder() throws Exception {
    Sluice sluice = open(Sluice.Builder::retainResults);

    FlowRun run = sluice.run(ContractFlows.CHAIN, probed());

    assertThat(run.state()).isEqualTo(State.COMPLETED);
    assertThat(run.result()).isEqualTo("abcd");
    assertThat(probe.ran()).containsExactly("a", "b", "c", "d");
    assertThat(run.result("b", String.class)).isEqualTo("ab");
    assertThat(run.taskRuns())
        .allSatisfy(
            t -> {
              assertThat(stateNames(t)).containsExactly("Pending", "Running", "Completed");
              assertThat(t.attempts()).isEqualTo(1);
            });
  }

  /**
   * Every branch of a fan-out gets the source's result, and the fan-in gets every branch's result,
   * in the order given (not the order the branches ended), after all of them ran.
   */
  @Test
  public void resultsFlowThroughAFanOutAndFanIn() throws Exception {
    int width = ContractFlows.FAN_WIDTH;
    Sluice sluice = open();

    FlowRun run = sluice.run(ContractFlows.FAN, probed());

    assertThat(run.state()).isEqualTo(State.COMPLETED);
    assertThat(run.result()).isEqualTo(List.of(10, 11, 12, 13, 14, 15));
    List<String> ran = probe.ran();
    assertThat(ran).hasSize(width + 2).startsWith("source").endsWith("gathered");
    assertThat(ran.subList(1, width + 1))
        .containsExactlyInAnyOrderElementsOf(
            IntStream.range(0, width).mapToObj(i -> "branch-" + i).toList());
    assertThat(run.taskRuns()).allSatisfy(t -> assertThat(t.attempts()).isEqualTo(1));
  }

  /**
   * A fan-out wider than one thread counts down alone (an executor may take shares of it through
   * {@code TaskExecutor.offload}): every branch runs exactly once, and the fan-in gets them all.
   */
  @Test
  public void everyBranchOfAWideFanOutRunsOnce() throws Exception {
    int width = ContractFlows.WIDE_WIDTH;
    Sluice sluice = open();

    FlowRun run = sluice.run(ContractFlows.WIDE, probed());

    assertThat(run.state()).isEqualTo(State.COMPLETED);
    assertThat(run.result()).isEqualTo(width + width * (width - 1) / 2);
    assertThat(probe.ran())
        .containsExactlyInAnyOrderElementsOf(
            IntStream.range(0, width).mapToObj(i -> "branch-" + i).toList());
    assertThat(run.taskRuns()).hasSize(width + 2);
  }

  /** The executor serves several runs of one Sluice at once, each with its own results. */
  @Test
  public void concurrentRunsOnOneSluiceEachGetTheirOwnResults() throws Exception {
    Sluice sluice = open();
    List<CompletableFuture<FlowRun>> runs = new ArrayList<>();
    for (int n = 0; n < 8; n++) {
      runs.add(runOnAnotherThread(sluice, ContractFlows.CONCURRENT, Map.of("n", n)));
    }

    for (int i = 0; i < runs.size(); i++) {
      FlowRun run = await(runs.get(i), "run " + i);
      assertThat(run.state()).isEqualTo(State.COMPLETED);
      assertThat(run.result()).isEqualTo(2 * i + 1);
      assertThat(run.parameters()).containsEntry("n", i);
    }
    assertThat(runs.stream().map(r -> r.join().id()).distinct()).hasSize(runs.size());
  }

  // ---- parallelism

  /** The executor never runs more attempts at once than its parallelism. */
  @Test
  public void noMoreThanParallelismAttemptsRunAtOnce() throws Exception {
    Sluice sluice = open();

    FlowRun run = sluice.run(ContractFlows.bounded(parallelism()), probed());

    assertThat(run.state()).isEqualTo(State.COMPLETED);
    assertThat(run.taskRuns()).hasSize(3 * parallelism());
    assertThat(probe.peak("all"))
        .as("the most attempts running at once")
        .isBetween(1, parallelism());
  }

  /**
   * The executor does run {@code parallelism()} attempts at once: that many tasks, each waiting
   * until all of them have started, all complete.
   */
  @Test
  public void parallelismAttemptsCanRunAtOnce() {
    Sluice sluice = open();

    FlowRun run = sluice.run(ContractFlows.sideBySide(parallelism()), probed());

    assertThat(run.taskRuns())
        .hasSize(parallelism())
        .allSatisfy(t -> assertThat(t.state()).as(t.name()).isEqualTo(State.COMPLETED));
    assertThat(run.state()).isEqualTo(State.COMPLETED);
  }

  /**
   * The bound holds even when task code blocks on a {@link CompletableFuture} (as HTTP clients and
   * nested runs do): a pool that adds threads to make up for blocked ones must not run more
   * attempts at once than its parallelism.
   */
  @Test
  public void noMoreThanParallelismAttemptsRunAtOnceEvenWhenTheyBlockOnAFuture() throws Exception {
    Sluice sluice = open();

    FlowRun run = sluice.run(ContractFlows.boundedBlocking(parallelism()), probed());

    assertThat(run.state()).isEqualTo(State.COMPLETED);
    assertThat(probe.peak("all"))
        .as("the most attempts running at once")
        .isBetween(1, parallelism());
  }

  /**
   * A task may run another flow on the same Sluice and wait for it; the executor runs the inner
   * flow's attempts (the local executor on the waiting thread itself) instead of deadlocking.
   * Executors whose tasks run in this JVM only: see {@link #tasksRunInThisJvm()}.
   */
  @Test
  public void aTaskCanRunAnotherFlowOnTheSameSluiceAndWaitForIt() throws Exception {
    assumeTrue(tasksRunInThisJvm(), "task code in another process cannot reach this JVM's Sluice");
    Sluice sluice = open();
    ContractFlows.share(probe, sluice);

    FlowRun run = await(runOnAnotherThread(sluice, ContractFlows.OUTER), "the outer run's end");

    assertThat(run.state()).isEqualTo(State.COMPLETED);
    assertThat(run.result()).isEqualTo(7);
  }

  // ---- failures

  /**
   * A failed task's value-dependents (through data or wait-for edges, transitively) end NotReady
   * and never run; independent tasks still run; the flow fails naming the task.
   */
  @Test
  public void aFailureMakesValueDependentsNotReadyNeverRunsThemAndFailsTheFlow() throws Exception {
    Sluice sluice = open();

    FlowRun run = sluice.run(ContractFlows.FAILING, probed());

    assertThat(probe.ran()).containsExactlyInAnyOrder("a", "independent");
    assertThat(task(run, "a").state())
        .isInstanceOfSatisfying(State.Failed.class, s -> assertThat(s.error()).hasMessage("boom"));
    assertThat(task(run, "b").state()).isEqualTo(new State.NotReady("a"));
    assertThat(task(run, "c").state()).isEqualTo(new State.NotReady("b"));
    assertThat(task(run, "d").state()).isEqualTo(new State.NotReady("c"));
    for (String never : List.of("b", "c", "d")) {
      assertThat(task(run, never).attempts()).as(never).isZero();
      assertThat(stateNames(task(run, never))).as(never).containsExactly("Pending", "NotReady");
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

  /**
   * An {@link Error} thrown by task code — here a real {@link StackOverflowError} and a real {@link
   * OutOfMemoryError} — ends the task Crashed after one attempt although it has retries left; its
   * dependents end NotReady, the flow Failed, and the run ends (no hang, no lost attempt). (When
   * tasks run in another JVM, the out-of-memory task is checked only for its end: see {@link
   * #tasksRunInThisJvm()}.)
   */
  @Test
  public void anErrorCrashesTheTaskWithoutRetryAndFailsTheFlow() throws Exception {
    Sluice sluice = open();

    FlowRun run = sluice.run(ContractFlows.ERRORS, probed());

    assertThat(task(run, "overflow").state())
        .isInstanceOfSatisfying(
            State.Crashed.class, s -> assertThat(s.error()).isInstanceOf(StackOverflowError.class));
    assertThat(task(run, "overflow").attempts()).isEqualTo(1);
    assertThat(probe.counted("overflow")).isEqualTo(1);
    assertThat(stateNames(task(run, "overflow"))).containsExactly("Pending", "Running", "Crashed");
    assertThat(task(run, "oom").state()).isInstanceOf(State.Crashed.class);
    if (tasksRunInThisJvm()) {
      assertThat(task(run, "oom").state())
          .isInstanceOfSatisfying(
              State.Crashed.class, s -> assertThat(s.error()).isInstanceOf(OutOfMemoryError.class));
      assertThat(task(run, "oom").attempts()).isEqualTo(1);
      assertThat(probe.counted("oom")).isEqualTo(1);
      assertThat(stateNames(task(run, "oom"))).containsExactly("Pending", "Running", "Crashed");
    }
    assertThat(task(run, "after-overflow").state()).isEqualTo(new State.NotReady("overflow"));
    assertThat(task(run, "after-oom").state()).isEqualTo(new State.NotReady("oom"));
    assertThat(probe.counted("dependents")).isZero();
    assertThat(task(run, "independent").state()).isEqualTo(State.COMPLETED);
    assertThat(run.state()).isInstanceOf(State.Failed.class);
  }

  // ---- retries

  /**
   * A task that keeps failing with {@code retries(k)} and a delay makes exactly k+1 attempts, each
   * failed one followed by AwaitingRetry and the next one Retrying, and ends Failed with the last
   * attempt's error.
   */
  @Test
  public void aTaskOutOfRetriesMadeRetriesPlusOneAttemptsThroughAwaitingRetryAndRetrying()
      throws Exception {
    Sluice sluice = open();

    FlowRun run = sluice.run(ContractFlows.EXHAUSTED, probed());

    TaskRun flaky = task(run, "flaky");
    assertThat(flaky.attempts()).isEqualTo(3);
    assertThat(probe.counted("calls")).isEqualTo(3);
    assertThat(stateNames(flaky))
        .containsExactly(
            "Pending",
            "Running",
            "AwaitingRetry",
            "Retrying",
            "AwaitingRetry",
            "Retrying",
            "Failed");
    assertThat(flaky.state())
        .isInstanceOfSatisfying(
            State.Failed.class, s -> assertThat(s.error()).hasMessage("down 3"));
    assertThat(flaky.history().stream().map(c -> c.state()))
        .filteredOn(s -> s instanceof State.AwaitingRetry)
        .extracting(s -> ((State.AwaitingRetry) s).nextAttempt())
        .containsExactly(2, 3);
    assertThat(task(run, "after").state()).isEqualTo(new State.NotReady("flaky"));
    assertThat(run.state()).isInstanceOf(State.Failed.class);
  }

  /**
   * A task that fails twice and then succeeds, with retries to spare, completes on its third
   * attempt and hands its value downstream; the failures stay in its history, not in its error.
   */
  @Test
  public void aTaskThatSucceedsOnARetryCompletesAndPassesItsValueOn() throws Exception {
    Sluice sluice = open();

    FlowRun run = sluice.run(ContractFlows.RECOVERS, probed());

    TaskRun flaky = task(run, "flaky");
    assertThat(run.state()).isEqualTo(State.COMPLETED);
    assertThat(run.result()).isEqualTo("got 3");
    assertThat(flaky.attempts()).isEqualTo(3);
    assertThat(probe.counted("calls")).isEqualTo(3);
    assertThat(stateNames(flaky))
        .containsExactly(
            "Pending",
            "Running",
            "AwaitingRetry",
            "Retrying",
            "AwaitingRetry",
            "Retrying",
            "Completed");
    assertThat(flaky.error()).isEmpty();
  }

  /**
   * A flow-level retry re-runs, in the same run, only the tasks that did not complete, with the
   * values of those that did; task attempts add up across flow attempts.
   */
  @Test
  public void aFlowRetryReRunsOnlyWhatDidNotComplete() throws Exception {
    Sluice sluice = open();

    FlowRun run = sluice.run(ContractFlows.FLOW_RETRY, probed());

    assertThat(run.state()).isEqualTo(State.COMPLETED);
    assertThat(run.result()).isEqualTo("abc");
    assertThat(run.attempts()).isEqualTo(2);
    List<String> ran = probe.ran();
    assertThat(ran.stream().filter(name -> !name.equals("side")))
        .containsExactly("a", "b", "b", "c");
    assertThat(Collections.frequency(ran, "side")).isEqualTo(1);
    assertThat(task(run, "a").attempts()).isEqualTo(1);
    assertThat(task(run, "b").attempts()).isEqualTo(2);
    assertThat(stateNames(task(run, "c")))
        .containsExactly("Pending", "NotReady", "Pending", "Running", "Completed");
  }

  // ---- timeouts

  /**
   * An attempt over its timeout is stopped — its code interrupted, or the process it runs in ended
   * — and ends TimedOut; it counts as a failed attempt, so it is retried while retries remain — and
   * the retry's own timeout is enforced too.
   */
  @Test
  public void anAttemptOverItsTimeoutIsInterruptedEndsTimedOutAndIsRetriedLikeAFailure()
      throws Exception {
    Sluice sluice = open();

    FlowRun run =
        await(runOnAnotherThread(sluice, ContractFlows.timesOut(timeout())), "the run's end");

    TaskRun stuck = task(run, "stuck");
    assertThat(stuck.state()).isEqualTo(new State.TimedOut(timeout()));
    assertThat(stuck.error().orElseThrow()).isInstanceOf(TaskTimeoutException.class);
    assertThat(stuck.attempts()).isEqualTo(2);
    assertThat(stateNames(stuck))
        .containsExactly("Pending", "Running", "AwaitingRetry", "Retrying", "TimedOut");
    probe.awaitStopped("stuck", 2);
    long self = ProcessHandle.current().pid();
    if (tasksRunInThisJvm()) {
      assertThat(probe.startedIn("stuck"))
          .as("the processes the attempts ran in")
          .containsOnly(self);
    } else {
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
  public void aTimedOutAttemptIsRetriedAndTheRetryCanComplete() throws Exception {
    Sluice sluice = open();

    FlowRun run =
        await(runOnAnotherThread(sluice, ContractFlows.slowThenFast(timeout())), "the run's end");

    TaskRun task = task(run, "slow-then-fast");
    assertThat(run.state()).isEqualTo(State.COMPLETED);
    assertThat(run.result()).isEqualTo(20);
    assertThat(task.attempts()).isEqualTo(2);
    assertThat(stateNames(task))
        .containsExactly("Pending", "Running", "AwaitingRetry", "Retrying", "Completed");
  }

  /**
   * A retry that waited for its delay has its timeout enforced like any attempt, also when no
   * thread waits in {@code run} or {@code await} for the run (it is followed through {@link
   * RunHandle#future()}).
   */
  @Test
  public void aDelayedRetryIsTimedOutWhenNoThreadWaitsInRunOrAwait() throws Exception {
    Sluice sluice = open();

    RunHandle handle = sluice.start(ContractFlows.delayedRetryTimesOut(timeout()), probed());
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
  public void aTaskMadeReadyByATimeoutHasItsOwnTimeoutEnforced() throws Exception {
    Sluice sluice = open();

    FlowRun run =
        await(
            runOnAnotherThread(sluice, ContractFlows.timeoutAfterTimeout(halfTimeout()), Map.of()),
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
  public void theInterruptOfATimedOutAttemptDoesNotReachLaterTasks() throws Exception {
    int later = ContractFlows.laterThanTimeout(parallelism());
    Sluice sluice = open();

    FlowRun run =
        await(
            runOnAnotherThread(sluice, ContractFlows.cleanThreads(parallelism(), halfTimeout())),
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
  @Test
  public void aTimedOutTaskIgnoringItsInterruptDoesNotHoldUpTheRestOfTheFlow() throws Exception {
    assumeTrue(parallelism() > 1, "needs an executor that runs attempts in parallel");
    int others = 2 * parallelism();
    Sluice sluice = open(Sluice.Builder::retainResults);
    FlowRun run;
    try {
      run =
          await(
              runOnAnotherThread(sluice, ContractFlows.stubborn(parallelism(), timeout())),
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

  // ---- cancellation

  /**
   * Cancelling a run returns promptly, stops the running attempt (interrupts its code, or ends the
   * process it runs in), ends every unfinished task (running, waiting to retry, not yet ready) and
   * the flow Cancelled; tasks downstream never run; what completed before stays Completed; neither
   * hook is called.
   */
  @Test
  @Timeout(value = 30, unit = SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  public void cancellingARunEndsEveryUnfinishedTaskCancelledAndRunsNothingDownstream()
      throws Exception {
    List<String> hooks = Collections.synchronizedList(new ArrayList<>());
    Flow<Void> flow =
        ContractFlows.cancelMe(r -> hooks.add("completion"), r -> hooks.add("failure"));
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
  public void cancellingDoesNotWaitForATaskThatIgnoresItsInterrupt() throws Exception {
    Recorder recorder = new Recorder();
    Sluice sluice = open(b -> b.listener(recorder));
    CompletableFuture<FlowRun> result = runOnAnotherThread(sluice, ContractFlows.CANCEL_STUBBORN);
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
  public void cancellingARunCancelsTheRunningAndUnstartedElementsOfAMapStep() throws Exception {
    Recorder recorder = new Recorder();
    Sluice sluice = open(b -> b.listener(recorder));
    CompletableFuture<FlowRun> result = runOnAnotherThread(sluice, ContractFlows.CANCEL_MAP);
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
  public void cancellingARunCancelsItsRunningSubflow() throws Exception {
    Recorder recorder = new Recorder();
    Sluice sluice = open(b -> b.listener(recorder));
    CompletableFuture<FlowRun> result = runOnAnotherThread(sluice, ContractFlows.CANCEL_PARENT);
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
  public void closingTheSluiceEndsItsRunsInProgressCancelled() throws Exception {
    Sluice sluice = open();
    CompletableFuture<FlowRun> result = runOnAnotherThread(sluice, ContractFlows.CLOSED_UNDER);
    await("started", 1, "the blocked task's start");

    sluice.close();
    FlowRun run = await(result, "the run's end after close");

    State cancelled = new State.Cancelled("the Sluice instance was closed");
    assertThat(run.state()).isEqualTo(cancelled);
    assertThat(task(run, "blocked").state()).isEqualTo(cancelled);
    assertThat(task(run, "after").state()).isEqualTo(cancelled);
    assertThat(probe.counted("after")).isZero();
  }

  // ---- concurrency limits

  /**
   * With {@code concurrencyLimit("db", 2)}, no more than two attempts of tasks tagged "db" — plain
   * tasks and map elements alike — run at once (and no more than the executor's parallelism); every
   * tagged task still completes.
   */
  @Test
  public void aConcurrencyLimitBoundsHowManyTaggedAttemptsRunAtOnce() throws Exception {
    Sluice sluice = open(b -> b.concurrencyLimit("db", 2));

    FlowRun run = sluice.run(ContractFlows.LIMITED, probed());

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
  @Test
  public void tasksBeyondTheLimitAwaitAConcurrencySlotWhileTwoRun() throws Exception {
    assumeTrue(parallelism() > 1, "needs an executor that runs attempts in parallel");
    Recorder recorder = Recorder.countingSlotWaits(probe);
    Sluice sluice = open(b -> b.concurrencyLimit("db", 2).listener(recorder));

    FlowRun run = sluice.run(ContractFlows.TWO_AT_A_TIME, probed());

    assertThat(run.state()).isEqualTo(State.COMPLETED);
    for (int i = 0; i < 2; i++) {
      assertThat(stateNames(task(run, "holder-" + i)))
          .containsExactly("Pending", "Running", "Completed");
    }
    for (int i = 0; i < ContractFlows.SLOT_WAITERS; i++) {
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
  @Test
  public void aTaskAwaitingAConcurrencySlotHoldsNoThread() {
    assumeTrue(parallelism() > 1, "needs an executor that runs attempts in parallel");
    Recorder recorder = Recorder.countingSlotWaits(probe);
    Sluice sluice = open(b -> b.concurrencyLimit("db", 1).listener(recorder));

    FlowRun run = sluice.run(ContractFlows.noThreadHeld(parallelism()), probed());

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
  public void tasksWithTwoLimitedTagsInEitherOrderAllCompleteWithoutDeadlock() throws Exception {
    Sluice sluice = open(builder -> builder.concurrencyLimit("a", 1).concurrencyLimit("b", 1));

    FlowRun run = sluice.run(ContractFlows.TWO_TAGS, probed());

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
  public void concurrencySlotsAreReleasedOnEveryExitPath() throws Exception {
    Recorder recorder = new Recorder();
    Sluice sluice = open(b -> b.concurrencyLimit("db", 1).listener(recorder));

    FlowRun succeeded = sluice.run(ContractFlows.SUCCEEDS);
    assertThat(task(succeeded, "ok").state()).isEqualTo(State.COMPLETED);
    assertThat(sluice.concurrencySlotsInUse()).as("after success").containsExactly(entry("db", 0));

    FlowRun failed = sluice.run(ContractFlows.FAILS);
    assertThat(task(failed, "fails").state()).isInstanceOf(State.Failed.class);
    assertThat(task(failed, "fails").attempts()).isEqualTo(2);
    assertThat(sluice.concurrencySlotsInUse()).as("after failure").containsExactly(entry("db", 0));

    FlowRun crashed = sluice.run(ContractFlows.CRASHES);
    assertThat(task(crashed, "crashes").state()).isInstanceOf(State.Crashed.class);
    assertThat(sluice.concurrencySlotsInUse()).as("after a crash").containsExactly(entry("db", 0));

    FlowRun timedOut =
        await(
            runOnAnotherThread(sluice, ContractFlows.slotTimesOut(halfTimeout()), Map.of()),
            "the timed-out run's end");
    assertThat(task(timedOut, "times-out").state()).isInstanceOf(State.TimedOut.class);
    assertSlotsFreeSoon(sluice, "after a timeout");

    CompletableFuture<FlowRun> result = runOnAnotherThread(sluice, ContractFlows.SLOT_CANCELLED);
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
            runOnAnotherThread(sluice, ContractFlows.LATER, Map.of()),
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

  // ---- hooks and listeners

  /**
   * A flow's hooks are called once, with the finished run: onCompletion when it completed,
   * onFailure when it failed; the run they get is the one {@code run} returns. (Hooks run where the
   * run is, never in a worker.)
   */
  @Test
  public void hooksAreCalledOnceWithTheFinishedRun() {
    List<FlowRun> completions = Collections.synchronizedList(new ArrayList<>());
    List<FlowRun> failures = Collections.synchronizedList(new ArrayList<>());
    List<String> seen = Collections.synchronizedList(new ArrayList<>());
    Flow<Void> ok =
        ContractFlows.hookedOk(
            r -> {
              completions.add(r);
              seen.add(
                  r.state().name()
                      + " "
                      + r.taskRuns().stream().allMatch(t -> t.state().isFinal()));
            },
            failures::add);
    Flow<Void> bad =
        ContractFlows.hookedBad(
            completions::add,
            r -> {
              failures.add(r);
              seen.add(r.state().name() + " " + task(r, "boom").state().name());
            });
    Sluice sluice = open();

    FlowRun completed = sluice.run(ok);
    FlowRun failed = sluice.run(bad);

    assertThat(completions).singleElement().isSameAs(completed);
    assertThat(failures).singleElement().isSameAs(failed);
    assertThat(seen).containsExactly("Completed true", "Failed Failed");
  }

  /**
   * Listeners hear every transition of each task run, in order — Pending, Running, Completed; with
   * a retry AwaitingRetry and Retrying between — matching its history; a task made ready by another
   * is heard running only after that one completed; the flow's transitions are heard too.
   */
  @Test
  public void listenersHearEveryTransitionOfEachTaskInOrder() {
    Recorder recorder = new Recorder();
    Sluice sluice = open(b -> b.listener(recorder));

    FlowRun run = sluice.run(ContractFlows.HEARD, probed());

    assertThat(run.state()).isEqualTo(State.COMPLETED);
    assertThat(recorder.of("a"))
        .extracting(e -> e.state().name() + " #" + e.attempt())
        .containsExactly(
            "Pending #0", "Running #1", "AwaitingRetry #1", "Retrying #2", "Completed #2");
    for (String name : List.of("b", "c")) {
      assertThat(recorder.of(name))
          .extracting(e -> e.state().name() + " #" + e.attempt())
          .as(name)
          .containsExactly("Pending #0", "Running #1", "Completed #1");
    }
    for (TaskRun t : run.taskRuns()) {
      List<TaskRunEvent> heard = recorder.of(t.name());
      assertThat(heard)
          .extracting(TaskRunEvent::state)
          .as(t.name())
          .containsExactlyElementsOf(t.history().stream().map(c -> c.state()).toList());
      assertThat(heard).allSatisfy(e -> assertThat(e.taskRunId()).isEqualTo(t.id()));
      assertThat(heard).allSatisfy(e -> assertThat(e.flowRunId()).isEqualTo(run.id()));
      assertThat(heard.get(0).previous()).isNull();
      for (int i = 1; i < heard.size(); i++) {
        assertThat(heard.get(i).previous()).as(t.name()).isEqualTo(heard.get(i - 1).state());
      }
    }
    List<String> order;
    synchronized (recorder.taskEvents) {
      order =
          recorder.taskEvents.stream()
              .filter(e -> !e.taskName().equals("c"))
              .map(e -> e.taskName() + " " + e.state().name())
              .toList();
    }
    assertThat(order).containsSubsequence("a Completed", "b Running");
    assertThat(recorder.flowEvents)
        .extracting(e -> e.state().name())
        .containsExactly("Running", "Completed");
  }

  // ---- the flow's final state

  /** An allowed failure does not fail the flow; what it blocks still ends NotReady. */
  @Test
  public void anAllowedFailureDoesNotFailTheFlow() throws Exception {
    Sluice sluice = open();

    FlowRun run = sluice.run(ContractFlows.OPTIONAL, probed());

    assertThat(task(run, "optional").state()).isInstanceOf(State.Failed.class);
    assertThat(task(run, "after").state()).isEqualTo(new State.NotReady("optional"));
    assertThat(probe.counted("dependents")).isZero();
    assertThat(run.state()).isEqualTo(State.COMPLETED);
  }

  /**
   * A failure whose every outgoing edge is an outcome edge is handled: the handlers run with the
   * failure, and the flow completes.
   */
  @Test
  public void aFailureHandledByOutcomeEdgesDoesNotFailTheFlow() {
    Sluice sluice = open(Sluice.Builder::retainResults);

    FlowRun run = sluice.run(ContractFlows.HANDLED);

    assertThat(task(run, "data").state()).isInstanceOf(State.Failed.class);
    assertThat(run.result("alert", String.class)).isEqualTo("failure: source down");
    assertThat(run.result()).isEqualTo("cached after failure: source down");
    assertThat(run.state()).isEqualTo(State.COMPLETED);
  }

  /** A failed sink has no edge to handle it, so it fails the flow. */
  @Test
  public void aFailedSinkIsNeverHandledAndFailsTheFlow() {
    Sluice sluice = open();

    FlowRun run = sluice.run(ContractFlows.SINK);

    assertThat(task(run, "sink").state()).isInstanceOf(State.Failed.class);
    assertThat(run.state())
        .isInstanceOfSatisfying(
            State.Failed.class,
            s -> assertThat(s.error()).hasMessageContaining("task 'sink' Failed"));
  }

  /** A failure with a value edge besides its outcome edges is not handled: the flow fails. */
  @Test
  public void aFailureWithAValueEdgeBesidesOutcomeEdgesFailsTheFlow() throws Exception {
    Sluice sluice = open();

    FlowRun run = sluice.run(ContractFlows.HALF_HANDLED, probed());

    assertThat(probe.ran()).containsExactly("handler");
    assertThat(task(run, "consumer").state()).isEqualTo(new State.NotReady("a"));
    assertThat(run.state())
        .isInstanceOfSatisfying(
            State.Failed.class, s -> assertThat(s.error()).hasMessageContaining("task 'a'"));
  }

  // ---- map steps and sub-flows

  /**
   * A map step with {@code maxParallel(2)} never runs more than two elements at once (on a parallel
   * executor, the first two do run side by side), and gathers results in element order.
   */
  @Test
  public void aMapStepRunsAtMostMaxParallelElementsAtOnce() throws Exception {
    boolean parallel = parallelism() > 1;
    Sluice sluice = open();

    FlowRun run =
        sluice.run(
            parallel ? ContractFlows.BOUNDED_MAP_PARALLEL : ContractFlows.BOUNDED_MAP_SERIAL,
            probed());

    assertThat(run.state()).isEqualTo(State.COMPLETED);
    assertThat(run.result()).isEqualTo(IntStream.range(0, 12).map(n -> n * n).boxed().toList());
    TaskRun map = task(run, "square");
    assertThat(map.elements())
        .hasSize(12)
        .allSatisfy(
            e -> {
              assertThat(e.state()).isEqualTo(State.COMPLETED);
              assertThat(e.attempts()).isEqualTo(1);
            });
    assertThat(map.elements()).extracting(TaskRun::name).startsWith("square[0]", "square[1]");
    assertThat(probe.peak("map"))
        .as("the most elements running at once")
        .isBetween(1, Math.min(2, parallelism()));
    if (parallel) {
      assertThat(probe.peak("map")).isEqualTo(2);
    }
  }

  /**
   * A sub-flow step runs the child flow as its own flow run, linked to the step's task run, and the
   * child's result flows on in the parent.
   */
  @Test
  public void aSubflowRunIsItsOwnFlowRunLinkedToItsParentStep() {
    Recorder recorder = new Recorder();
    Sluice sluice = open(b -> b.listener(recorder));

    FlowRun run = sluice.run(ContractFlows.PARENT);

    assertThat(run.state()).isEqualTo(State.COMPLETED);
    assertThat(run.result()).isEqualTo(410);
    assertThat(run.parentTaskRunId()).isEmpty();
    TaskRun step = task(run, "run-child");
    assertThat(step.state()).isEqualTo(State.COMPLETED);
    FlowRun childRun = step.subflowRun().orElseThrow();
    assertThat(childRun.flowName()).isEqualTo("child");
    assertThat(childRun.id()).isNotEqualTo(run.id());
    assertThat(childRun.parentTaskRunId()).contains(step.id());
    assertThat(childRun.parameters()).containsEntry("n", 20);
    assertThat(childRun.state()).isEqualTo(State.COMPLETED);
    assertThat(childRun.taskRuns())
        .allSatisfy(
            t -> {
              assertThat(t.state()).isEqualTo(State.COMPLETED);
              assertThat(t.flowRunId()).isEqualTo(childRun.id());
            });
    assertThat(recorder.flowEvents)
        .filteredOn(e -> e.flowName().equals("child"))
        .isNotEmpty()
        .allSatisfy(
            e -> {
              assertThat(e.flowRunId()).isEqualTo(childRun.id());
              assertThat(e.parentTaskRunId()).isEqualTo(step.id());
            });
  }
}
