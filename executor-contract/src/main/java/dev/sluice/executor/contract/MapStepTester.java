package dev.sluice.executor.contract;

import static dev.sluice.executor.contract.ExecutorFeature.RUNS_ATTEMPTS_IN_PARALLEL;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Sluice;
import dev.sluice.api.FlowRun;
import dev.sluice.api.State;
import dev.sluice.api.TaskRun;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Map steps: one task run per element, bounded by {@code maxParallel}, gathered in element order.
 *
 * <p>Its flows are in {@link MapStepFlows}.
 */
abstract class MapStepTester extends ContractTester {

  MapStepTester(ExecutorContractSuite suite) {
    super(suite);
  }

  /**
   * A map step with {@code maxParallel(2)} never runs more than two elements at once (on a parallel
   * executor, the first two do run side by side), and gathers results in element order.
   */
  @Test
  void aMapStepRunsAtMostMaxParallelElementsAtOnce() throws Exception {
    boolean parallel = has(RUNS_ATTEMPTS_IN_PARALLEL);
    Sluice sluice = open();

    FlowRun run = sluice.run(MapStepFlows.BOUNDED_MAP.of(parallel), probed());

    assertThat(run.state()).isEqualTo(State.COMPLETED);
    assertThat(run.result()).isEqualTo(IntStream.range(0, 12).map(n -> n * n).boxed().toList());
    TaskRun map = task(run, "square");
    assertThat(map.elements())
        .hasSize(12)
        .allSatisfy(
            e -> {
              assertThat(e.state()).isEqualTo(State.COMPLETED);
              assertThat(e.attempts()).isEqualTo(1);
            });
    assertThat(map.elements()).extracting(TaskRun::name).startsWith("square[0]", "square[1]");
    assertThat(probe.peak("map"))
        .as("the most elements running at once")
        .isBetween(1, Math.min(2, parallelism()));
    if (parallel) {
      assertThat(probe.peak("map")).isEqualTo(2);
    }
  }
}
