package dev.sluice.executor.contract;

import static dev.sluice.executor.contract.ContractFlows.named;

import dev.sluice.api.Flow;
import java.util.List;

/** The flows of {@link SubflowTester}. */
final class SubflowFlows {
  private SubflowFlows() {}

  static final Flow<Integer> CHILD =
      named("child")
          .returning(
              f -> {
                var n = f.param("n", Integer.class);
                var doubled = f.task("double", n, x -> x * 2);
                return f.task("plus-one", doubled, x -> x + 1);
              });

  static final Flow<Integer> PARENT =
      named("parent")
          .returning(
              f -> {
                var seed = f.task("seed", () -> 20);
                var sub = f.subflow("run-child", CHILD).with("n", seed);
                return f.task("report", sub, x -> x * 10);
              });

  static List<Flow<?>> flows() {
    return List.of(PARENT);
  }
}
