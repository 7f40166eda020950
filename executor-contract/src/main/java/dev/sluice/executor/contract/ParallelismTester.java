package dev.sluice.executor.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Sluice;
import dev.sluice.api.FlowRun;
import dev.sluice.api.State;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Parallelism: the executor runs as many attempts at once as it says, and never more.
 *
 * <p>Its flows are in {@link ParallelismFlows}.
 */
abstract class ParallelismTester extends ContractTester {

  ParallelismTester(ExecutorContractSuite suite) {
    super(suite);
  }

  /** The executor never runs more attempts at once than its parallelism. */
  @Test
  void noMoreThanParallelismAttemptsRunAtOnce() throws Exception {
    Sluice sluice = open();

    FlowRun run = sluice.run(ParallelismFlows.BOUNDED.of(parallelism()), probed());

    assertThat(run.state()).isEqualTo(State.COMPLETED);
    assertThat(run.taskRuns()).hasSize(3 * parallelism());
    assertThat(probe.peak("all"))
        .as("the most attempts running at once")
        .isBetween(1, parallelism());
  }

  /**
   * The executor does run {@code parallelism()} attempts at once: that many tasks, each waiting
   * until all of them have started, all complete.
   */
  @Test
  void parallelismAttemptsCanRunAtOnce() {
    Sluice sluice = open();

    FlowRun run = sluice.run(ParallelismFlows.SIDE_BY_SIDE.of(parallelism()), probed());

    assertThat(run.taskRuns())
        .hasSize(parallelism())
        .allSatisfy(t -> assertThat(t.state()).as(t.name()).isEqualTo(State.COMPLETED));
    assertThat(run.state()).isEqualTo(State.COMPLETED);
  }

  /**
   * The bound holds even when task code blocks on a {@link CompletableFuture} (as HTTP clients and
   * nested runs do): a pool that adds threads to make up for blocked ones must not run more
   * attempts at once than its parallelism.
   */
  @Test
  void noMoreThanParallelismAttemptsRunAtOnceEvenWhenTheyBlockOnAFuture() throws Exception {
    Sluice sluice = open();

    FlowRun run = sluice.run(ParallelismFlows.BOUNDED_BLOCKING.of(parallelism()), probed());

    assertThat(run.state()).isEqualTo(State.COMPLETED);
    assertThat(probe.peak("all"))
        .as("the most attempts running at once")
        .isBetween(1, parallelism());
  }
}
