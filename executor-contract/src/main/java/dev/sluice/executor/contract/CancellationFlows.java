package dev.sluice.executor.contract;

import static dev.sluice.executor.contract.ContractFlows.named;
import static dev.sluice.executor.contract.ContractFlows.stubbornlyAwaitRelease;

import dev.sluice.FlowBuilder;
import dev.sluice.api.Flow;
import dev.sluice.api.FlowHook;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

/** The flows of {@link CancellationTester}. */
final class CancellationFlows {
  private CancellationFlows() {}

  static final Flow<Void> CANCEL_ME = named("cancel-me").define(CancellationFlows::cancelMeSteps);

  /** {@link #CANCEL_ME} with hooks (they run where the run is, never in a worker). */
  static Flow<Void> cancelMe(FlowHook onCompletion, FlowHook onFailure) {
    return named(CANCEL_ME.name())
        .onCompletion(onCompletion)
        .onFailure(onFailure)
        .define(CancellationFlows::cancelMeSteps);
  }

  // The steps of CANCEL_ME, shared by both builds; kept in one place so they cannot differ.
  private static void cancelMeSteps(FlowBuilder f) {
    var p = f.param("probe", Probe.class);
    // Defined first, so a one-thread executor runs it before "slow" blocks.
    f.task(
            "retrying",
            p,
            probe -> {
              probe.count("failed-once");
              throw new IOException("again");
            })
        .retries(5)
        .retryDelay(Duration.ofMinutes(10));
    var done = f.task("done", () -> 1);
    var slow =
        f.task(
            "slow",
            p,
            done,
            (probe, x) -> {
              probe.sleepUntilStopped("slow");
              return x;
            });
    var after =
        f.task(
            "after",
            p,
            slow,
            (probe, x) -> {
              probe.count("downstream");
              return x;
            });
    f.action("after-that", p, probe -> probe.count("downstream")).waitFor(after);
  }

  static final Flow<Void> CANCEL_STUBBORN =
      named("cancel-stubborn")
          .define(
              f -> {
                var p = f.param("probe", Probe.class);
                var stubborn =
                    f.task(
                        "stubborn",
                        p,
                        probe -> {
                          stubbornlyAwaitRelease(probe);
                          return 1;
                        });
                f.task("after", p, stubborn, (probe, x) -> probe.count("downstream"));
              });

  static final Flow<Void> CANCEL_MAP =
      named("cancel-map")
          .define(
              f -> {
                var p = f.param("probe", Probe.class);
                var items = f.task("items", () -> IntStream.range(0, 8).boxed().toList());
                var each =
                    f.map(
                            "each",
                            items,
                            p,
                            (n, probe) -> {
                              probe.count("started");
                              Thread.sleep(60_000);
                              return n;
                            })
                        .maxParallel(2);
                f.task("after", each, List::size);
              });

  static final Flow<Integer> SLOW_CHILD =
      named("slow-child")
          .returning(
              f -> {
                var p = f.param("probe", Probe.class);
                var slow =
                    f.task(
                        "child-slow",
                        p,
                        probe -> {
                          probe.count("child-started");
                          Thread.sleep(60_000);
                          return 1;
                        });
                return f.task(
                    "child-after",
                    p,
                    slow,
                    (probe, x) -> {
                      probe.count("after");
                      return x;
                    });
              });

  static final Flow<Void> CANCEL_PARENT =
      named("cancel-parent")
          .define(
              f -> {
                var p = f.param("probe", Probe.class);
                var before = f.task("before", () -> 1);
                var sub = f.subflow("sub", SLOW_CHILD).with("probe", p).waitFor(before);
                f.task("parent-after", p, sub, (probe, x) -> probe.count("after"));
              });

  static final Flow<Void> CLOSED_UNDER =
      named("closed-under")
          .define(
              f -> {
                var p = f.param("probe", Probe.class);
                var blocked =
                    f.task(
                        "blocked",
                        p,
                        probe -> {
                          probe.count("started");
                          Thread.sleep(60_000);
                          return 1;
                        });
                f.task("after", p, blocked, (probe, x) -> probe.count("after"));
              });

  static List<Flow<?>> flows() {
    return List.of(CANCEL_ME, CANCEL_STUBBORN, CANCEL_MAP, CANCEL_PARENT, CLOSED_UNDER);
  }
}
