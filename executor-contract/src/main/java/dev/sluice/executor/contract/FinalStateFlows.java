package dev.sluice.executor.contract;

import static dev.sluice.executor.contract.ContractFlows.named;

import dev.sluice.api.Flow;
import dev.sluice.api.Outcome;
import java.io.IOException;
import java.util.List;

/** The flows of {@link FinalStateTester}: failures allowed, handled, or not. */
final class FinalStateFlows {
  private FinalStateFlows() {}

  static final Flow<Void> OPTIONAL =
      named("optional")
          .define(
              f -> {
                var p = f.param("probe", Probe.class);
                var optional =
                    f.task(
                            "optional",
                            () -> {
                              throw new IOException("optional step failed");
                            })
                        .allowFailure();
                f.task("after", p, optional, (probe, x) -> probe.count("dependents"));
                f.task("other", () -> 1);
              });

  static final Flow<String> HANDLED =
      named("handled")
          .returning(
              f -> {
                var data =
                    f.<Integer>task(
                        "data",
                        () -> {
                          throw new IOException("source down");
                        });
                f.task("alert", data.outcome(), FinalStateFlows::describe);
                return f.task(
                    "fallback",
                    data.outcome(),
                    o -> (o.isSuccess() ? "fresh" : "cached") + " after " + describe(o));
              });

  /** What a handler saw: the failure's message, or what else the outcome was. */
  private static String describe(Outcome<?> outcome) {
    return outcome
        .failure()
        .map(e -> "failure: " + e.getMessage())
        .orElse(outcome.isSuccess() ? "success" : "skipped");
  }

  static final Flow<Void> SINK =
      named("sink")
          .define(
              f -> {
                var a = f.task("a", () -> 1);
                f.task(
                    "sink",
                    a,
                    x -> {
                      throw new IOException("sink failed");
                    });
              });

  static final Flow<Void> HALF_HANDLED =
      named("half-handled")
          .define(
              f -> {
                var p = f.param("probe", Probe.class);
                var a =
                    f.task(
                        "a",
                        () -> {
                          throw new IOException("a failed");
                        });
                f.action("handler", p, a.outcome(), (probe, o) -> probe.ran("handler"));
                f.action("consumer", p, a, (probe, x) -> probe.ran("consumer"));
              });

  static List<Flow<?>> flows() {
    return List.of(OPTIONAL, HANDLED, SINK, HALF_HANDLED);
  }
}
