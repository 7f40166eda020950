package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.api.Flow;
import dev.sluice.api.FlowRun;
import dev.sluice.api.Outcome;
import dev.sluice.api.State;
import dev.sluice.api.TypeRef;
import dev.sluice.api.executor.Attempt;
import dev.sluice.api.executor.AttemptInvoker;
import dev.sluice.api.executor.TaskExecutor;
import dev.sluice.api.spi.FlowOptions;
import dev.sluice.api.spi.Input;
import dev.sluice.api.spi.MapStep;
import dev.sluice.api.spi.Parameter;
import dev.sluice.api.spi.TaskOptions;
import dev.sluice.api.spi.TaskStep;
import java.io.IOException;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The executor SPI for bodies that run elsewhere: an attempt describes its call (step, map index,
 * arguments with their declared types and sources, result type), and {@code run(invoker)} runs it
 * through the engine — states, retries, timeouts, cancellation — with the invoker's answer as the
 * body's. The executor here stands in for a remote one: it never calls the task bodies.
 */
class AttemptInvokerTest {

  /** Runs each attempt on a virtual thread, answering with the invoker it was given. */
  private record InvokingExecutor(AttemptInvoker invoker, List<Flow<?>> checked)
      implements TaskExecutor {
    @Override
    public String name() {
      return "invoking";
    }

    @Override
    public void execute(Attempt attempt) {
      Thread.ofVirtual().start(() -> attempt.run(invoker));
    }

    @Override
    public void check(Flow<?> flow) {
      checked.add(flow);
      if (flow.name().equals("refused")) {
        throw new IllegalArgumentException("flow 'refused' cannot run here");
      }
    }

    @Override
    public void close() {}
  }

  private static final Type LIST_OF_INTEGERS = new TypeRef<List<Integer>>() {}.type();

  /** n (Integer) -> items (List<Integer>) -> square (map, Long), plus an outcome of items. */
  private static Flow<Object> typedFlow(TaskOptions squareOptions) {
    return Flow.of(
        "typed",
        FlowOptions.DEFAULTS,
        List.of(new Parameter<>("n", Integer.class, true, null, "")),
        List.of(
            new TaskStep<>(
                "items",
                LIST_OF_INTEGERS,
                TaskOptions.DEFAULTS,
                List.of(Input.value("n")),
                List.of(),
                null,
                args -> {
                  throw new AssertionError("bodies never run on this executor");
                }),
            new MapStep<Long>(
                "square",
                Long.class,
                squareOptions,
                Input.value("items"),
                List.of(Input.outcome("n")),
                List.of(),
                null,
                args -> {
                  throw new AssertionError("bodies never run on this executor");
                },
                Integer.MAX_VALUE)),
        "square");
  }

  @Test
  void anAttemptDescribesItsCallAndTheInvokersAnswerIsTheResult() {
    List<String> calls = Collections.synchronizedList(new ArrayList<>());
    AttemptInvoker invoker =
        attempt -> {
          StringBuilder call =
              new StringBuilder(
                  attempt.flowName()
                      + " "
                      + attempt.stepName()
                      + " "
                      + attempt.taskName()
                      + " #"
                      + attempt.mapIndex()
                      + " -> "
                      + attempt.resultType().getTypeName()
                      + ":");
          for (int i = 0; i < attempt.arguments().size(); i++) {
            call.append(' ')
                .append(attempt.argumentSource(i))
                .append('=')
                .append(attempt.argumentType(i).getTypeName())
                .append(attempt.argumentIsOutcome(i) ? "(outcome)" : "");
          }
          calls.add(call.toString());
          if (attempt.stepName().equals("items")) {
            return List.of(1, 2, 3);
          }
          int element = (Integer) attempt.arguments().get(0);
          int n = (Integer) ((Outcome<?>) attempt.arguments().get(1)).value();
          return (long) element * element + n;
        };
    List<Flow<?>> checked = new ArrayList<>();
    try (Sluice sluice =
        Sluice.builder().executor(new InvokingExecutor(invoker, checked)).build()) {
      Flow<Object> flow = typedFlow(TaskOptions.DEFAULTS);

      FlowRun run = sluice.run(flow, Map.of("n", 10));
      sluice.run(flow, Map.of("n", 10));

      assertThat(run.state()).isEqualTo(State.COMPLETED);
      assertThat(run.result()).isEqualTo(List.of(11L, 14L, 19L));
      assertThat(checked).containsExactly(flow); // once, before the first run
    }
    assertThat(calls)
        .contains(
            "typed items items #-1 -> java.util.List<java.lang.Integer>: n=java.lang.Integer",
            "typed square square[1] #1 -> java.lang.Long: items=java.lang.Integer"
                + " n=java.lang.Integer(outcome)");
  }

  @Test
  void aFlowTheExecutorRefusesFailsBeforeAnythingRuns() {
    List<String> invoked = Collections.synchronizedList(new ArrayList<>());
    try (Sluice sluice =
        Sluice.builder()
            .executor(
                new InvokingExecutor(attempt -> invoked.add(attempt.taskName()), new ArrayList<>()))
            .build()) {
      Flow<Void> refused = Flows.named("refused").define(f -> f.task("a", () -> 1));

      assertThatThrownBy(() -> sluice.run(refused))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("flow 'refused' cannot run here");
      assertThat(invoked).isEmpty();
    }
  }

  @Test
  void whatTheInvokerThrowsFailsTheAttemptAndTheRetryPolicyApplies() {
    List<Integer> attempts = Collections.synchronizedList(new ArrayList<>());
    AttemptInvoker invoker =
        attempt -> {
          if (attempt.stepName().equals("items")) {
            return List.of(4);
          }
          attempts.add(attempt.number());
          if (attempt.number() < 3) {
            throw new IOException("remote failure " + attempt.number());
          }
          return 16L;
        };
    try (Sluice sluice =
        Sluice.builder().executor(new InvokingExecutor(invoker, new ArrayList<>())).build()) {
      FlowRun run =
          sluice.run(
              typedFlow(
                  TaskOptions.DEFAULTS.withRetryPolicy(
                      dev.sluice.api.RetryPolicy.retries(2).retryOn(IOException.class))),
              Map.of("n", 1));

      assertThat(run.result()).isEqualTo(List.of(16L));
      assertThat(attempts).containsExactly(1, 2, 3);
      assertThat(run.taskRun("square").orElseThrow().elements().get(0).attempts()).isEqualTo(3);
    }
  }

  @Test
  void aTimeoutInterruptsTheThreadInTheInvokerAndEndsTheAttemptTimedOut() throws Exception {
    CountDownLatch interrupted = new CountDownLatch(1);
    AttemptInvoker invoker =
        attempt -> {
          if (attempt.stepName().equals("items")) {
            return List.of(1);
          }
          try {
            Thread.sleep(60_000);
          } catch (InterruptedException e) {
            interrupted.countDown(); // a remote executor kills its worker here
            throw e;
          }
          return 1L;
        };
    try (Sluice sluice =
        Sluice.builder().executor(new InvokingExecutor(invoker, new ArrayList<>())).build()) {
      FlowRun run =
          sluice.run(
              typedFlow(TaskOptions.DEFAULTS.withTimeout(Duration.ofMillis(100))), Map.of("n", 1));

      assertThat(run.taskRun("square").orElseThrow().elements().get(0).state())
          .isEqualTo(new State.TimedOut(Duration.ofMillis(100)));
      assertThat(interrupted.await(10, TimeUnit.SECONDS)).isTrue();
    }
  }
}
