package dev.sluice.executor.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Sluice;
import dev.sluice.api.FlowRun;
import dev.sluice.api.State;
import org.junit.jupiter.api.Test;

/**
 * The flow's final state: a failure fails the flow unless it was allowed or handled by outcome
 * edges only.
 *
 * <p>Its flows are in {@link FinalStateFlows}.
 */
abstract class FinalStateTester extends ContractTester {

  FinalStateTester(ExecutorContractSuite suite) {
    super(suite);
  }

  /** An allowed failure does not fail the flow; what it blocks still ends NotReady. */
  @Test
  void anAllowedFailureDoesNotFailTheFlow() throws Exception {
    Sluice sluice = open();

    FlowRun run = sluice.run(FinalStateFlows.OPTIONAL, probed());

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
  void aFailureHandledByOutcomeEdgesDoesNotFailTheFlow() {
    Sluice sluice = open(Sluice.Builder::retainResults);

    FlowRun run = sluice.run(FinalStateFlows.HANDLED);

    assertThat(task(run, "data").state()).isInstanceOf(State.Failed.class);
    assertThat(run.result("alert", String.class)).isEqualTo("failure: source down");
    assertThat(run.result()).isEqualTo("cached after failure: source down");
    assertThat(run.state()).isEqualTo(State.COMPLETED);
  }

  /** A failed sink has no edge to handle it, so it fails the flow. */
  @Test
  void aFailedSinkIsNeverHandledAndFailsTheFlow() {
    Sluice sluice = open();

    FlowRun run = sluice.run(FinalStateFlows.SINK);

    assertThat(task(run, "sink").state()).isInstanceOf(State.Failed.class);
    assertThat(run.state())
        .isInstanceOfSatisfying(
            State.Failed.class,
            s -> assertThat(s.error()).hasMessageContaining("task 'sink' Failed"));
  }

  /** A failure with a value edge besides its outcome edges is not handled: the flow fails. */
  @Test
  void aFailureWithAValueEdgeBesidesOutcomeEdgesFailsTheFlow() throws Exception {
    Sluice sluice = open();

    FlowRun run = sluice.run(FinalStateFlows.HALF_HANDLED, probed());

    assertThat(probe.ran()).containsExactly("handler");
    assertThat(task(run, "consumer").state()).isEqualTo(new State.NotReady("a"));
    assertThat(run.state())
        .isInstanceOfSatisfying(
            State.Failed.class, s -> assertThat(s.error()).hasMessageContaining("task 'a'"));
  }
}
