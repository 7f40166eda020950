package dev.sluice.executor.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Sluice;
import dev.sluice.api.FlowRun;
import dev.sluice.api.State;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Results and order: a chain runs in dependency order, a fan-out hands every branch the source's
 * result and the fan-in every branch's, and concurrent runs of one Sluice keep their own results.
 *
 * <p>Its flows are in {@link DependencyFlows}.
 */
abstract class DependencyTester extends ContractTester {

  DependencyTester(ExecutorContractSuite suite) {
    super(suite);
  }

  /** A chain runs its tasks one after another, each taking its upstream's result. */
  @Test
  void resultsFlowAlongAChainInDependencyOrder() throws Exception {
    Sluice sluice = open(Sluice.Builder::retainResults);

    FlowRun run = sluice.run(DependencyFlows.CHAIN, probed());

    assertThat(run.state()).isEqualTo(State.COMPLETED);
    assertThat(run.result()).isEqualTo("abcd");
    assertThat(probe.ran()).containsExactly("a", "b", "c", "d");
    assertThat(run.result("b", String.class)).isEqualTo("ab");
    assertThat(run.taskRuns())
        .allSatisfy(
            t -> {
              assertThat(stateNames(t)).containsExactly("Pending", "Running", "Completed");
              assertThat(t.attempts()).isEqualTo(1);
            });
  }

  /**
   * Every branch of a fan-out gets the source's result, and the fan-in gets every branch's result,
   * in the order given (not the order the branches ended), after all of them ran.
   */
  @Test
  void resultsFlowThroughAFanOutAndFanIn() throws Exception {
    int width = DependencyFlows.FAN_WIDTH;
    Sluice sluice = open();

    FlowRun run = sluice.run(DependencyFlows.FAN, probed());

    assertThat(run.state()).isEqualTo(State.COMPLETED);
    assertThat(run.result()).isEqualTo(List.of(10, 11, 12, 13, 14, 15));
    List<String> ran = probe.ran();
    assertThat(ran).hasSize(width + 2).startsWith("source").endsWith("gathered");
    assertThat(ran.subList(1, width + 1))
        .containsExactlyInAnyOrderElementsOf(
            IntStream.range(0, width).mapToObj(i -> "branch-" + i).toList());
    assertThat(run.taskRuns()).allSatisfy(t -> assertThat(t.attempts()).isEqualTo(1));
  }

  /** The executor serves several runs of one Sluice at once, each with its own results. */
  @Test
  void concurrentRunsOnOneSluiceEachGetTheirOwnResults() throws Exception {
    Sluice sluice = open();
    List<CompletableFuture<FlowRun>> runs = new ArrayList<>();
    for (int n = 0; n < 8; n++) {
      runs.add(runOnAnotherThread(sluice, DependencyFlows.CONCURRENT, Map.of("n", n)));
    }

    for (int i = 0; i < runs.size(); i++) {
      FlowRun run = await(runs.get(i), "run " + i);
      assertThat(run.state()).isEqualTo(State.COMPLETED);
      assertThat(run.result()).isEqualTo(2 * i + 1);
      assertThat(run.parameters()).containsEntry("n", i);
    }
    assertThat(runs.stream().map(r -> r.join().id()).distinct()).hasSize(runs.size());
  }
}
