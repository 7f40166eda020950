package dev.sluice.executor.contract;

import static dev.sluice.executor.contract.ContractFlows.work;

import dev.sluice.api.Flow;
import java.util.List;
import java.util.stream.IntStream;

/** The flows of {@link MapStepTester}. */
final class MapStepFlows {
  private MapStepFlows() {}

  /**
   * A map step of 12 elements with {@code maxParallel(2)}, by whether the executor runs attempts in
   * parallel: when it does, elements 0 and 1 wait for each other (the executor must run them side
   * by side).
   */
  static final FlowFamily<Boolean, List<Integer>> BOUNDED_MAP =
      FlowFamily.over(
          "bounded-map",
          List.of(true, false),
          parallel -> parallel ? "parallel" : "serial",
          (flow, parallel) ->
              flow.returning(
                  f -> {
                    var p = f.param("probe", Probe.class);
                    var items = f.task("items", () -> IntStream.range(0, 12).boxed().toList());
                    return f.map(
                            "square",
                            items,
                            p,
                            (n, probe) -> {
                              probe.enter("map");
                              try {
                                if (parallel && n < 2) {
                                  probe.count("first-two");
                                  probe.await("first-two", 2, "elements 0 and 1 running at once");
                                }
                                work();
                                return n * n;
                              } finally {
                                probe.exit("map");
                              }
                            })
                        .maxParallel(2);
                  }));

  static List<Flow<?>> flows() {
    return BOUNDED_MAP.listed();
  }
}
