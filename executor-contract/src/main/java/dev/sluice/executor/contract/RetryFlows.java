package dev.sluice.executor.contract;

import static dev.sluice.executor.contract.ContractFlows.named;
import static dev.sluice.executor.contract.ContractFlows.ran;

import dev.sluice.api.Flow;
import java.io.IOException;
import java.time.Duration;
import java.util.List;

/** The flows of {@link RetryTester}. */
final class RetryFlows {
  private RetryFlows() {}

  static final Flow<Void> EXHAUSTED =
      named("exhausted")
          .define(
              f -> {
                var p = f.param("probe", Probe.class);
                var flaky =
                    f.task(
                            "flaky",
                            p,
                            probe -> {
                              throw new IOException("down " + probe.count("calls"));
                            })
                        .retries(2)
                        .retryDelay(Duration.ofMillis(20));
                f.task("after", flaky, x -> x);
              });

  static final Flow<String> RECOVERS =
      named("recovers")
          .returning(
              f -> {
                var p = f.param("probe", Probe.class);
                var flaky =
                    f.task(
                            "flaky",
                            p,
                            probe -> {
                              int call = probe.count("calls");
                              if (call <= 2) {
                                throw new IOException("not yet");
                              }
                              return call;
                            })
                        .retries(4)
                        .retryDelay(Duration.ofMillis(20));
                return f.task("after", flaky, x -> "got " + x);
              });

  static final Flow<String> FLOW_RETRY =
      named("flow-retry")
          .retries(2)
          .retryDelay(Duration.ofMillis(10))
          .returning(
              f -> {
                var p = f.param("probe", Probe.class);
                var a = f.task("a", p, probe -> ran(probe, "a", ""));
                f.task(
                    "side",
                    p,
                    probe -> {
                      probe.ran("side");
                      return 1;
                    });
                var b =
                    f.task(
                        "b",
                        p,
                        a,
                        (probe, x) -> {
                          probe.ran("b");
                          if (probe.count("b") < 2) {
                            throw new IOException("b failed");
                          }
                          return x + "b";
                        });
                return f.task("c", p, b, (probe, x) -> ran(probe, "c", x));
              });

  static List<Flow<?>> flows() {
    return List.of(EXHAUSTED, RECOVERS, FLOW_RETRY);
  }
}
