package dev.sluice.executor.contract;

import static dev.sluice.executor.contract.ContractFlows.named;
import static dev.sluice.executor.contract.ContractFlows.ran;
import static dev.sluice.executor.contract.ContractFlows.work;

import dev.sluice.Ref;
import dev.sluice.api.Flow;
import java.util.ArrayList;
import java.util.List;

/** The flows of {@link DependencyTester}. */
final class DependencyFlows {
  private DependencyFlows() {}

  static final Flow<String> CHAIN =
      named("chain")
          .returning(
              f -> {
                var p = f.param("probe", Probe.class);
                var a = f.task("a", p, probe -> ran(probe, "a", ""));
                var b = f.task("b", p, a, (probe, x) -> ran(probe, "b", x));
                var c = f.task("c", p, b, (probe, x) -> ran(probe, "c", x));
                return f.task("d", p, c, (probe, x) -> ran(probe, "d", x));
              });

  static final int FAN_WIDTH = 6;

  static final Flow<List<Integer>> FAN =
      named("fan")
          .returning(
              f -> {
                var p = f.param("probe", Probe.class);
                var source =
                    f.task(
                        "source",
                        p,
                        probe -> {
                          probe.ran("source");
                          return 10;
                        });
                List<Ref<Integer>> branches = new ArrayList<>();
                for (int i = 0; i < FAN_WIDTH; i++) {
                  int k = i;
                  branches.add(
                      f.task(
                          "branch-" + k,
                          p,
                          source,
                          (probe, x) -> {
                            probe.ran("branch-" + k);
                            Thread.sleep(FAN_WIDTH - k); // later branches tend to end first
                            return x + k;
                          }));
                }
                var gather = f.gather("gather", branches, values -> values);
                return f.task(
                    "gathered",
                    p,
                    gather,
                    (probe, values) -> {
                      probe.ran("gathered");
                      return values;
                    });
              });

  static final Flow<Integer> CONCURRENT =
      named("concurrent")
          .returning(
              f -> {
                var n = f.param("n", Integer.class);
                var doubled =
                    f.task(
                        "double",
                        n,
                        x -> {
                          work();
                          return x * 2;
                        });
                return f.task("plus-one", doubled, x -> x + 1);
              });

  static List<Flow<?>> flows() {
    return List.of(CHAIN, FAN, CONCURRENT);
  }
}
