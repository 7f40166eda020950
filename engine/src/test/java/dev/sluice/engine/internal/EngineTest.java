package dev.sluice.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.api.Flow;
import dev.sluice.api.FlowFailedException;
import dev.sluice.api.FlowRun;
import dev.sluice.api.Outcome;
import dev.sluice.api.ParameterException;
import dev.sluice.api.RetryPolicy;
import dev.sluice.api.RunHandle;
import dev.sluice.api.State;
import dev.sluice.api.StateChange;
import dev.sluice.api.TaskRun;
import dev.sluice.api.TaskTimeoutException;
import dev.sluice.api.spi.Condition;
import dev.sluice.api.spi.FlowOptions;
import dev.sluice.api.spi.Input;
import dev.sluice.api.spi.Parameter;
import dev.sluice.api.spi.Step;
import dev.sluice.api.spi.TaskBody;
import dev.sluice.api.spi.TaskOptions;
import dev.sluice.api.spi.TaskStep;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** End-to-end runs of flows built without the DSL, on the local executor. */
class EngineTest {
  private Engine engine;

  @BeforeEach
  void createEngine() {
    engine = createEngine(false);
  }

  @AfterEach
  void closeEngine() {
    engine.close();
  }

  private static Engine createEngine(boolean retainResults) {
    return EngineComponent.create(
            new EngineConfiguration(
                null, null, List.of(), false, InstantSource.system(), Map.of(), retainResults))
        .engine();
  }

  // ---- building flows

  private static TaskStep<Object> task(String name, TaskBody body, Input... inputs) {
    return task(name, TaskOptions.DEFAULTS, body, inputs);
  }

  private static TaskStep<Object> task(
      String name, TaskOptions options, TaskBody body, Input... inputs) {
    return new TaskStep<>(name, Object.class, options, List.of(inputs), List.of(), null, body);
  }

  private static Flow<Object> flow(
      String name, List<Parameter<?>> parameters, @Nullable String result, Step<?>... steps) {
    return Flow.of(name, FlowOptions.DEFAULTS, parameters, List.of(steps), result);
  }

  private static List<String> stateNames(List<StateChange> history) {
    return history.stream().map(change -> change.state().name()).toList();
  }

  private static TaskRun taskRun(FlowRun run, String step) {
    return run.taskRun(step).orElseThrow();
  }

  // ---- tests

  @Test
  void defaultExecutorIsLocal() {
    assertThat(engine.executor().name()).isEqualTo("local");
  }

  @Test
  void linearChainPassesValuesAlong() {
    Flow<Object> chain =
        flow(
            "chain",
            List.of(),
            "c",
            task("a", args -> 1),
            task("b", args -> (Integer) args.get(0) + 1, Input.value("a")),
            task("c", args -> (Integer) args.get(0) * 10, Input.value("b")));

    FlowRun run = engine.run(chain, Map.of());

    assertThat(run.state()).isEqualTo(State.COMPLETED);
    assertThat(stateNames(run.history())).containsExactly("Pending", "Running", "Completed");
    assertThat(run.attempts()).isEqualTo(1);
    assertThat(run.result()).isEqualTo(20);
    assertThat(run.taskRuns()).extracting(TaskRun::name).containsExactly("a", "b", "c");
    for (TaskRun task : run.taskRuns()) {
      assertThat(task.state()).as(task.name()).isEqualTo(State.COMPLETED);
      assertThat(task.attempts()).as(task.name()).isEqualTo(1);
      assertThat(stateNames(task.history()))
          .as(task.name())
          .containsExactly("Pending", "Running", "Completed");
      assertThat(task.error()).isEmpty();
      assertThat(task.flowRunId()).isEqualTo(run.id());
    }
    assertThat(run.result("c", Integer.class)).isEqualTo(20);
  }

  @Test
  void intermediateResultsAreReleasedUnlessRetained() {
    Flow<Object> chain =
        flow(
            "chain",
            List.of(),
            "b",
            task("a", args -> "x"),
            task("b", args -> args.get(0) + "y", Input.value("a")));

    FlowRun released = engine.run(chain, Map.of());
    FlowRun retained;
    try (Engine retaining = createEngine(true)) {
      retained = retaining.run(chain, Map.of());
    }

    assertThat(taskRun(released, "a").hasResult()).isFalse();
    assertThatThrownBy(() -> taskRun(released, "a").result())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("keepResult");
    assertThat(released.result()).isEqualTo("xy");
    assertThat(taskRun(retained, "a").result()).isEqualTo("x");
    assertThat(retained.result()).isEqualTo("xy");
  }

  @Test
  void parameterFeedsATask() {
    Flow<Object> doubling =
        flow(
            "doubling",
            List.of(new Parameter<Integer>("n", Integer.class, true, null, "a number")),
            "double",
            task("double", args -> (Integer) args.get(0) * 2, Input.value("n")));

    FlowRun run = engine.run(doubling, Map.of("n", "21"));

    assertThat(run.state()).isEqualTo(State.COMPLETED);
    assertThat(run.result()).isEqualTo(42);
    assertThat(run.parameters()).containsExactly(Map.entry("n", 21));
  }

  @Test
  void parameterDefaultFeedsATask() {
    Flow<Object> greeting =
        flow(
            "greeting",
            List.of(new Parameter<>("msg", String.class, false, "Hello", "")),
            "greet",
            task("greet", args -> args.get(0) + ", world", Input.value("msg")));

    assertThat(engine.run(greeting, Map.of()).result()).isEqualTo("Hello, world");
    assertThat(engine.run(greeting, Map.of("msg", "Bye")).result()).isEqualTo("Bye, world");
  }

  @Test
  void badParametersAreRejectedBeforeAnythingRuns() {
    AtomicInteger calls = new AtomicInteger();
    Flow<Object> flow =
        flow(
            "strict",
            List.of(new Parameter<Integer>("n", int.class, true, null, "")),
            null,
            task("t", args -> calls.incrementAndGet(), Input.value("n")));

    assertThatThrownBy(() -> engine.run(flow, Map.of("m", 1)))
        .isInstanceOf(ParameterException.class)
        .hasMessageContaining("'n'")
        .hasMessageContaining("'m'");
    assertThat(calls).hasValue(0);
  }

  @Test
  void failedTaskMakesItsDownstreamNotReadyAndFailsTheFlow() {
    IllegalStateException boom = new IllegalStateException("boom");
    AtomicInteger downstreamCalls = new AtomicInteger();
    Flow<Object> flow =
        flow(
            "failing",
            List.of(),
            null,
            task(
                "a",
                args -> {
                  throw boom;
                }),
            task("b", args -> downstreamCalls.incrementAndGet(), Input.value("a")),
            task("c", args -> downstreamCalls.incrementAndGet(), Input.value("b")));

    FlowRun run = engine.run(flow, Map.of());

    assertThat(run.state()).isInstanceOf(State.Failed.class);
    assertThat(((State.Failed) run.state()).error())
        .isInstanceOf(FlowFailedException.class)
        .hasMessageContaining("'a'")
        .hasCause(boom);
    assertThatThrownBy(run::result).isInstanceOf(IllegalStateException.class);
    TaskRun a = taskRun(run, "a");
    assertThat(a.state()).isEqualTo(new State.Failed(boom));
    assertThat(a.attempts()).isEqualTo(1);
    assertThat(a.error()).containsSame(boom);
    assertThat(stateNames(a.history())).containsExactly("Pending", "Running", "Failed");
    assertThat(taskRun(run, "b").state()).isEqualTo(new State.NotReady("a"));
    assertThat(taskRun(run, "c").state()).isEqualTo(new State.NotReady("b"));
    assertThat(taskRun(run, "c").attempts()).isZero();
    assertThat(stateNames(taskRun(run, "c").history())).containsExactly("Pending", "NotReady");
    assertThat(downstreamCalls).hasValue(0);
  }

  @Test
  void retriesAFailingTaskUntilItSucceeds() {
    AtomicInteger attempts = new AtomicInteger();
    Flow<Object> flow =
        flow(
            "flaky",
            List.of(),
            "flaky",
            task(
                "flaky",
                TaskOptions.DEFAULTS.withRetryPolicy(RetryPolicy.retries(3)),
                args -> {
                  if (attempts.incrementAndGet() < 3) {
                    throw new IllegalStateException("attempt " + attempts.get());
                  }
                  return "ok";
                }));

    FlowRun run = engine.run(flow, Map.of());

    assertThat(run.state()).isEqualTo(State.COMPLETED);
    assertThat(run.result()).isEqualTo("ok");
    TaskRun flaky = taskRun(run, "flaky");
    assertThat(flaky.attempts()).isEqualTo(3);
    assertThat(stateNames(flaky.history()))
        .containsExactly(
            "Pending",
            "Running",
            "AwaitingRetry",
            "Retrying",
            "AwaitingRetry",
            "Retrying",
            "Completed");
  }

  @Test
  void delayedRetryRunsOnTheThreadWaitingForTheRun() {
    List<Thread> threads = Collections.synchronizedList(new ArrayList<>());
    Flow<Object> flow =
        flow(
            "delayed",
            List.of(),
            "t",
            task(
                "t",
                TaskOptions.DEFAULTS.withRetryPolicy(
                    RetryPolicy.retries(1).fixedDelay(Duration.ofMillis(20))),
                args -> {
                  threads.add(Thread.currentThread());
                  if (threads.size() == 1) {
                    throw new IllegalStateException("first attempt fails");
                  }
                  return "second";
                }));

    FlowRun run = engine.run(flow, Map.of());

    assertThat(run.result()).isEqualTo("second");
    assertThat(threads).containsExactly(Thread.currentThread(), Thread.currentThread());
  }

  @Test
  void exhaustedRetriesFailTheTask() {
    Flow<Object> flow =
        flow(
            "hopeless",
            List.of(),
            null,
            task(
                "t",
                TaskOptions.DEFAULTS.withRetryPolicy(RetryPolicy.retries(2)),
                args -> {
                  throw new IllegalStateException("never");
                }));

    FlowRun run = engine.run(flow, Map.of());

    assertThat(run.state()).isInstanceOf(State.Failed.class);
    assertThat(taskRun(run, "t").state()).isInstanceOf(State.Failed.class);
    assertThat(taskRun(run, "t").attempts()).isEqualTo(3);
  }

  @Test
  void errorThrownByATaskCrashesItWithoutRetry() {
    AtomicInteger attempts = new AtomicInteger();
    Flow<Object> flow =
        flow(
            "erroneous",
            List.of(),
            null,
            task(
                "t",
                TaskOptions.DEFAULTS.withRetryPolicy(RetryPolicy.retries(3)),
                args -> {
                  attempts.incrementAndGet();
                  throw new AssertionError("broken invariant");
                }));

    FlowRun run = engine.run(flow, Map.of());

    assertThat(taskRun(run, "t").state()).isInstanceOf(State.Crashed.class);
    assertThat(taskRun(run, "t").attempts()).isEqualTo(1);
    assertThat(attempts).hasValue(1);
    assertThat(run.state()).isInstanceOf(State.Failed.class);
  }

  @Test
  void outcomeEdgeHandsOverTheFailureAndTheFlowCompletes() {
    IllegalStateException boom = new IllegalStateException("boom");
    AtomicReference<Object> seen = new AtomicReference<>();
    Flow<Object> flow =
        flow(
            "handled",
            List.of(),
            "fallback",
            task(
                "a",
                args -> {
                  throw boom;
                }),
            task(
                "fallback",
                args -> {
                  seen.set(args.get(0));
                  return ((Outcome<?>) args.get(0)).orElse(null) == null ? "fallback" : "value";
                },
                Input.outcome("a")));

    FlowRun run = engine.run(flow, Map.of());

    assertThat(run.state()).isEqualTo(State.COMPLETED);
    assertThat(run.result()).isEqualTo("fallback");
    assertThat(taskRun(run, "a").state()).isInstanceOf(State.Failed.class);
    assertThat(seen.get()).isInstanceOf(Outcome.Failure.class);
    assertThat(((Outcome<?>) seen.get()).failure()).containsSame(boom);
  }

  @Test
  void outcomeEdgeHandsOverTheValueOnSuccess() {
    Flow<Object> flow =
        flow(
            "outcome",
            List.of(),
            "b",
            task("a", args -> 5),
            task("b", args -> args.get(0), Input.outcome("a")));

    FlowRun run = engine.run(flow, Map.of());

    assertThat(run.result()).isEqualTo(Outcome.success(5));
  }

  @Test
  void allowedFailureDoesNotFailTheFlow() {
    Flow<Object> flow =
        flow(
            "optional",
            List.of(),
            null,
            task(
                "optional",
                TaskOptions.DEFAULTS.withAllowFailure(true),
                args -> {
                  throw new IllegalStateException("optional step failed");
                }),
            task("after", args -> "never", Input.value("optional")),
            task("independent", args -> "ran"));

    FlowRun run = engine.run(flow, Map.of());

    assertThat(run.state()).isEqualTo(State.COMPLETED);
    assertThat(taskRun(run, "optional").state()).isInstanceOf(State.Failed.class);
    assertThat(taskRun(run, "after").state()).isEqualTo(new State.NotReady("optional"));
    assertThat(taskRun(run, "independent").state()).isEqualTo(State.COMPLETED);
  }

  @Test
  void falseConditionSkipsTheStepAndWhatNeedsIt() {
    AtomicInteger calls = new AtomicInteger();
    Flow<Object> flow =
        Flow.of(
            "conditional",
            FlowOptions.DEFAULTS,
            List.of(),
            List.<Step<?>>of(
                task("a", args -> 0),
                new TaskStep<>(
                    "b",
                    Object.class,
                    TaskOptions.DEFAULTS,
                    List.of(),
                    List.of(),
                    new Condition(Input.value("a"), v -> (Integer) v > 0, "a > 0"),
                    args -> calls.incrementAndGet()),
                task("c", args -> calls.incrementAndGet(), Input.value("b"))),
            null);

    FlowRun run = engine.run(flow, Map.of());

    assertThat(run.state()).isEqualTo(State.COMPLETED);
    assertThat(taskRun(run, "b").state()).isInstanceOf(State.Skipped.class);
    assertThat(taskRun(run, "b").state().message()).contains("a > 0");
    assertThat(taskRun(run, "c").state()).isInstanceOf(State.Skipped.class);
    assertThat(calls).hasValue(0);
  }

  @Test
  void diamondRunsEachStepOnceOnTheCallingThreadInBreadthFirstOrder() {
    List<String> order = Collections.synchronizedList(new ArrayList<>());
    Set<Thread> threads = Collections.synchronizedSet(new HashSet<>());
    Flow<Object> flow =
        flow(
            "diamond",
            List.of(),
            "d",
            task(
                "a",
                args -> {
                  order.add("a");
                  threads.add(Thread.currentThread());
                  return 2;
                }),
            task(
                "b",
                args -> {
                  order.add("b");
                  threads.add(Thread.currentThread());
                  return (Integer) args.get(0) + 1;
                },
                Input.value("a")),
            task(
                "c",
                args -> {
                  order.add("c");
                  threads.add(Thread.currentThread());
                  return (Integer) args.get(0) * 10;
                },
                Input.value("a")),
            task(
                "d",
                args -> {
                  order.add("d");
                  threads.add(Thread.currentThread());
                  return (Integer) args.get(0) + (Integer) args.get(1);
                },
                Input.value("b"),
                Input.value("c")));

    FlowRun run = engine.run(flow, Map.of());

    assertThat(run.result()).isEqualTo(23);
    assertThat(order).containsExactly("a", "b", "c", "d");
    assertThat(threads).containsExactly(Thread.currentThread());
  }

  @Test
  void aFlowCanRunManyTimes() {
    AtomicInteger counter = new AtomicInteger();
    Flow<Object> flow = flow("again", List.of(), "t", task("t", args -> counter.incrementAndGet()));

    FlowRun first = engine.run(flow, Map.of());
    FlowRun second = engine.run(flow, Map.of());

    assertThat(first.result()).isEqualTo(1);
    assertThat(second.result()).isEqualTo(2);
    assertThat(first.id()).isNotEqualTo(second.id());
  }

  @Test
  void runAndTaskRunIdsAreDistinctVersion7Ids() {
    Flow<Object> flow =
        flow("ids", List.of(), null, task("a", args -> 1), task("b", args -> 2, Input.value("a")));

    FlowRun run = engine.run(flow, Map.of());

    Set<UUID> ids = new HashSet<>();
    ids.add(run.id());
    run.taskRuns().forEach(t -> ids.add(t.id()));
    assertThat(ids).hasSize(3).allSatisfy(id -> assertThat(id.version()).isEqualTo(7));
  }

  @Test
  void emptyFlowCompletes() {
    FlowRun run = engine.run(flow("empty", List.of(), null), Map.of());

    assertThat(run.state()).isEqualTo(State.COMPLETED);
    assertThat(run.taskRuns()).isEmpty();
    assertThat(run.result()).isNull();
  }

  @Test
  void resultStepKeepsItsValueWhenItHasConsumers() {
    Flow<Object> flow =
        flow(
            "middle",
            List.of(),
            "b",
            task("a", args -> 1),
            task("b", args -> (Integer) args.get(0) + 1, Input.value("a")),
            task("c", args -> (Integer) args.get(0) + 1, Input.value("b")));

    FlowRun run = engine.run(flow, Map.of());

    assertThat(run.result()).isEqualTo(2);
    assertThat(taskRun(run, "b").result()).isEqualTo(2);
    assertThat(taskRun(run, "c").result()).isEqualTo(3);
  }

  @Test
  void flowRetryRerunsOnlyTheStepsThatDidNotComplete() {
    AtomicInteger aCalls = new AtomicInteger();
    AtomicInteger bCalls = new AtomicInteger();
    AtomicInteger cCalls = new AtomicInteger();
    Flow<Object> flow =
        Flow.of(
            "retried",
            FlowOptions.DEFAULTS.withRetryPolicy(RetryPolicy.retries(1)),
            List.of(),
            List.<Step<?>>of(
                task("a", args -> aCalls.incrementAndGet()),
                task(
                    "b",
                    args -> {
                      if (bCalls.incrementAndGet() == 1) {
                        throw new IllegalStateException("first run of b fails");
                      }
                      return (Integer) args.get(0) * 10;
                    },
                    Input.value("a")),
                task(
                    "c",
                    args -> {
                      cCalls.incrementAndGet();
                      return (Integer) args.get(0) + 1;
                    },
                    Input.value("b"))),
            "c");

    FlowRun run = engine.run(flow, Map.of());

    assertThat(run.state()).isEqualTo(State.COMPLETED);
    assertThat(run.attempts()).isEqualTo(2);
    assertThat(stateNames(run.history()))
        .containsExactly("Pending", "Running", "AwaitingRetry", "Retrying", "Completed");
    assertThat(run.result()).isEqualTo(11);
    assertThat(aCalls).hasValue(1);
    assertThat(bCalls).hasValue(2);
    assertThat(cCalls).hasValue(1);
    assertThat(taskRun(run, "a").state()).isEqualTo(State.COMPLETED);
    assertThat(taskRun(run, "b").state()).isEqualTo(State.COMPLETED);
    assertThat(stateNames(taskRun(run, "c").history()))
        .containsSubsequence("NotReady", "Pending", "Completed");
  }

  /** A sink taking the value of {@code width} parts; part {@code failing} fails its first run. */
  private static Flow<Object> wideFanIn(int width, int failing, FlowOptions options) {
    AtomicInteger failingCalls = new AtomicInteger();
    List<Step<?>> steps = new ArrayList<>();
    List<Input> inputs = new ArrayList<>();
    for (int k = 0; k < width; k++) {
      int part = k;
      steps.add(
          task(
              "part" + k,
              args -> {
                if (part == failing && failingCalls.incrementAndGet() == 1) {
                  throw new IllegalStateException("part " + part + " fails once");
                }
                return part;
              }));
      inputs.add(Input.value("part" + k));
    }
    steps.add(
        task(
            "sum",
            args -> {
              int sum = 0;
              for (int a = 0; a < args.size(); a++) {
                sum += (Integer) args.get(a);
              }
              return sum;
            },
            inputs.toArray(new Input[0])));
    return Flow.of("wide", options, List.of(), steps, "sum");
  }

  @Test
  void aWideFanInIsBlockedByTheUpstreamThatFailedWhateverItsBucket() {
    // 200 upstream edges: counted in fan-in buckets of 64; the failure is in the third bucket.
    FlowRun run = engine.run(wideFanIn(200, 150, FlowOptions.DEFAULTS), Map.of());

    assertThat(run.state()).isInstanceOf(State.Failed.class);
    assertThat(taskRun(run, "sum").state()).isEqualTo(new State.NotReady("part150"));
    assertThat(taskRun(run, "part199").state()).isEqualTo(State.COMPLETED);
  }

  @Test
  void aFlowRetryRunsAWideFanInAgainWithItsFailedUpstream() {
    FlowRun run =
        engine.run(
            wideFanIn(200, 70, FlowOptions.DEFAULTS.withRetryPolicy(RetryPolicy.retries(1))),
            Map.of());

    assertThat(run.state()).isEqualTo(State.COMPLETED);
    assertThat(run.attempts()).isEqualTo(2);
    assertThat(run.result()).isEqualTo(199 * 200 / 2);
  }

  @Test
  void aFlowRetryEndsWhenAStepWhoseDownstreamCompletedRunsAgain() {
    // 'x' fails, which 'seen' handles through an outcome edge and completes anyway; 'w' fails too,
    // so the flow is retried. In the retry 'x' has no downstream left to run: it is a terminal step
    // of the retried steps though not of the flow, and the run must still end when it does; and
    // 'seen', completed in the first attempt, must not run again when 'x' ends.
    AtomicInteger xCalls = new AtomicInteger();
    AtomicInteger seenCalls = new AtomicInteger();
    AtomicInteger wCalls = new AtomicInteger();
    Flow<Object> flow =
        Flow.of(
            "retried-terminal",
            FlowOptions.DEFAULTS.withRetryPolicy(RetryPolicy.retries(1)),
            List.of(),
            List.<Step<?>>of(
                task(
                    "x",
                    args -> {
                      if (xCalls.incrementAndGet() == 1) {
                        throw new IllegalStateException("first run of x fails");
                      }
                      return 1;
                    }),
                task("seen", args -> "seen" + seenCalls.incrementAndGet(), Input.outcome("x")),
                task(
                    "w",
                    args -> {
                      if (wCalls.incrementAndGet() == 1) {
                        throw new IllegalStateException("first run of w fails");
                      }
                      return 2;
                    })),
            null);

    FlowRun run = engine.start(flow, Map.of()).future().orTimeout(10, TimeUnit.SECONDS).join();

    assertThat(run.state()).isEqualTo(State.COMPLETED);
    assertThat(run.attempts()).isEqualTo(2);
    assertThat(xCalls).hasValue(2);
    assertThat(wCalls).hasValue(2);
    assertThat(taskRun(run, "seen").state()).isEqualTo(State.COMPLETED);
    assertThat(seenCalls).hasValue(1);
    assertThat(stateNames(taskRun(run, "seen").history()))
        .containsExactly("Pending", "Running", "Completed");
  }

  @Test
  void cancellingARunWhoseTaskWaitsForARetryCancelsItAndItsDownstream() {
    AtomicInteger calls = new AtomicInteger();
    Flow<Object> flow =
        flow(
            "patient",
            List.of(),
            null,
            task(
                "waits",
                TaskOptions.DEFAULTS.withRetryPolicy(
                    RetryPolicy.retries(1).fixedDelay(Duration.ofHours(1))),
                args -> {
                  calls.incrementAndGet();
                  throw new IllegalStateException("try again later");
                }),
            task("after", args -> calls.incrementAndGet(), Input.value("waits")));

    RunHandle handle = engine.start(flow, Map.of());

    // With the local executor the first attempt ran inside start(); the retry waits on the timer.
    assertThat(handle.future()).isNotDone();
    assertThat(handle.cancel("enough")).isTrue();
    FlowRun run = handle.await();

    assertThat(run.state()).isEqualTo(new State.Cancelled("enough"));
    assertThat(taskRun(run, "waits").state()).isInstanceOf(State.Cancelled.class);
    assertThat(stateNames(taskRun(run, "waits").history()))
        .containsExactly("Pending", "Running", "AwaitingRetry", "Cancelled");
    assertThat(taskRun(run, "after").state()).isInstanceOf(State.Cancelled.class);
    assertThat(calls).hasValue(1);
    assertThat(handle.cancel("again")).isFalse();
  }

  @Test
  void attemptOverItsTimeoutIsInterruptedAndEndsTimedOut() {
    Flow<Object> flow =
        flow(
            "slow",
            List.of(),
            null,
            task(
                "sleeper",
                TaskOptions.DEFAULTS.withTimeout(Duration.ofMillis(100)),
                args -> {
                  Thread.sleep(Duration.ofMinutes(5));
                  return "woke up";
                }),
            task("after", args -> "never", Input.value("sleeper")));

    FlowRun run = engine.run(flow, Map.of());

    assertThat(run.state()).isInstanceOf(State.Failed.class);
    assertThat(taskRun(run, "sleeper").state())
        .isEqualTo(new State.TimedOut(Duration.ofMillis(100)));
    assertThat(taskRun(run, "sleeper").error()).containsInstanceOf(TaskTimeoutException.class);
    assertThat(taskRun(run, "after").state()).isEqualTo(new State.NotReady("sleeper"));
    // The interrupt meant for the attempt must not leak to whatever this thread does next.
    assertThat(Thread.currentThread().isInterrupted()).isFalse();
  }

  @Test
  void millionStepChainCompletesWithoutDeepRecursion() {
    int n = 1_000_000;
    TaskBody next = args -> args.size() == 0 ? 0 : (Integer) args.get(0) + 1;
    List<Step<?>> steps = new ArrayList<>(n);
    steps.add(task("s0", next));
    for (int i = 1; i < n; i++) {
      steps.add(task("s" + i, next, Input.value("s" + (i - 1))));
    }
    Flow<Object> chain = Flow.of("million", FlowOptions.DEFAULTS, List.of(), steps, "s" + (n - 1));

    FlowRun run = engine.run(chain, Map.of());

    assertThat(run.state()).isEqualTo(State.COMPLETED);
    assertThat(run.result()).isEqualTo(n - 1);
    List<TaskRun> taskRuns = run.taskRuns();
    assertThat(taskRuns).hasSize(n);
    int completedOnce = 0;
    for (TaskRun t : taskRuns) {
      if (t.state().equals(State.COMPLETED) && t.attempts() == 1) {
        completedOnce++;
      }
    }
    assertThat(completedOnce).isEqualTo(n);
  }

  @Test
  void failureAtTheHeadOfALongChainMakesEveryLaterStepNotReady() {
    int n = 100_000;
    AtomicInteger calls = new AtomicInteger();
    List<Step<?>> steps = new ArrayList<>(n);
    steps.add(
        task(
            "s0",
            args -> {
              throw new IllegalStateException("head fails");
            }));
    for (int i = 1; i < n; i++) {
      steps.add(task("s" + i, args -> calls.incrementAndGet(), Input.value("s" + (i - 1))));
    }
    Flow<Object> chain = Flow.of("broken", FlowOptions.DEFAULTS, List.of(), steps, null);

    FlowRun run = engine.run(chain, Map.of());

    assertThat(run.state()).isInstanceOf(State.Failed.class);
    assertThat(((State.Failed) run.state()).error())
        .hasMessageContaining("'s0'")
        .hasMessageNotContaining("'s1'");
    assertThat(calls).hasValue(0);
    List<TaskRun> taskRuns = run.taskRuns();
    assertThat(taskRuns.get(0).state()).isInstanceOf(State.Failed.class);
    for (int i = 1; i < n; i++) {
      TaskRun t = taskRuns.get(i);
      if (!t.state().equals(new State.NotReady("s" + (i - 1))) || t.attempts() != 0) {
        throw new AssertionError("step s" + i + " ended " + t.state() + " after " + t.attempts());
      }
    }
  }
}
