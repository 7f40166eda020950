package dev.sluice.executor.contract;

import static dev.sluice.executor.contract.ContractFlows.named;

import dev.sluice.api.Flow;
import dev.sluice.api.FlowHook;
import dev.sluice.api.FlowRun;
import java.io.IOException;
import java.time.Duration;
import java.util.List;

/** The flows of {@link ListenerTester}. */
final class ListenerFlows {
  private ListenerFlows() {}

  static Flow<Void> hookedOk(FlowHook onCompletion, FlowHook onFailure) {
    return named("hooked-ok")
        .onCompletion(onCompletion)
        .onFailure(onFailure)
        .define(
            f -> {
              var a = f.task("a", () -> 1);
              f.task("b", a, x -> x + 1);
            });
  }

  static Flow<Void> hookedBad(FlowHook onCompletion, FlowHook onFailure) {
    return named("hooked-bad")
        .onCompletion(onCompletion)
        .onFailure(onFailure)
        .define(
            f ->
                f.task(
                    "boom",
                    () -> {
                      throw new IOException("no");
                    }));
  }

  /** A hook that does nothing: the hooks of the flows {@link #flows()} lists never run. */
  private static void noHook(FlowRun run) {}

  static final Flow<Integer> HEARD =
      named("heard")
          .returning(
              f -> {
                var p = f.param("probe", Probe.class);
                var a =
                    f.task(
                            "a",
                            p,
                            probe -> {
                              if (probe.count("calls") == 1) {
                                throw new IOException("once");
                              }
                              return 1;
                            })
                        .retries(1)
                        .retryDelay(Duration.ofMillis(10));
                f.task("c", () -> 3);
                return f.task("b", a, x -> x + 1);
              });

  static List<Flow<?>> flows() {
    return List.of(
        hookedOk(ListenerFlows::noHook, ListenerFlows::noHook),
        hookedBad(ListenerFlows::noHook, ListenerFlows::noHook),
        HEARD);
  }
}
