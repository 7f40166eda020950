package dev.sluice.executor.contract;

import static dev.sluice.executor.contract.ExecutorFeature.RUNS_ATTEMPTS_IN_THIS_JVM;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Sluice;
import dev.sluice.api.FlowRun;
import dev.sluice.api.State;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A task that runs another flow on the same Sluice and waits for it. The Sluice is an object of
 * this JVM, which code in another process cannot reach: executors whose task code runs in this JVM
 * only.
 *
 * <p>Its flows are in {@link NestedRunFlows}.
 */
@ExecutorFeature.Require(RUNS_ATTEMPTS_IN_THIS_JVM)
abstract class NestedRunTester extends ContractTester {

  NestedRunTester(ExecutorContractSuite suite) {
    super(suite);
  }

  @AfterEach
  final void unshareTheSluice() {
    if (probe != null) {
      NestedRunFlows.unshare(probe);
    }
  }

  /**
   * A task may run another flow on the same Sluice and wait for it; the executor runs the inner
   * flow's attempts (the local executor on the waiting thread itself) instead of deadlocking.
   * Executors whose tasks run in this JVM only.
   */
  @Test
  void aTaskCanRunAnotherFlowOnTheSameSluiceAndWaitForIt() throws Exception {
    Sluice sluice = open();
    NestedRunFlows.share(probe, sluice);

    FlowRun run = await(runOnAnotherThread(sluice, NestedRunFlows.OUTER), "the outer run's end");

    assertThat(run.state()).isEqualTo(State.COMPLETED);
    assertThat(run.result()).isEqualTo(7);
  }
}
