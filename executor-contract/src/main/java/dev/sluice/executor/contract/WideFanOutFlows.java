package dev.sluice.executor.contract;

import static dev.sluice.executor.contract.ContractFlows.named;

import dev.sluice.Ref;
import dev.sluice.api.Flow;
import java.util.ArrayList;
import java.util.List;

/** The flows of {@link WideFanOutTester}. */
final class WideFanOutFlows {
  private WideFanOutFlows() {}

  /** More branches than the engine counts down on one thread: an executor may share them out. */
  static final int WIDE_WIDTH = 1_000;

  static final Flow<Integer> WIDE =
      named("wide")
          .returning(
              f -> {
                var p = f.param("probe", Probe.class);
                var source = f.task("source", () -> 1);
                List<Ref<Integer>> branches = new ArrayList<>();
                for (int i = 0; i < WIDE_WIDTH; i++) {
                  int k = i;
                  branches.add(
                      f.task(
                          "branch-" + k,
                          p,
                          source,
                          (probe, x) -> {
                            probe.ran("branch-" + k);
                            return x + k;
                          }));
                }
                return f.gather("sum", branches, values -> values.stream().mapToInt(v -> v).sum());
              });

  static List<Flow<?>> flows() {
    return List.of(WIDE);
  }
}
