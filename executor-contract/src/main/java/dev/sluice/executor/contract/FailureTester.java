package dev.sluice.executor.contract;

import static dev.sluice.executor.contract.ExecutorFeature.RUNS_ATTEMPTS_IN_THIS_JVM;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Sluice;
import dev.sluice.api.FlowFailedException;
import dev.sluice.api.FlowRun;
import dev.sluice.api.State;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Failures: a failed task's dependents never run, and an {@link Error} in task code crashes the
 * task without retry.
 *
 * <p>Its flows are in {@link FailureFlows}.
 */
abstract class FailureTester extends ContractTester {

  FailureTester(ExecutorContractSuite suite) {
    super(suite);
  }

  /**
   * A failed task's value-dependents (through data or wait-for edges, transitively) end NotReady
   * and never run; independent tasks still run; the flow fails naming the task.
   */
  @Test
  void aFailureMakesValueDependentsNotReadyNeverRunsThemAndFailsTheFlow() throws Exception {
    Sluice sluice = open();

    FlowRun run = sluice.run(FailureFlows.FAILING, probed());

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
   * dependents end NotReady, the flow Failed, and the run ends (no hang, no lost attempt).
   *
   * <p>When tasks run in worker processes ({@link
   * ExecutorFeature#RUNS_ATTEMPTS_IN_WORKER_PROCESSES}) the out-of-memory task is checked only for
   * its final state (Crashed) and its consequences, not for a single attempt: a JVM out of memory
   * is not fit to run anything else, so a worker runs with {@code -XX:+ExitOnOutOfMemoryError} and
   * the error ends the worker, which is a worker death — retried like a failure (DESIGN, "Crashed
   * attempts caused by a dead worker ... are retried like failures") — rather than an {@code Error}
   * in a live JVM. The {@code StackOverflowError} task, from which a JVM recovers, is checked in
   * full everywhere.
   */
  @Test
  void anErrorCrashesTheTaskWithoutRetryAndFailsTheFlow() throws Exception {
    Sluice sluice = open();

    FlowRun run = sluice.run(FailureFlows.ERRORS, probed());

    assertThat(task(run, "overflow").state())
        .isInstanceOfSatisfying(
            State.Crashed.class, s -> assertThat(s.error()).isInstanceOf(StackOverflowError.class));
    assertThat(task(run, "overflow").attempts()).isEqualTo(1);
    assertThat(probe.counted("overflow")).isEqualTo(1);
    assertThat(stateNames(task(run, "overflow"))).containsExactly("Pending", "Running", "Crashed");
    assertThat(task(run, "oom").state()).isInstanceOf(State.Crashed.class);
    if (has(RUNS_ATTEMPTS_IN_THIS_JVM)) {
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
}
