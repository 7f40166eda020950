package dev.sluice.executor.threadpool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Flows;
import dev.sluice.Sluice;
import dev.sluice.api.Flow;
import dev.sluice.api.FlowRun;
import dev.sluice.api.RetryPolicy;
import dev.sluice.api.RunListener;
import dev.sluice.api.State;
import dev.sluice.api.StateType;
import dev.sluice.api.TaskRunEvent;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * User code the engine calls — retry conditions, listeners, hooks, conditions — that throws, on
 * both in-JVM executors: the run always ends, and what the code threw is handled where it was
 * called. Regression tests for runs that used to hang.
 */
// A separate thread, so a regression that hangs a run fails the test instead of hanging the build.
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CallbackFailuresTest {
  private final AtomicInteger calls = new AtomicInteger();

  private Flow<Void> alwaysFailing(String name, Function<RetryPolicy, RetryPolicy> policy) {
    return Flows.named(name)
        .define(
            f ->
                f.task(
                        "flaky",
                        () -> {
                          calls.incrementAndGet();
                          throw new IOException("down");
                        })
                    .retryPolicy(policy.apply(RetryPolicy.retries(3))));
  }

  private static Sluice sluice(String executor, RunListener... listeners) {
    Sluice.Builder builder = Sluice.builder().executor(executor).discoverListeners(false);
    for (RunListener listener : listeners) {
      builder.listener(listener);
    }
    return builder.build();
  }

  @ParameterizedTest
  @ValueSource(strings = {"local", "threadpool"})
  void aRetryOnConditionThatThrowsMeansNoRetry(String executor) {
    Flow<Void> flow =
        alwaysFailing(
            "retry-on-throws",
            p ->
                p.retryOn(
                    e -> {
                      throw new IllegalStateException("the condition itself is broken");
                    }));
    try (Sluice sluice = sluice(executor)) {
      FlowRun run = sluice.run(flow);
      assertThat(run.state().type()).isEqualTo(StateType.FAILED);
      assertThat(calls).hasValue(1);
      var task = run.taskRun("flaky").orElseThrow();
      assertThat(task.state().name()).isEqualTo("Failed");
      assertThat(task.attempts()).isEqualTo(1);
      assertThat(task.error().orElseThrow().getSuppressed())
          .anySatisfy(s -> assertThat(s).hasMessage("the condition itself is broken"));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"local", "threadpool"})
  void anAbortOnConditionThatThrowsMeansNoRetry(String executor) {
    Flow<Void> flow =
        alwaysFailing(
            "abort-on-throws",
            p ->
                p.abortOn(
                    e -> {
                      throw new AssertionError("broken too");
                    }));
    try (Sluice sluice = sluice(executor)) {
      FlowRun run = sluice.run(flow);
      assertThat(run.state().type()).isEqualTo(StateType.FAILED);
      assertThat(calls).hasValue(1);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"local", "threadpool"})
  void aListenerThatThrowsAnAssertionErrorIsIgnored(String executor) {
    RunListener broken =
        new RunListener() {
          @Override
          public void onTaskRunStateChanged(TaskRunEvent event) {
            throw new AssertionError("a test listener's failed assertion");
          }
        };
    Flow<Integer> flow =
        Flows.named("listened")
            .returning(
                f -> {
                  var one = f.task("one", () -> 1);
                  return f.task("two", one, x -> x + 1);
                });
    try (Sluice sluice = sluice(executor, broken)) {
      FlowRun run = sluice.run(flow);
      assertThat(run.state()).isEqualTo(State.COMPLETED);
      assertThat(run.result()).isEqualTo(2);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"local", "threadpool"})
  void aListenerThatOverflowsItsStackCrashesTheRunInsteadOfHangingIt(String executor) {
    RunListener broken =
        new RunListener() {
          @Override
          public void onTaskRunStateChanged(TaskRunEvent event) {
            if (event.state().name().equals("Running")) {
              throw new StackOverflowError("deep listener");
            }
          }
        };
    Flow<Void> flow = Flows.named("overflowing").define(f -> f.task("one", () -> 1));
    try (Sluice sluice = sluice(executor, broken)) {
      try {
        FlowRun run = sluice.start(flow, Map.of()).await();
        // With the local executor the error may surface on the caller; either way the run ended.
        assertThat(run.state().type()).isIn(StateType.CRASHED, StateType.COMPLETED);
      } catch (CompletionException | StackOverflowError e) {
        assertThat(e)
            .satisfiesAnyOf(
                x -> assertThat(x).hasRootCauseMessage("deep listener"),
                x -> assertThat(x).hasMessage("deep listener"));
      }
      assertThat(sluice.concurrencySlotsInUse().values()).allMatch(n -> n == 0);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"local", "threadpool"})
  void aFlowHookOrAConditionThatThrowsAnErrorDoesNotHangTheRun(String executor) {
    Flow<Void> flow =
        Flows.named("hooked")
            .onCompletion(
                run -> {
                  throw new AssertionError("hook");
                })
            .define(
                f -> {
                  var one = f.task("one", () -> 1);
                  f.task("two", one, x -> x + 1)
                      .onlyIf(
                          one,
                          x -> {
                            throw new AssertionError("condition");
                          });
                });
    try (Sluice sluice = sluice(executor)) {
      FlowRun run = sluice.run(flow);
      assertThat(run.taskRun("two").orElseThrow().state().name()).isEqualTo("Failed");
      assertThat(run.state().type()).isEqualTo(StateType.FAILED);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"local", "threadpool"})
  void aFlowRetryGivesEachTaskItsWholeRetryBudgetAgain(String executor) {
    for (int taskRetries : new int[] {1, 2}) {
      calls.set(0);
      Flow<Void> flow =
          Flows.named("budget-" + taskRetries)
              .retries(1)
              .define(
                  f ->
                      f.task(
                              "always fails",
                              () -> {
                                calls.incrementAndGet();
                                throw new IOException("down");
                              })
                          .retries(taskRetries)
                          .retryDelay(Duration.ZERO));
      try (Sluice sluice = sluice(executor)) {
        FlowRun run = sluice.run(flow);
        assertThat(run.state().type()).isEqualTo(StateType.FAILED);
        assertThat(run.attempts()).isEqualTo(2);
        // (1 + retries) calls in each of the flow's two attempts
        assertThat(calls).hasValue(2 * (1 + taskRetries));
        assertThat(run.taskRun("always fails").orElseThrow().attempts())
            .isEqualTo(2 * (1 + taskRetries));
      }
    }
  }
}
