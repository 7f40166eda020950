package dev.sluice.executor.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Sluice;
import dev.sluice.api.FlowRun;
import dev.sluice.api.State;
import dev.sluice.api.TaskRun;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Retries of tasks and of flows: attempts, the states between them, and what the last one leaves.
 *
 * <p>Its flows are in {@link RetryFlows}.
 */
abstract class RetryTester extends ContractTester {

  RetryTester(ExecutorContractSuite suite) {
    super(suite);
  }

  /**
   * A task that keeps failing with {@code retries(k)} and a delay makes exactly k+1 attempts, each
   * failed one followed by AwaitingRetry and the next one Retrying, and ends Failed with the last
   * attempt's error.
   */
  @Test
  void aTaskOutOfRetriesMadeRetriesPlusOneAttemptsThroughAwaitingRetryAndRetrying()
      throws Exception {
    Sluice sluice = open();

    FlowRun run = sluice.run(RetryFlows.EXHAUSTED, probed());

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
  void aTaskThatSucceedsOnARetryCompletesAndPassesItsValueOn() throws Exception {
    Sluice sluice = open();

    FlowRun run = sluice.run(RetryFlows.RECOVERS, probed());

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
  void aFlowRetryReRunsOnlyWhatDidNotComplete() throws Exception {
    Sluice sluice = open();

    FlowRun run = sluice.run(RetryFlows.FLOW_RETRY, probed());

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
}
