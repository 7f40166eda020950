package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.api.Flow;
import dev.sluice.api.FlowFailedException;
import dev.sluice.api.FlowRun;
import dev.sluice.api.Outcome;
import dev.sluice.api.State;
import dev.sluice.api.StateType;
import dev.sluice.api.UpstreamFailedException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The rules of DESIGN.md "Edges and outcomes" and "The flow's final state". */
class FailurePropagationTest {
  private final Sluice sluice = Sluice.builder().executor("local").build();
  private final List<String> ran = Collections.synchronizedList(new ArrayList<>());

  @AfterEach
  void close() {
    sluice.close();
  }

  private Integer boom() {
    ran.add("boom");
    throw new IllegalStateException("boom");
  }

  @Test
  void downstreamOfAFailureIsNotReadyAndNeverRuns() {
    Flow<Void> flow =
        Flows.named("chain")
            .define(
                f -> {
                  var a = f.task("a", this::boom);
                  var b = f.task("b", a, x -> ran.add("b"));
                  var c = f.task("c", b, x -> ran.add("c"));
                  f.action("d", () -> ran.add("d")).waitFor(c);
                  f.action("independent", () -> ran.add("independent"));
                });

    FlowRun run = sluice.run(flow);

    assertThat(ran).containsExactly("boom", "independent");
    assertThat(run.taskRun("a").orElseThrow().state()).isInstanceOf(State.Failed.class);
    assertThat(run.taskRun("b").orElseThrow().state()).isEqualTo(new State.NotReady("a"));
    assertThat(run.taskRun("c").orElseThrow().state()).isEqualTo(new State.NotReady("b"));
    assertThat(run.taskRun("d").orElseThrow().state()).isEqualTo(new State.NotReady("c"));
    assertThat(run.taskRun("d").orElseThrow().attempts()).isZero();
    assertThat(run.taskRun("independent").orElseThrow().state()).isEqualTo(State.COMPLETED);
    assertThat(run.state())
        .isInstanceOfSatisfying(
            State.Failed.class,
            failed ->
                assertThat(failed.error())
                    .isInstanceOf(FlowFailedException.class)
                    .hasMessage(
                        "flow 'chain' failed: task 'a' Failed (IllegalStateException: boom)")
                    .hasCauseInstanceOf(IllegalStateException.class));
  }

  @Test
  void downstreamOfASkipIsSkipped() {
    Flow<Void> flow =
        Flows.named("skips")
            .define(
                f -> {
                  var a = f.task("a", () -> 1).onlyIf(f.task("no", () -> false));
                  var b = f.task("b", a, x -> x);
                  f.action("c", () -> ran.add("c")).waitFor(b);
                });

    FlowRun run = sluice.run(flow);

    assertThat(ran).isEmpty();
    assertThat(run.taskRun("b").orElseThrow().state())
        .isEqualTo(new State.Skipped("upstream 'a' was skipped"));
    assertThat(run.taskRun("c").orElseThrow().state())
        .isEqualTo(new State.Skipped("upstream 'b' was skipped"));
    assertThat(run.state()).isEqualTo(State.COMPLETED);
  }

  @Test
  void aFailureWinsOverASkipDownstream() {
    Flow<Void> flow =
        Flows.named("mixed")
            .define(
                f -> {
                  var skipped = f.task("skipped", () -> 1).onlyIf(f.task("no", () -> false));
                  var failed = f.task("failed", this::boom);
                  f.task("both", skipped, failed, (x, y) -> x + y);
                });

    FlowRun run = sluice.run(flow);

    assertThat(run.taskRun("both").orElseThrow().state()).isEqualTo(new State.NotReady("failed"));
  }

  @Test
  void anOutcomeEdgeHandsOverTheFailureAndHandlesIt() {
    List<Outcome<Integer>> seen = Collections.synchronizedList(new ArrayList<>());
    Flow<String> flow =
        Flows.named("fallback")
            .returning(
                f -> {
                  var data = f.task("data", this::boom);
                  return f.task(
                      "fallback",
                      data.outcome(),
                      o -> {
                        seen.add(o);
                        return o.isSuccess() ? "fresh" : "cached";
                      });
                });

    FlowRun run = sluice.run(flow);

    assertThat(run.state()).isEqualTo(State.COMPLETED);
    assertThat(run.result()).isEqualTo("cached");
    assertThat(seen)
        .singleElement()
        .isInstanceOfSatisfying(
            Outcome.Failure.class,
            failure -> {
              assertThat(failure.state()).isInstanceOf(State.Failed.class);
              assertThat(failure.error()).hasMessage("boom");
            });
    assertThat(run.taskRun("data").orElseThrow().state()).isInstanceOf(State.Failed.class);
  }

  @Test
  void anOutcomeOfANotReadyOrSkippedStepSaysWhy() {
    List<Outcome<?>> seen = Collections.synchronizedList(new ArrayList<>());
    Flow<Void> flow =
        Flows.named("why")
            .define(
                f -> {
                  var a = f.task("a", this::boom);
                  var b = f.task("b", a, x -> x);
                  var c = f.task("c", () -> 1).onlyIf(f.task("no", () -> false));
                  var d = f.task("d", () -> 2);
                  f.action(
                      "report",
                      b.outcome(),
                      c.outcome(),
                      d.outcome(),
                      (x, y, z) -> {
                        seen.add(x);
                        seen.add(y);
                        seen.add(z);
                      });
                });

    FlowRun run = sluice.run(flow);

    assertThat(seen.get(0))
        .isInstanceOfSatisfying(
            Outcome.Failure.class,
            o -> {
              assertThat(o.state()).isEqualTo(new State.NotReady("a"));
              assertThat(o.error())
                  .isInstanceOf(UpstreamFailedException.class)
                  .hasMessage("step 'b' did not run: upstream 'a' did not complete");
            });
    assertThat(seen.get(1)).isInstanceOf(Outcome.Skipped.class);
    assertThat(seen.get(2)).isEqualTo(Outcome.success(2));
    // a's failure is not handled: b takes its value through a normal edge.
    assertThat(run.state().type()).isEqualTo(StateType.FAILED);
  }

  @Test
  void anAllowedFailureDoesNotFailTheFlow() {
    Flow<Void> flow =
        Flows.named("optional")
            .define(
                f -> {
                  var optional = f.task("optional", this::boom).allowFailure();
                  f.task("after", optional, x -> x);
                  f.action("other", () -> ran.add("other"));
                });

    FlowRun run = sluice.run(flow);

    assertThat(run.state()).isEqualTo(State.COMPLETED);
    assertThat(run.taskRun("after").orElseThrow().state())
        .isEqualTo(new State.NotReady("optional"));
    assertThat(ran).containsExactly("boom", "other");
  }

  @Test
  void aFailedSinkIsNeverHandled() {
    Flow<Void> flow = Flows.named("sink").define(f -> f.task("sink", this::boom));

    assertThat(sluice.run(flow).state()).isInstanceOf(State.Failed.class);
  }

  @Test
  void aFailureWithOnlySomeOutcomeEdgesIsNotHandled() {
    Flow<Void> flow =
        Flows.named("half")
            .define(
                f -> {
                  var a = f.task("a", this::boom);
                  f.action("handler", a.outcome(), o -> ran.add("handler"));
                  f.action("consumer", a, x -> ran.add("consumer"));
                });

    FlowRun run = sluice.run(flow);

    assertThat(ran).containsExactly("boom", "handler");
    assertThat(run.state()).isInstanceOf(State.Failed.class);
  }

  @Test
  void anErrorCrashesTheTaskWithoutRetryAndFailsTheFlow() {
    Flow<Void> flow =
        Flows.named("errors")
            .define(
                f -> {
                  f.task("overflow", FailurePropagationTest::recurse).retries(3);
                  f.task(
                          "oom",
                          () -> {
                            ran.add("oom");
                            return new long[Integer.MAX_VALUE];
                          })
                      .retries(3);
                });

    FlowRun run = sluice.run(flow);

    assertThat(run.taskRun("overflow").orElseThrow().state())
        .isInstanceOfSatisfying(
            State.Crashed.class, c -> assertThat(c.error()).isInstanceOf(StackOverflowError.class));
    assertThat(run.taskRun("overflow").orElseThrow().attempts()).isEqualTo(1);
    assertThat(run.taskRun("oom").orElseThrow().state())
        .isInstanceOfSatisfying(
            State.Crashed.class, c -> assertThat(c.error()).isInstanceOf(OutOfMemoryError.class));
    assertThat(ran).containsExactly("oom");
    assertThat(run.state()).isInstanceOf(State.Failed.class);
  }

  @SuppressWarnings("InfiniteRecursion") // on purpose: it ends in the StackOverflowError wanted
  private static int recurse() {
    return recurse() + 1;
  }

  @Test
  void anErrorIsRetriedWhenRetryOnNamesIt() {
    int[] calls = {0};
    Flow<Integer> flow =
        Flows.named("retry-errors")
            .returning(
                f ->
                    f.task(
                            "flaky",
                            () -> {
                              if (++calls[0] < 3) {
                                throw new AssertionError("not yet");
                              }
                              return calls[0];
                            })
                        .retryPolicy(
                            dev.sluice.api.RetryPolicy.retries(5).retryOn(AssertionError.class)));

    FlowRun run = sluice.run(flow);

    assertThat(run.result()).isEqualTo(3);
    assertThat(run.taskRun("flaky").orElseThrow().attempts()).isEqualTo(3);
  }
}
