package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.api.Flow;
import dev.sluice.api.FlowRun;
import dev.sluice.api.FlowValidationException;
import dev.sluice.api.State;
import dev.sluice.api.StateType;
import dev.sluice.api.TaskRun;
import dev.sluice.api.TaskTimeoutException;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SubflowTest {
  private final Sluice sluice = Sluice.builder().executor("local").build();

  @AfterEach
  void close() {
    sluice.close();
  }

  private static final Flow<String> GREET =
      Flows.named("greet")
          .returning(
              f -> {
                var name = f.param("name", String.class);
                var punctuation = f.param("punctuation", String.class).withDefault("!");
                return f.task("greeting", name, punctuation, (n, p) -> "Hello, " + n + p);
              });

  @Test
  void aSubflowRunsAsItsOwnLinkedFlowRunAndReturnsItsResult() {
    Flow<Integer> parent =
        Flows.named("parent")
            .returning(
                f -> {
                  var who = f.task("who", () -> "Ada");
                  var greeting =
                      f.subflow("greet Ada", GREET).with("name", who).with("punctuation", "?");
                  return f.task("length", greeting, String::length);
                });

    FlowRun run = sluice.run(parent);

    assertThat(run.result()).isEqualTo("Hello, Ada?".length());
    TaskRun step = run.taskRun("greet Ada").orElseThrow();
    assertThat(step.state()).isEqualTo(State.COMPLETED);
    FlowRun child = step.subflowRun().orElseThrow();
    assertThat(child.flowName()).isEqualTo("greet");
    assertThat(child.id()).isNotEqualTo(run.id());
    assertThat(child.parentTaskRunId()).contains(step.id());
    assertThat(child.parameters()).containsEntry("name", "Ada").containsEntry("punctuation", "?");
    assertThat(child.taskRun("greeting").orElseThrow().result()).isEqualTo("Hello, Ada?");
    assertThat(run.parentTaskRunId()).isEmpty();
  }

  @Test
  void aSubflowStepsTimeoutCancelsItsChildAndTimesTheStepOut() {
    AtomicInteger calls = new AtomicInteger();
    Flow<Integer> slow =
        Flows.named("slow-child")
            .returning(
                f ->
                    f.task(
                        "sleeps",
                        () -> {
                          calls.incrementAndGet();
                          Thread.sleep(10_000); // interrupted when the child run is cancelled
                          return 1;
                        }));
    Flow<Integer> parent =
        Flows.named("impatient-parent")
            .returning(f -> f.subflow("child", slow).timeout(Duration.ofMillis(100)).retries(1));

    for (Sluice on : List.of(sluice, Sluice.builder().executor(new PoolExecutor(4)).build())) {
      calls.set(0);
      FlowRun run = on.run(parent);

      TaskRun step = run.taskRun("child").orElseThrow();
      assertThat(step.state()).isInstanceOf(State.TimedOut.class);
      assertThat(step.attempts()).isEqualTo(2);
      assertThat(calls).hasValue(2);
      assertThat(step.error().orElseThrow()).isInstanceOf(TaskTimeoutException.class);
      assertThat(step.subflowRun().orElseThrow().state().name()).isEqualTo("Cancelled");
      assertThat(run.state().type()).isEqualTo(StateType.FAILED);
      if (on != sluice) {
        on.close();
      }
    }
  }

  @Test
  void aFailedSubflowFailsItsStepAndRetriesReRunTheChild() {
    AtomicInteger calls = new AtomicInteger();
    Flow<Integer> flaky =
        Flows.named("flaky-child")
            .returning(
                f ->
                    f.task(
                        "once",
                        () -> {
                          if (calls.incrementAndGet() == 1) {
                            throw new IOException("first call fails");
                          }
                          return calls.get();
                        }));
    Flow<Integer> parent =
        Flows.named("retrying-parent").returning(f -> f.subflow("child", flaky).retries(1));

    FlowRun run = sluice.run(parent);

    TaskRun step = run.taskRun("child").orElseThrow();
    assertThat(run.result()).isEqualTo(2);
    assertThat(step.attempts()).isEqualTo(2);
    assertThat(step.history().stream().map(c -> c.state().name()))
        .containsExactly("Pending", "Running", "AwaitingRetry", "Retrying", "Completed");
    assertThat(step.subflowRun().orElseThrow().state()).isEqualTo(State.COMPLETED);
  }

  @Test
  void aSubflowFailureNamesTheChildTask() {
    Flow<Integer> broken =
        Flows.named("broken")
            .returning(
                f ->
                    f.task(
                        "explode",
                        () -> {
                          throw new IOException("kaput");
                        }));
    Flow<Integer> parent = Flows.named("p").returning(f -> f.subflow("run broken", broken));

    FlowRun run = sluice.run(parent);

    assertThat(run.state()).isInstanceOf(State.Failed.class);
    assertThat(run.taskRun("run broken").orElseThrow().error().orElseThrow())
        .hasMessageContaining("flow 'broken' failed: task 'explode' Failed (IOException: kaput)");
  }

  @Test
  void bindingsAreCheckedWhenTheParentIsBuilt() {
    assertThatThrownBy(
            () ->
                Flows.named("bad-binding")
                    .returning(f -> f.subflow("greet", GREET).with("nmae", "Ada")))
        .isInstanceOfSatisfying(
            FlowValidationException.class,
            e ->
                assertThat(e.problems())
                    .containsExactly(
                        "sub-flow step 'greet' binds 'nmae', which is not a parameter of flow 'greet'"
                            + " (it has [name, punctuation])",
                        "sub-flow step 'greet' does not bind the required parameter 'name' of flow"
                            + " 'greet'"));
  }

  @Test
  void aBoundValueThatCannotBeCoercedFailsTheStep() {
    Flow<Integer> typed =
        Flows.named("typed").returning(f -> f.task("echo", f.param("n", int.class), n -> n));
    Flow<Integer> parent =
        Flows.named("caller").returning(f -> f.subflow("call", typed).with("n", "seven"));

    FlowRun run = sluice.run(parent);

    assertThat(run.taskRun("call").orElseThrow().error().orElseThrow())
        .hasMessageContaining("invalid parameters for flow 'typed'")
        .hasMessageContaining("parameter 'n' (int) cannot take \"seven\"");
  }
}
