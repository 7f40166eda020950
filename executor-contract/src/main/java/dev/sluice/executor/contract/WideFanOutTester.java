package dev.sluice.executor.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Sluice;
import dev.sluice.api.FlowRun;
import dev.sluice.api.State;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * A fan-out wider than the engine counts down on one thread, which an executor may share out.
 *
 * <p>Its flows are in {@link WideFanOutFlows}.
 */
abstract class WideFanOutTester extends ContractTester {

  WideFanOutTester(ExecutorContractSuite suite) {
    super(suite);
  }

  /**
   * A fan-out wider than one thread counts down alone (an executor may take shares of it through
   * {@code TaskExecutor.offload}): every branch runs exactly once, and the fan-in gets them all.
   */
  @Test
  void everyBranchOfAWideFanOutRunsOnce() throws Exception {
    int width = WideFanOutFlows.WIDE_WIDTH;
    Sluice sluice = open();

    FlowRun run = sluice.run(WideFanOutFlows.WIDE, probed());

    assertThat(run.state()).isEqualTo(State.COMPLETED);
    assertThat(run.result()).isEqualTo(width + width * (width - 1) / 2);
    assertThat(probe.ran())
        .containsExactlyInAnyOrderElementsOf(
            IntStream.range(0, width).mapToObj(i -> "branch-" + i).toList());
    assertThat(run.taskRuns()).hasSize(width + 2);
  }
}
