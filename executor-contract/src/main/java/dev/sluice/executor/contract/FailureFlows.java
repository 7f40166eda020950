package dev.sluice.executor.contract;

import static dev.sluice.executor.contract.ContractFlows.named;
import static dev.sluice.executor.contract.ContractFlows.ran;

import dev.sluice.api.Flow;
import java.util.List;

/** The flows of {@link FailureTester}. */
final class FailureFlows {
  private FailureFlows() {}

  @SuppressWarnings("InfiniteRecursion") // on purpose: it ends in the StackOverflowError wanted
  private static int recurse(int depth) {
    return recurse(depth + 1) + 1;
  }

  static final Flow<Void> FAILING =
      named("failing")
          .define(
              f -> {
                var p = f.param("probe", Probe.class);
                var a =
                    f.<Probe, Integer>task(
                        "a",
                        p,
                        probe -> {
                          probe.ran("a");
                          throw new IllegalStateException("boom");
                        });
                var b = f.task("b", p, a, (probe, x) -> ran(probe, "b", ""));
                var c = f.task("c", p, b, (probe, x) -> ran(probe, "c", ""));
                f.action("d", p, probe -> probe.ran("d")).waitFor(c);
                f.action("independent", p, probe -> probe.ran("independent"));
              });

  static final Flow<Void> ERRORS =
      named("errors")
          .define(
              f -> {
                var p = f.param("probe", Probe.class);
                var overflow =
                    f.task(
                            "overflow",
                            p,
                            probe -> {
                              probe.count("overflow");
                              return recurse(0);
                            })
                        .retries(3);
                var oom =
                    f.task(
                            "oom",
                            p,
                            probe -> {
                              probe.count("oom");
                              return new long[Integer.MAX_VALUE].length;
                            })
                        .retries(3);
                f.task("after-overflow", p, overflow, (probe, x) -> probe.count("dependents"));
                f.task("after-oom", p, oom, (probe, x) -> probe.count("dependents"));
                f.task("independent", () -> "fine");
              });

  static List<Flow<?>> flows() {
    return List.of(FAILING, ERRORS);
  }
}
