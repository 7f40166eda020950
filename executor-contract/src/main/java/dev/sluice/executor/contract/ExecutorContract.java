package dev.sluice.executor.contract;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sluice.Flows;
import dev.sluice.Ref;
import dev.sluice.Sluice;
import dev.sluice.TaskAction0;
import dev.sluice.api.Flow;
import dev.sluice.api.FlowFailedException;
import dev.sluice.api.FlowRun;
import dev.sluice.api.FlowRunEvent;
import dev.sluice.api.Outcome;
import dev.sluice.api.RunHandle;
import dev.sluice.api.RunListener;
import dev.sluice.api.State;
import dev.sluice.api.TaskRun;
import dev.sluice.api.TaskRunEvent;
import dev.sluice.api.TaskTimeoutException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
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
 * <p>No test asserts how long anything takes. Every wait is bounded — latches and futures by {@link
 * #WAIT_SECONDS}, each test by {@link Timeout @Timeout} in a separate thread — so a broken executor
 * fails the suite instead of hanging the build.
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
  protected static final long WAIT_SECONDS = 10;

  private final List<Sluice> opened = Collections.synchronizedList(new ArrayList<>());

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

  // ---- plumbing

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
  }

  /**
   * Runs {@code flow} with {@link Sluice#run} on a thread of its own, so the test thread stays free
   * to wait with a bound, to cancel, or to release a task. (With the local executor the run's
   * attempts execute on that thread.)
   */
  private static CompletableFuture<FlowRun> runOnAnotherThread(Sluice sluice, Flow<?> flow) {
    return runOnAnotherThread(sluice, flow, Map.of());
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

  /** Waits for {@code latch} in the test, failing it if the latch does not open in time. */
  private static void await(CountDownLatch latch, String what) throws InterruptedException {
    assertThat(latch.await(WAIT_SECONDS, SECONDS))
        .as("%s within %d s", what, WAIT_SECONDS)
        .isTrue();
  }

  /** Waits for {@code latch} inside a task, failing the task if it does not open in time. */
  private static void awaitInTask(CountDownLatch latch, String what) throws InterruptedException {
    if (!latch.await(WAIT_SECONDS, SECONDS)) {
      throw new IllegalStateException(what + " did not happen within " + WAIT_SECONDS + " s");
    }
  }

  private static TaskRun task(FlowRun run, String name) {
    return run.taskRun(name).orElseThrow(() -> new AssertionError("no task run '" + name + "'"));
  }

  private static List<String> stateNames(TaskRun task) {
    return task.history().stream().map(change -> change.state().name()).toList();
  }

  /** Counts, inside tasks, how many run at once and the most that ever did. */
  private static final class Gauge {
    private final AtomicInteger now = new AtomicInteger();
    private final AtomicInteger peak = new AtomicInteger();

    void enter() {
      peak.accumulateAndGet(now.incrementAndGet(), Math::max);
    }

    void exit() {
      now.decrementAndGet();
    }

    int peak() {
      return peak.get();
    }
  }

  /** Gives a task body busy time, so that attempts which may overlap get the chance to. */
  private static void work() throws InterruptedException {
    Thread.sleep(3);
  }

  /** A task body that does {@link #work()} counted in each of {@code gauges}. */
  private static TaskAction0 gaugedWork(Gauge... gauges) {
    return () -> {
      for (Gauge gauge : gauges) {
        gauge.enter();
      }
      try {
        work();
      } finally {
        for (Gauge gauge : gauges) {
          gauge.exit();
        }
      }
    };
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

    /** A recorder that counts {@code latch} down each time a task run awaits a slot. */
    static Recorder countingSlotWaits(CountDownLatch latch) {
      return new Recorder(
          event -> {
            if (event.state() instanceof State.AwaitingConcurrencySlot) {
              latch.countDown();
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

  private static int recurse(int depth) {
    return recurse(depth + 1) + 1;
  }

  // ---- results and order

  /** A chain runs its tasks one after another, each taking its upstream's result. */
  @Test
  public void resultsFlowAlongAChainInDependencyOrder() {
    List<String> ran = Collections.synchronizedList(new ArrayList<>());
    Flow<String> flow =
        Flows.named("chain")
            .returning(
                f -> {
                  var a =
                      f.task(
                          "a",
                          () -> {
                            ran.add("a");
                            return "a";
                          });
                  var b =
                      f.task(
                          "b",
                          a,
                          x -> {
                            ran.add("b");
                            return x + "b";
                          });
                  var c =
                      f.task(
                          "c",
                          b,
                          x -> {
                            ran.add("c");
                            return x + "c";
                          });
                  return f.task(
                      "d",
                      c,
                      x -> {
                        ran.add("d");
                        return x + "d";
                      });
                });
    Sluice sluice = open(Sluice.Builder::retainResults);

    FlowRun run = sluice.run(flow);

    assertThat(run.state()).isEqualTo(State.COMPLETED);
    assertThat(run.result()).isEqualTo("abcd");
    assertThat(ran).containsExactly("a", "b", "c", "d");
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
  public void resultsFlowThroughAFanOutAndFanIn() {
    int width = 6;
    List<String> ran = Collections.synchronizedList(new ArrayList<>());
    Flow<List<Integer>> flow =
        Flows.named("fan")
            .returning(
                f -> {
                  var source =
                      f.task(
                          "source",
                          () -> {
                            ran.add("source");
                            return 10;
                          });
                  List<Ref<Integer>> branches = new ArrayList<>();
                  for (int i = 0; i < width; i++) {
                    int k = i;
                    branches.add(
                        f.task(
                            "branch-" + k,
                            source,
                            x -> {
                              ran.add("branch-" + k);
                              Thread.sleep(width - k); // later branches tend to end first
                              return x + k;
                            }));
                  }
                  return f.gather(
                      "gather",
                      branches,
                      values -> {
                        ran.add("gather");
                        return values;
                      });
                });
    Sluice sluice = open();

    FlowRun run = sluice.run(flow);

    assertThat(run.state()).isEqualTo(State.COMPLETED);
    assertThat(run.result()).isEqualTo(List.of(10, 11, 12, 13, 14, 15));
    assertThat(ran).hasSize(width + 2).startsWith("source").endsWith("gather");
    assertThat(ran.subList(1, width + 1))
        .containsExactlyInAnyOrderElementsOf(
            IntStream.range(0, width).mapToObj(i -> "branch-" + i).toList());
    assertThat(run.taskRuns()).allSatisfy(t -> assertThat(t.attempts()).isEqualTo(1));
  }

  /** The executor serves several runs of one Sluice at once, each with its own results. */
  @Test
  public void concurrentRunsOnOneSluiceEachGetTheirOwnResults() throws Exception {
    Flow<Integer> flow =
        Flows.named("concurrent")
            .returning(
                f -> {
                  var n = f.param("n", Integer.class);
                  var doubled =
                      f.task(
                          "double",
                          n,
                          x -> {
                            work();
                            return x * 2;
                          });
                  return f.task("plus-one", doubled, x -> x + 1);
                });
    Sluice sluice = open();
    List<CompletableFuture<FlowRun>> runs = new ArrayList<>();
    for (int n = 0; n < 8; n++) {
      runs.add(runOnAnotherThread(sluice, flow, Map.of("n", n)));
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
  public void noMoreThanParallelismAttemptsRunAtOnce() {
    Gauge gauge = new Gauge();
    int tasks = 3 * parallelism();
    Flow<Void> flow =
        Flows.named("bounded")
            .define(
                f -> {
                  for (int i = 0; i < tasks; i++) {
                    f.action("t" + i, gaugedWork(gauge));
                  }
                });
    Sluice sluice = open();

    FlowRun run = sluice.run(flow);

    assertThat(run.state()).isEqualTo(State.COMPLETED);
    assertThat(run.taskRuns()).hasSize(tasks);
    assertThat(gauge.peak()).as("the most attempts running at once").isBetween(1, parallelism());
  }

  /**
   * The executor does run {@code parallelism()} attempts at once: that many tasks, each waiting
   * until all of them have started, all complete.
   */
  @Test
  public void parallelismAttemptsCanRunAtOnce() {
    int tasks = parallelism();
    CountDownLatch allStarted = new CountDownLatch(tasks);
    Flow<Void> flow =
        Flows.named("side-by-side")
            .define(
                f -> {
                  for (int i = 0; i < tasks; i++) {
                    f.action(
                        "t" + i,
                        () -> {
                          allStarted.countDown();
                          awaitInTask(allStarted, "all " + tasks + " tasks running at once");
                        });
                  }
                });
    Sluice sluice = open();

    FlowRun run = sluice.run(flow);

    assertThat(run.taskRuns())
        .allSatisfy(t -> assertThat(t.state()).as(t.name()).isEqualTo(State.COMPLETED));
    assertThat(run.state()).isEqualTo(State.COMPLETED);
  }

  /**
   * The bound holds even when task code blocks on a {@link CompletableFuture} (as HTTP clients and
   * nested runs do): a pool that adds threads to make up for blocked ones must not run more
   * attempts at once than its parallelism.
   */
  @Test
  public void noMoreThanParallelismAttemptsRunAtOnceEvenWhenTheyBlockOnAFuture() {
    Gauge gauge = new Gauge();
    int tasks = 3 * parallelism();
    Flow<Void> flow =
        Flows.named("bounded-blocking")
            .define(
                f -> {
                  for (int i = 0; i < tasks; i++) {
                    f.action(
                        "t" + i,
                        () -> {
                          gauge.enter();
                          try {
                            CompletableFuture.supplyAsync(
                                    () -> 1,
                                    CompletableFuture.delayedExecutor(
                                        3, java.util.concurrent.TimeUnit.MILLISECONDS))
                                .get(WAIT_SECONDS, SECONDS);
                          } finally {
                            gauge.exit();
                          }
                        });
                  }
                });
    Sluice sluice = open();

    FlowRun run = sluice.run(flow);

    assertThat(run.state()).isEqualTo(State.COMPLETED);
    assertThat(gauge.peak()).as("the most attempts running at once").isBetween(1, parallelism());
  }

  /**
   * A task may run another flow on the same Sluice and wait for it; the executor runs the inner
   * flow's attempts (the local executor on the waiting thread itself) instead of deadlocking.
   */
  @Test
  public void aTaskCanRunAnotherFlowOnTheSameSluiceAndWaitForIt() throws Exception {
    Flow<Integer> inner =
        Flows.named("inner")
            .returning(
                f -> {
                  var a = f.task("a", () -> 2);
                  return f.task("b", a, x -> x * 3);
                });
    CompletableFuture<Sluice> self = new CompletableFuture<>();
    Flow<Integer> outer =
        Flows.named("outer")
            .returning(
                f -> {
                  var nested =
                      f.task(
                          "nested",
                          () -> (Integer) self.get(WAIT_SECONDS, SECONDS).run(inner).result());
                  return f.task("after", nested, x -> x + 1);
                });
    Sluice sluice = open();
    self.complete(sluice);

    FlowRun run = await(runOnAnotherThread(sluice, outer), "the outer run's end");

    assertThat(run.state()).isEqualTo(State.COMPLETED);
    assertThat(run.result()).isEqualTo(7);
  }

  // ---- failures

  /**
   * A failed task's value-dependents (through data or wait-for edges, transitively) end NotReady
   * and never run; independent tasks still run; the flow fails naming the task.
   */
  @Test
  public void aFailureMakesValueDependentsNotReadyNeverRunsThemAndFailsTheFlow() {
    List<String> ran = Collections.synchronizedList(new ArrayList<>());
    Flow<Void> flow =
        Flows.named("failing")
            .define(
                f -> {
                  var a =
                      f.<Integer>task(
                          "a",
                          () -> {
                            ran.add("a");
                            throw new IllegalStateException("boom");
                          });
                  var b = f.task("b", a, x -> ran.add("b"));
                  var c = f.task("c", b, x -> ran.add("c"));
                  f.action("d", () -> ran.add("d")).waitFor(c);
                  f.action("independent", () -> ran.add("independent"));
                });
    Sluice sluice = open();

    FlowRun run = sluice.run(flow);

    assertThat(ran).containsExactlyInAnyOrder("a", "independent");
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
   * dependents end NotReady, the flow Failed, and the run ends (no hang, no lost attempt).
   */
  @Test
  public void anErrorCrashesTheTaskWithoutRetryAndFailsTheFlow() {
    AtomicInteger overflowCalls = new AtomicInteger();
    AtomicInteger oomCalls = new AtomicInteger();
    AtomicInteger dependentsRan = new AtomicInteger();
    Flow<Void> flow =
        Flows.named("errors")
            .define(
                f -> {
                  var overflow =
                      f.task(
                              "overflow",
                              () -> {
                                overflowCalls.incrementAndGet();
                                return recurse(0);
                              })
                          .retries(3);
                  var oom =
                      f.task(
                              "oom",
                              () -> {
                                oomCalls.incrementAndGet();
                                return new long[Integer.MAX_VALUE].length;
                              })
                          .retries(3);
                  f.task("after-overflow", overflow, x -> dependentsRan.incrementAndGet());
                  f.task("after-oom", oom, x -> dependentsRan.incrementAndGet());
                  f.task("independent", () -> "fine");
                });
    Sluice sluice = open();

    FlowRun run = sluice.run(flow);

    assertThat(task(run, "overflow").state())
        .isInstanceOfSatisfying(
            State.Crashed.class, s -> assertThat(s.error()).isInstanceOf(StackOverflowError.class));
    assertThat(task(run, "oom").state())
        .isInstanceOfSatisfying(
            State.Crashed.class, s -> assertThat(s.error()).isInstanceOf(OutOfMemoryError.class));
    assertThat(task(run, "overflow").attempts()).isEqualTo(1);
    assertThat(task(run, "oom").attempts()).isEqualTo(1);
    assertThat(overflowCalls).hasValue(1);
    assertThat(oomCalls).hasValue(1);
    assertThat(stateNames(task(run, "oom"))).containsExactly("Pending", "Running", "Crashed");
    assertThat(task(run, "after-overflow").state()).isEqualTo(new State.NotReady("overflow"));
    assertThat(task(run, "after-oom").state()).isEqualTo(new State.NotReady("oom"));
    assertThat(dependentsRan).hasValue(0);
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
  public void aTaskOutOfRetriesMadeRetriesPlusOneAttemptsThroughAwaitingRetryAndRetrying() {
    AtomicInteger calls = new AtomicInteger();
    Flow<Void> flow =
        Flows.named("exhausted")
            .define(
                f -> {
                  var flaky =
                      f.task(
                              "flaky",
                              () -> {
                                throw new IOException("down " + calls.incrementAndGet());
                              })
                          .retries(2)
                          .retryDelay(Duration.ofMillis(20));
                  f.task("after", flaky, x -> x);
                });
    Sluice sluice = open();

    FlowRun run = sluice.run(flow);

    TaskRun flaky = task(run, "flaky");
    assertThat(flaky.attempts()).isEqualTo(3);
    assertThat(calls).hasValue(3);
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
  public void aTaskThatSucceedsOnARetryCompletesAndPassesItsValueOn() {
    AtomicInteger calls = new AtomicInteger();
    Flow<String> flow =
        Flows.named("recovers")
            .returning(
                f -> {
                  var flaky =
                      f.task(
                              "flaky",
                              () -> {
                                if (calls.incrementAndGet() <= 2) {
                                  throw new IOException("not yet");
                                }
                                return calls.get();
                              })
                          .retries(4)
                          .retryDelay(Duration.ofMillis(20));
                  return f.task("after", flaky, x -> "got " + x);
                });
    Sluice sluice = open();

    FlowRun run = sluice.run(flow);

    TaskRun flaky = task(run, "flaky");
    assertThat(run.state()).isEqualTo(State.COMPLETED);
    assertThat(run.result()).isEqualTo("got 3");
    assertThat(flaky.attempts()).isEqualTo(3);
    assertThat(calls).hasValue(3);
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
  public void aFlowRetryReRunsOnlyWhatDidNotComplete() {
    List<String> ran = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger bCalls = new AtomicInteger();
    Flow<String> flow =
        Flows.named("flow-retry")
            .retries(2)
            .retryDelay(Duration.ofMillis(10))
            .returning(
                f -> {
                  var a =
                      f.task(
                          "a",
                          () -> {
                            ran.add("a");
                            return "a";
                          });
                  f.task(
                      "side",
                      () -> {
                        ran.add("side");
                        return 1;
                      });
                  var b =
                      f.task(
                          "b",
                          a,
                          x -> {
                            ran.add("b");
                            if (bCalls.incrementAndGet() < 2) {
                              throw new IOException("b failed");
                            }
                            return x + "b";
                          });
                  return f.task(
                      "c",
                      b,
                      x -> {
                        ran.add("c");
                        return x + "c";
                      });
                });
    Sluice sluice = open();

    FlowRun run = sluice.run(flow);

    assertThat(run.state()).isEqualTo(State.COMPLETED);
    assertThat(run.result()).isEqualTo("abc");
    assertThat(run.attempts()).isEqualTo(2);
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
   * An attempt over its timeout is interrupted and ends TimedOut; it counts as a failed attempt, so
   * it is retried while retries remain — and the retry's own timeout is enforced too.
   */
  @Test
  public void anAttemptOverItsTimeoutIsInterruptedEndsTimedOutAndIsRetriedLikeAFailure()
      throws Exception {
    AtomicInteger calls = new AtomicInteger();
    CountDownLatch interrupted = new CountDownLatch(2);
    AtomicInteger dependentsRan = new AtomicInteger();
    Flow<Void> flow =
        Flows.named("times-out")
            .define(
                f -> {
                  var stuck =
                      f.task(
                              "stuck",
                              () -> {
                                calls.incrementAndGet();
                                try {
                                  Thread.sleep(60_000);
                                } catch (InterruptedException e) {
                                  interrupted.countDown();
                                  throw e;
                                }
                                return 1;
                              })
                          .timeout(Duration.ofMillis(100))
                          .retries(1);
                  f.task("after", stuck, x -> dependentsRan.incrementAndGet());
                });
    Sluice sluice = open();

    FlowRun run = await(runOnAnotherThread(sluice, flow), "the run's end");

    TaskRun stuck = task(run, "stuck");
    assertThat(stuck.state()).isEqualTo(new State.TimedOut(Duration.ofMillis(100)));
    assertThat(stuck.error().orElseThrow()).isInstanceOf(TaskTimeoutException.class);
    assertThat(stuck.attempts()).isEqualTo(2);
    assertThat(stateNames(stuck))
        .containsExactly("Pending", "Running", "AwaitingRetry", "Retrying", "TimedOut");
    await(interrupted, "both attempts interrupted");
    assertThat(calls).hasValue(2);
    assertThat(task(run, "after").state()).isEqualTo(new State.NotReady("stuck"));
    assertThat(dependentsRan).hasValue(0);
    assertThat(run.state()).isInstanceOf(State.Failed.class);
  }

  /** A retry after a timed-out attempt can complete, and the task's value flows on. */
  @Test
  public void aTimedOutAttemptIsRetriedAndTheRetryCanComplete() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    Flow<Integer> flow =
        Flows.named("slow-then-fast")
            .returning(
                f -> {
                  var task =
                      f.task(
                              "slow-then-fast",
                              () -> {
                                if (calls.incrementAndGet() == 1) {
                                  Thread.sleep(60_000);
                                }
                                return calls.get();
                              })
                          .timeout(Duration.ofMillis(100))
                          .retries(1);
                  return f.task("after", task, x -> x * 10);
                });
    Sluice sluice = open();

    FlowRun run = await(runOnAnotherThread(sluice, flow), "the run's end");

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
    AtomicInteger calls = new AtomicInteger();
    Flow<Void> flow =
        Flows.named("delayed-retry-times-out")
            .define(
                f ->
                    f.task(
                            "fails-then-hangs",
                            () -> {
                              if (calls.incrementAndGet() == 1) {
                                throw new IOException("first attempt fails");
                              }
                              Thread.sleep(60_000);
                              return 1;
                            })
                        .retries(1)
                        .retryDelay(Duration.ofMillis(50))
                        .timeout(Duration.ofMillis(100)));
    Sluice sluice = open();

    RunHandle handle = sluice.start(flow, Map.of());
    FlowRun run = await(handle.future(), "the run's end");

    TaskRun task = task(run, "fails-then-hangs");
    assertThat(task.state()).isEqualTo(new State.TimedOut(Duration.ofMillis(100)));
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
    Flow<Void> flow =
        Flows.named("timeout-after-timeout")
            .define(
                f -> {
                  var first =
                      f.task(
                              "first",
                              () -> {
                                Thread.sleep(60_000);
                                return 1;
                              })
                          .timeout(Duration.ofMillis(50))
                          .allowFailure();
                  f.task(
                          "second",
                          () -> {
                            Thread.sleep(60_000);
                            return 2;
                          })
                      .timeout(Duration.ofMillis(50))
                      .allowFailure()
                      .waitFor(first.outcome());
                });
    Sluice sluice = open();

    FlowRun run = await(runOnAnotherThread(sluice, flow), "the run's end");

    assertThat(task(run, "first").state()).isEqualTo(new State.TimedOut(Duration.ofMillis(50)));
    assertThat(task(run, "second").state()).isEqualTo(new State.TimedOut(Duration.ofMillis(50)));
    assertThat(run.state()).isEqualTo(State.COMPLETED);
  }

  /**
   * The interrupt that ends a timed-out attempt does not leak into the tasks that run after it on
   * the same threads: they start with their interrupt flag clear and can block.
   */
  @Test
  public void theInterruptOfATimedOutAttemptDoesNotReachLaterTasks() throws Exception {
    int later = 2 * parallelism() + 2;
    AtomicInteger sawInterrupt = new AtomicInteger();
    Flow<Void> flow =
        Flows.named("clean-threads")
            .define(
                f -> {
                  var slow =
                      f.task(
                              "slow",
                              () -> {
                                Thread.sleep(60_000);
                                return 1;
                              })
                          .timeout(Duration.ofMillis(50))
                          .allowFailure();
                  for (int i = 0; i < later; i++) {
                    f.action(
                            "later-" + i,
                            () -> {
                              if (Thread.currentThread().isInterrupted()) {
                                sawInterrupt.incrementAndGet();
                              }
                              Thread.sleep(1); // throws if an interrupt is pending
                            })
                        .waitFor(slow.outcome());
                  }
                });
    Sluice sluice = open();

    FlowRun run = await(runOnAnotherThread(sluice, flow), "the run's end");

    assertThat(task(run, "slow").state()).isInstanceOf(State.TimedOut.class);
    assertThat(run.taskRuns())
        .filteredOn(t -> t.name().startsWith("later-"))
        .hasSize(later)
        .allSatisfy(t -> assertThat(t.state()).as(t.name()).isEqualTo(State.COMPLETED));
    assertThat(sawInterrupt).hasValue(0);
    assertThat(run.state()).isEqualTo(State.COMPLETED);
  }

  /**
   * A timed-out task that ignores its interrupt keeps its thread, but the flow moves on without it:
   * its dependents and the other tasks run, and the run ends while the task is still stuck.
   * Parallel executors only (with one thread, the stuck task holds the only thread).
   */
  @Test
  public void aTimedOutTaskIgnoringItsInterruptDoesNotHoldUpTheRestOfTheFlow() throws Exception {
    assumeTrue(parallelism() > 1, "needs an executor that runs attempts in parallel");
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch stuckStarted = new CountDownLatch(1);
    List<Outcome<String>> seen = Collections.synchronizedList(new ArrayList<>());
    int others = 2 * parallelism();
    Flow<Void> flow =
        Flows.named("stubborn")
            .define(
                f -> {
                  var stubborn =
                      f.task(
                              "stubborn",
                              () -> {
                                stuckStarted.countDown();
                                while (release.getCount() > 0) {
                                  try {
                                    release.await();
                                  } catch (InterruptedException ignored) {
                                    // ignores interrupts on purpose
                                  }
                                }
                                return "late";
                              })
                          .timeout(Duration.ofMillis(100))
                          .allowFailure();
                  f.action("handler", stubborn.outcome(), seen::add);
                  for (int i = 0; i < others; i++) {
                    f.action("other-" + i, ExecutorContract::work).waitFor(stubborn.outcome());
                  }
                });
    Sluice sluice = open();
    FlowRun run;
    try {
      run =
          await(runOnAnotherThread(sluice, flow), "the run's end while a task ignores interrupts");
      assertThat(release.getCount()).as("the stubborn task is still stuck").isEqualTo(1);
    } finally {
      release.countDown(); // let the stubborn task return before the executor closes
    }

    assertThat(run.state()).isEqualTo(State.COMPLETED);
    assertThat(task(run, "stubborn").state()).isInstanceOf(State.TimedOut.class);
    assertThat(seen)
        .singleElement()
        .isInstanceOfSatisfying(
            Outcome.Failure.class,
            o -> assertThat(o.error()).isInstanceOf(TaskTimeoutException.class));
    assertThat(run.taskRuns())
        .filteredOn(t -> t.name().startsWith("other-"))
        .hasSize(others)
        .allSatisfy(t -> assertThat(t.state()).isEqualTo(State.COMPLETED));
  }

  // ---- cancellation

  /**
   * Cancelling a run returns promptly, interrupts the running attempt, ends every unfinished task
   * (running, waiting to retry, not yet ready) and the flow Cancelled; tasks downstream never run;
   * what completed before stays Completed; neither hook is called.
   */
  @Test
  @Timeout(value = 30, unit = SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  public void cancellingARunEndsEveryUnfinishedTaskCancelledAndRunsNothingDownstream()
      throws Exception {
    CountDownLatch failedOnce = new CountDownLatch(1);
    CountDownLatch slowStarted = new CountDownLatch(1);
    CountDownLatch slowInterrupted = new CountDownLatch(1);
    AtomicInteger downstreamRan = new AtomicInteger();
    List<String> hooks = Collections.synchronizedList(new ArrayList<>());
    Flow<Void> flow =
        Flows.named("cancel-me")
            .onCompletion(r -> hooks.add("completion"))
            .onFailure(r -> hooks.add("failure"))
            .define(
                f -> {
                  // Defined first, so a one-thread executor runs it before "slow" blocks.
                  f.task(
                          "retrying",
                          () -> {
                            failedOnce.countDown();
                            throw new IOException("again");
                          })
                      .retries(5)
                      .retryDelay(Duration.ofMinutes(10));
                  var done = f.task("done", () -> 1);
                  var slow =
                      f.task(
                          "slow",
                          done,
                          x -> {
                            slowStarted.countDown();
                            try {
                              Thread.sleep(60_000);
                            } catch (InterruptedException e) {
                              slowInterrupted.countDown();
                              throw e;
                            }
                            return x;
                          });
                  var after =
                      f.task(
                          "after",
                          slow,
                          x -> {
                            downstreamRan.incrementAndGet();
                            return x;
                          });
                  f.action("after-that", downstreamRan::incrementAndGet).waitFor(after);
                });
    Recorder recorder = new Recorder();
    Sluice sluice = open(b -> b.listener(recorder));
    CompletableFuture<FlowRun> result = runOnAnotherThread(sluice, flow);
    await(failedOnce, "the retrying task's first attempt");
    await(slowStarted, "the slow task's start");
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
    await(slowInterrupted, "the slow task's interrupt");
    assertThat(downstreamRan).hasValue(0);
    assertThat(hooks).isEmpty();
    assertThat(sluice.cancel(id, "again")).isFalse();
  }

  /**
   * Cancelling does not wait for a running task that ignores its interrupt: the task and the flow
   * end Cancelled (and listeners hear it) while the task's code is still stuck; what it blocks
   * never runs.
   */
  @Test
  @Timeout(value = 30, unit = SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  public void cancellingDoesNotWaitForATaskThatIgnoresItsInterrupt() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger downstreamRan = new AtomicInteger();
    Flow<Void> flow =
        Flows.named("cancel-stubborn")
            .define(
                f -> {
                  var stubborn =
                      f.task(
                          "stubborn",
                          () -> {
                            started.countDown();
                            while (release.getCount() > 0) {
                              try {
                                release.await();
                              } catch (InterruptedException ignored) {
                                // ignores interrupts on purpose
                              }
                            }
                            return 1;
                          });
                  f.task("after", stubborn, x -> downstreamRan.incrementAndGet());
                });
    Recorder recorder = new Recorder();
    Sluice sluice = open(b -> b.listener(recorder));
    CompletableFuture<FlowRun> result = runOnAnotherThread(sluice, flow);
    FlowRunEvent end;
    try {
      await(started, "the stubborn task's start");
      UUID id = await(recorder.runId("cancel-stubborn"), "the run's start");
      assertThat(sluice.cancel(id, "stop")).isTrue();
      end = await(recorder.end("cancel-stubborn"), "the cancelled run's end");
      assertThat(release.getCount()).as("the stubborn task is still stuck").isEqualTo(1);
    } finally {
      release.countDown();
    }

    assertThat(end.state()).isEqualTo(new State.Cancelled("stop"));
    FlowRun run = await(result, "Sluice.run's return");
    assertThat(run.state()).isEqualTo(new State.Cancelled("stop"));
    assertThat(task(run, "stubborn").state()).isEqualTo(new State.Cancelled("stop"));
    assertThat(task(run, "after").state()).isEqualTo(new State.Cancelled("stop"));
    assertThat(task(run, "after").attempts()).isZero();
    assertThat(downstreamRan).hasValue(0);
  }

  /**
   * Cancelling a run in the middle of a map step interrupts the elements running, ends them and
   * every element not started Cancelled (those never run), and ends the map step Cancelled.
   */
  @Test
  @Timeout(value = 30, unit = SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  public void cancellingARunCancelsTheRunningAndUnstartedElementsOfAMapStep() throws Exception {
    CountDownLatch oneStarted = new CountDownLatch(1);
    AtomicInteger started = new AtomicInteger();
    Flow<Void> flow =
        Flows.named("cancel-map")
            .define(
                f -> {
                  var items = f.task("items", () -> IntStream.range(0, 8).boxed().toList());
                  var each =
                      f.map(
                              "each",
                              items,
                              n -> {
                                started.incrementAndGet();
                                oneStarted.countDown();
                                Thread.sleep(60_000);
                                return n;
                              })
                          .maxParallel(2);
                  f.task("after", each, List::size);
                });
    Recorder recorder = new Recorder();
    Sluice sluice = open(b -> b.listener(recorder));
    CompletableFuture<FlowRun> result = runOnAnotherThread(sluice, flow);
    await(oneStarted, "an element's start");

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
    assertThat(started.get()).isLessThanOrEqualTo((int) ran);
    assertThat(task(run, "after").state()).isEqualTo(cancelled);
  }

  /**
   * Cancelling a run whose sub-flow is running cancels the child run too: the child's tasks, the
   * child run, the sub-flow step and the parent all end Cancelled; nothing after them runs.
   */
  @Test
  @Timeout(value = 30, unit = SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  public void cancellingARunCancelsItsRunningSubflow() throws Exception {
    CountDownLatch childStarted = new CountDownLatch(1);
    AtomicInteger afterRan = new AtomicInteger();
    Flow<Integer> child =
        Flows.named("slow-child")
            .returning(
                f -> {
                  var slow =
                      f.task(
                          "child-slow",
                          () -> {
                            childStarted.countDown();
                            Thread.sleep(60_000);
                            return 1;
                          });
                  return f.task(
                      "child-after",
                      slow,
                      x -> {
                        afterRan.incrementAndGet();
                        return x;
                      });
                });
    Flow<Void> parent =
        Flows.named("cancel-parent")
            .define(
                f -> {
                  var before = f.task("before", () -> 1);
                  var sub = f.subflow("sub", child).waitFor(before);
                  f.task("parent-after", sub, x -> afterRan.incrementAndGet());
                });
    Recorder recorder = new Recorder();
    Sluice sluice = open(b -> b.listener(recorder));
    CompletableFuture<FlowRun> result = runOnAnotherThread(sluice, parent);
    await(childStarted, "the child's task start");

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
    assertThat(afterRan).hasValue(0);
  }

  /**
   * Closing the Sluice while a run is in progress ends that run Cancelled (its running attempt is
   * interrupted, the rest never runs) rather than leaving it hanging.
   */
  @Test
  @Timeout(value = 30, unit = SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  public void closingTheSluiceEndsItsRunsInProgressCancelled() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    AtomicInteger afterRan = new AtomicInteger();
    Flow<Void> flow =
        Flows.named("closed-under")
            .define(
                f -> {
                  var blocked =
                      f.task(
                          "blocked",
                          () -> {
                            started.countDown();
                            Thread.sleep(60_000);
                            return 1;
                          });
                  f.task("after", blocked, x -> afterRan.incrementAndGet());
                });
    Sluice sluice = open();
    CompletableFuture<FlowRun> result = runOnAnotherThread(sluice, flow);
    await(started, "the blocked task's start");

    sluice.close();
    FlowRun run = await(result, "the run's end after close");

    State cancelled = new State.Cancelled("the Sluice instance was closed");
    assertThat(run.state()).isEqualTo(cancelled);
    assertThat(task(run, "blocked").state()).isEqualTo(cancelled);
    assertThat(task(run, "after").state()).isEqualTo(cancelled);
    assertThat(afterRan).hasValue(0);
  }

  // ---- concurrency limits

  /**
   * With {@code concurrencyLimit("db", 2)}, no more than two attempts of tasks tagged "db" — plain
   * tasks and map elements alike — run at once (and no more than the executor's parallelism); every
   * tagged task still completes.
   */
  @Test
  public void aConcurrencyLimitBoundsHowManyTaggedAttemptsRunAtOnce() {
    Gauge db = new Gauge();
    Flow<Void> flow =
        Flows.named("limited")
            .define(
                f -> {
                  for (int i = 0; i < 12; i++) {
                    f.action("db-" + i, gaugedWork(db)).tags("db");
                  }
                  var items = f.task("items", () -> IntStream.range(0, 8).boxed().toList());
                  f.map(
                          "db-map",
                          items,
                          n -> {
                            db.enter();
                            try {
                              work();
                              return n;
                            } finally {
                              db.exit();
                            }
                          })
                      .tags("db");
                  for (int i = 0; i < 4; i++) {
                    f.action("untagged-" + i, ExecutorContract::work);
                  }
                });
    Sluice sluice = open(b -> b.concurrencyLimit("db", 2));

    FlowRun run = sluice.run(flow);

    assertThat(run.state()).isEqualTo(State.COMPLETED);
    assertThat(task(run, "db-map").elements())
        .hasSize(8)
        .allSatisfy(e -> assertThat(e.state()).isEqualTo(State.COMPLETED));
    assertThat(db.peak())
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
  public void tasksBeyondTheLimitAwaitAConcurrencySlotWhileTwoRun() {
    assumeTrue(parallelism() > 1, "needs an executor that runs attempts in parallel");
    int waiters = 3;
    CountDownLatch holdersIn = new CountDownLatch(2);
    CountDownLatch waiting = new CountDownLatch(waiters);
    Gauge db = new Gauge();
    Flow<Void> flow =
        Flows.named("two-at-a-time")
            .define(
                f -> {
                  for (int i = 0; i < 2; i++) {
                    f.action(
                            "holder-" + i,
                            () -> {
                              db.enter();
                              try {
                                holdersIn.countDown();
                                awaitInTask(holdersIn, "both holders running");
                                awaitInTask(waiting, "the other tagged tasks waiting for a slot");
                              } finally {
                                db.exit();
                              }
                            })
                        .tags("db");
                  }
                  for (int i = 0; i < waiters; i++) {
                    f.action("waiter-" + i, gaugedWork(db)).tags("db");
                  }
                });
    Recorder recorder = Recorder.countingSlotWaits(waiting);
    Sluice sluice = open(b -> b.concurrencyLimit("db", 2).listener(recorder));

    FlowRun run = sluice.run(flow);

    assertThat(run.state()).isEqualTo(State.COMPLETED);
    for (int i = 0; i < 2; i++) {
      assertThat(stateNames(task(run, "holder-" + i)))
          .containsExactly("Pending", "Running", "Completed");
    }
    for (int i = 0; i < waiters; i++) {
      TaskRun waiter = task(run, "waiter-" + i);
      assertThat(stateNames(waiter))
          .containsExactly("Pending", "AwaitingConcurrencySlot", "Running", "Completed");
      assertThat(waiter.history().get(1).state())
          .isEqualTo(new State.AwaitingConcurrencySlot(Set.of("db")));
    }
    assertThat(db.peak()).isEqualTo(2);
  }

  /**
   * A task awaiting a concurrency slot holds no thread: with as many tagged tasks waiting as the
   * executor has threads, an untagged task still runs. Parallel executors only.
   */
  @Test
  public void aTaskAwaitingAConcurrencySlotHoldsNoThread() {
    assumeTrue(parallelism() > 1, "needs an executor that runs attempts in parallel");
    int waiters = parallelism();
    CountDownLatch waiting = new CountDownLatch(waiters);
    CountDownLatch freeRan = new CountDownLatch(1);
    Flow<Void> flow =
        Flows.named("no-thread-held")
            .define(
                f -> {
                  f.action(
                          "holder",
                          () -> {
                            awaitInTask(waiting, "every other tagged task waiting for a slot");
                            awaitInTask(freeRan, "the untagged task's run");
                          })
                      .tags("db");
                  for (int i = 0; i < waiters; i++) {
                    f.action("waiter-" + i, () -> {}).tags("db");
                  }
                  f.action("free", freeRan::countDown);
                });
    Recorder recorder = Recorder.countingSlotWaits(waiting);
    Sluice sluice = open(b -> b.concurrencyLimit("db", 1).listener(recorder));

    FlowRun run = sluice.run(flow);

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
  public void tasksWithTwoLimitedTagsInEitherOrderAllCompleteWithoutDeadlock() {
    Gauge a = new Gauge();
    Gauge b = new Gauge();
    Flow<Void> flow =
        Flows.named("two-tags")
            .define(
                f -> {
                  for (int i = 0; i < 16; i++) {
                    boolean ab = i % 2 == 0;
                    f.action((ab ? "ab-" : "ba-") + i, gaugedWork(a, b))
                        .tags(ab ? new String[] {"a", "b"} : new String[] {"b", "a"});
                  }
                  for (int i = 0; i < 4; i++) {
                    f.action("a-" + i, gaugedWork(a)).tags("a");
                    f.action("b-" + i, gaugedWork(b)).tags("b");
                  }
                });
    Sluice sluice = open(builder -> builder.concurrencyLimit("a", 1).concurrencyLimit("b", 1));

    FlowRun run = sluice.run(flow);

    assertThat(run.taskRuns())
        .hasSize(24)
        .allSatisfy(t -> assertThat(t.state()).as(t.name()).isEqualTo(State.COMPLETED));
    assertThat(a.peak()).isEqualTo(1);
    assertThat(b.peak()).isEqualTo(1);
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

    FlowRun succeeded =
        sluice.run(Flows.named("succeeds").define(f -> f.task("ok", () -> 1).tags("db")));
    assertThat(task(succeeded, "ok").state()).isEqualTo(State.COMPLETED);
    assertThat(sluice.concurrencySlotsInUse()).as("after success").containsExactly(entry("db", 0));

    FlowRun failed =
        sluice.run(
            Flows.named("fails")
                .define(
                    f ->
                        f.task(
                                "fails",
                                () -> {
                                  throw new IOException("no");
                                })
                            .tags("db")
                            .retries(1)));
    assertThat(task(failed, "fails").state()).isInstanceOf(State.Failed.class);
    assertThat(task(failed, "fails").attempts()).isEqualTo(2);
    assertThat(sluice.concurrencySlotsInUse()).as("after failure").containsExactly(entry("db", 0));

    FlowRun crashed =
        sluice.run(
            Flows.named("crashes")
                .define(
                    f ->
                        f.task("crashes", () -> new long[Integer.MAX_VALUE].length)
                            .tags("db")
                            .retries(1)));
    assertThat(task(crashed, "crashes").state()).isInstanceOf(State.Crashed.class);
    assertThat(sluice.concurrencySlotsInUse()).as("after a crash").containsExactly(entry("db", 0));

    FlowRun timedOut =
        await(
            runOnAnotherThread(
                sluice,
                Flows.named("times-out")
                    .define(
                        f ->
                            f.action("times-out", () -> Thread.sleep(60_000))
                                .tags("db")
                                .timeout(Duration.ofMillis(50)))),
            "the timed-out run's end");
    assertThat(task(timedOut, "times-out").state()).isInstanceOf(State.TimedOut.class);
    assertSlotsFreeSoon(sluice, "after a timeout");

    CountDownLatch failedOnce = new CountDownLatch(1);
    CountDownLatch holding = new CountDownLatch(1);
    Flow<Void> cancelled =
        Flows.named("cancelled")
            .define(
                f -> {
                  f.action(
                          "retry-waiting",
                          () -> {
                            failedOnce.countDown();
                            throw new IOException("later");
                          })
                      .tags("db")
                      .retries(1)
                      .retryDelay(Duration.ofMinutes(10));
                  f.action(
                          "holding",
                          () -> {
                            holding.countDown();
                            Thread.sleep(60_000);
                          })
                      .tags("db");
                  f.action("slot-waiting", () -> {}).tags("db");
                });
    CompletableFuture<FlowRun> result = runOnAnotherThread(sluice, cancelled);
    await(failedOnce, "the first task's failure");
    await(holding, "the second task's start");
    assertThat(sluice.cancel(await(recorder.runId("cancelled"), "the run's start"), "stop"))
        .isTrue();
    FlowRun cancelledRun = await(result, "the cancelled run's end");
    assertThat(cancelledRun.taskRuns())
        .allSatisfy(t -> assertThat(t.state()).as(t.name()).isEqualTo(new State.Cancelled("stop")));
    assertSlotsFreeSoon(sluice, "after a cancellation");

    FlowRun later =
        await(
            runOnAnotherThread(
                sluice,
                Flows.named("later")
                    .define(
                        f -> {
                          for (int i = 0; i < 3; i++) {
                            f.task("later-" + i, () -> 1).tags("db");
                          }
                        })),
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
   * onFailure when it failed; the run they get is the one {@code run} returns.
   */
  @Test
  public void hooksAreCalledOnceWithTheFinishedRun() {
    List<FlowRun> completions = Collections.synchronizedList(new ArrayList<>());
    List<FlowRun> failures = Collections.synchronizedList(new ArrayList<>());
    List<String> seen = Collections.synchronizedList(new ArrayList<>());
    Flow<Void> ok =
        Flows.named("hooked-ok")
            .onCompletion(completions::add)
            .onFailure(failures::add)
            .onCompletion(
                r ->
                    seen.add(
                        r.state().name()
                            + " "
                            + r.taskRuns().stream().allMatch(t -> t.state().isFinal())))
            .define(
                f -> {
                  var a = f.task("a", () -> 1);
                  f.task("b", a, x -> x + 1);
                });
    Flow<Void> bad =
        Flows.named("hooked-bad")
            .onCompletion(completions::add)
            .onFailure(failures::add)
            .onFailure(r -> seen.add(r.state().name() + " " + task(r, "boom").state().name()))
            .define(
                f ->
                    f.task(
                        "boom",
                        () -> {
                          throw new IOException("no");
                        }));
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
    AtomicInteger calls = new AtomicInteger();
    Flow<Integer> flow =
        Flows.named("heard")
            .returning(
                f -> {
                  var a =
                      f.task(
                              "a",
                              () -> {
                                if (calls.incrementAndGet() == 1) {
                                  throw new IOException("once");
                                }
                                return 1;
                              })
                          .retries(1)
                          .retryDelay(Duration.ofMillis(10));
                  f.task("c", () -> 3);
                  return f.task("b", a, x -> x + 1);
                });
    Recorder recorder = new Recorder();
    Sluice sluice = open(b -> b.listener(recorder));

    FlowRun run = sluice.run(flow);

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
  public void anAllowedFailureDoesNotFailTheFlow() {
    AtomicInteger dependentRan = new AtomicInteger();
    Flow<Void> flow =
        Flows.named("optional")
            .define(
                f -> {
                  var optional =
                      f.task(
                              "optional",
                              () -> {
                                throw new IOException("optional step failed");
                              })
                          .allowFailure();
                  f.task("after", optional, x -> dependentRan.incrementAndGet());
                  f.task("other", () -> 1);
                });
    Sluice sluice = open();

    FlowRun run = sluice.run(flow);

    assertThat(task(run, "optional").state()).isInstanceOf(State.Failed.class);
    assertThat(task(run, "after").state()).isEqualTo(new State.NotReady("optional"));
    assertThat(dependentRan).hasValue(0);
    assertThat(run.state()).isEqualTo(State.COMPLETED);
  }

  /**
   * A failure whose every outgoing edge is an outcome edge is handled: the handlers run with the
   * failure, and the flow completes.
   */
  @Test
  public void aFailureHandledByOutcomeEdgesDoesNotFailTheFlow() {
    List<Outcome<Integer>> seen = Collections.synchronizedList(new ArrayList<>());
    Flow<String> flow =
        Flows.named("handled")
            .returning(
                f -> {
                  var data =
                      f.<Integer>task(
                          "data",
                          () -> {
                            throw new IOException("source down");
                          });
                  f.action("alert", data.outcome(), seen::add);
                  return f.task(
                      "fallback",
                      data.outcome(),
                      o -> {
                        seen.add(o);
                        return o.isSuccess() ? "fresh" : "cached";
                      });
                });
    Sluice sluice = open();

    FlowRun run = sluice.run(flow);

    assertThat(task(run, "data").state()).isInstanceOf(State.Failed.class);
    assertThat(seen)
        .hasSize(2)
        .allSatisfy(
            o ->
                assertThat(o)
                    .isInstanceOfSatisfying(
                        Outcome.Failure.class,
                        failure -> assertThat(failure.error()).hasMessage("source down")));
    assertThat(run.result()).isEqualTo("cached");
    assertThat(run.state()).isEqualTo(State.COMPLETED);
  }

  /** A failed sink has no edge to handle it, so it fails the flow. */
  @Test
  public void aFailedSinkIsNeverHandledAndFailsTheFlow() {
    Flow<Void> flow =
        Flows.named("sink")
            .define(
                f -> {
                  var a = f.task("a", () -> 1);
                  f.task(
                      "sink",
                      a,
                      x -> {
                        throw new IOException("sink failed");
                      });
                });
    Sluice sluice = open();

    FlowRun run = sluice.run(flow);

    assertThat(task(run, "sink").state()).isInstanceOf(State.Failed.class);
    assertThat(run.state())
        .isInstanceOfSatisfying(
            State.Failed.class,
            s -> assertThat(s.error()).hasMessageContaining("task 'sink' Failed"));
  }

  /** A failure with a value edge besides its outcome edges is not handled: the flow fails. */
  @Test
  public void aFailureWithAValueEdgeBesidesOutcomeEdgesFailsTheFlow() {
    List<String> ran = Collections.synchronizedList(new ArrayList<>());
    Flow<Void> flow =
        Flows.named("half-handled")
            .define(
                f -> {
                  var a =
                      f.task(
                          "a",
                          () -> {
                            throw new IOException("a failed");
                          });
                  f.action("handler", a.outcome(), o -> ran.add("handler"));
                  f.action("consumer", a, x -> ran.add("consumer"));
                });
    Sluice sluice = open();

    FlowRun run = sluice.run(flow);

    assertThat(ran).containsExactly("handler");
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
  public void aMapStepRunsAtMostMaxParallelElementsAtOnce() {
    Gauge gauge = new Gauge();
    boolean parallel = parallelism() > 1;
    CountDownLatch firstTwo = new CountDownLatch(2);
    Flow<List<Integer>> flow =
        Flows.named("bounded-map")
            .returning(
                f -> {
                  var items = f.task("items", () -> IntStream.range(0, 12).boxed().toList());
                  return f.map(
                          "square",
                          items,
                          n -> {
                            gauge.enter();
                            try {
                              if (parallel && n < 2) {
                                firstTwo.countDown();
                                awaitInTask(firstTwo, "elements 0 and 1 running at once");
                              }
                              work();
                              return n * n;
                            } finally {
                              gauge.exit();
                            }
                          })
                      .maxParallel(2);
                });
    Sluice sluice = open();

    FlowRun run = sluice.run(flow);

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
    assertThat(gauge.peak())
        .as("the most elements running at once")
        .isBetween(1, Math.min(2, parallelism()));
    if (parallel) {
      assertThat(gauge.peak()).isEqualTo(2);
    }
  }

  /**
   * A sub-flow step runs the child flow as its own flow run, linked to the step's task run, and the
   * child's result flows on in the parent.
   */
  @Test
  public void aSubflowRunIsItsOwnFlowRunLinkedToItsParentStep() {
    Flow<Integer> child =
        Flows.named("child")
            .returning(
                f -> {
                  var n = f.param("n", Integer.class);
                  var doubled = f.task("double", n, x -> x * 2);
                  return f.task("plus-one", doubled, x -> x + 1);
                });
    Flow<Integer> parent =
        Flows.named("parent")
            .returning(
                f -> {
                  var seed = f.task("seed", () -> 20);
                  var sub = f.subflow("run-child", child).with("n", seed);
                  return f.task("report", sub, x -> x * 10);
                });
    Recorder recorder = new Recorder();
    Sluice sluice = open(b -> b.listener(recorder));

    FlowRun run = sluice.run(parent);

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
