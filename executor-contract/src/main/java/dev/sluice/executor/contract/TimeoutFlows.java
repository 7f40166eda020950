package dev.sluice.executor.contract;

import static dev.sluice.executor.contract.ContractFlows.stubbornlyAwaitRelease;

import dev.sluice.api.Flow;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The flows of {@link TimeoutTester}: families by the executor's {@link
 * ExecutorContractSuite#timeout() timeout} (and width), which their tasks use whole or halved.
 */
final class TimeoutFlows {
  private TimeoutFlows() {}

  /** A task that sleeps until stopped, with one retry, and a dependent that counts if it runs. */
  static final FlowFamily<Duration, Void> TIMES_OUT =
      FlowFamily.byTimeout(
          "times-out",
          (flow, timeout) ->
              flow.define(
                  f -> {
                    var p = f.param("probe", Probe.class);
                    var stuck =
                        f.task(
                                "stuck",
                                p,
                                probe -> {
                                  probe.count("calls");
                                  probe.sleepUntilStopped("stuck");
                                  return 1;
                                })
                            .timeout(timeout)
                            .retries(1);
                    f.task("after", p, stuck, (probe, x) -> probe.count("dependents"));
                  }));

  /** A task whose first attempt sleeps past its timeout and whose retry returns at once. */
  static final FlowFamily<Duration, Integer> SLOW_THEN_FAST =
      FlowFamily.byTimeout(
          "slow-then-fast",
          (flow, timeout) ->
              flow.returning(
                  f -> {
                    var p = f.param("probe", Probe.class);
                    var task =
                        f.task(
                                "slow-then-fast",
                                p,
                                probe -> {
                                  int call = probe.count("calls");
                                  if (call == 1) {
                                    Thread.sleep(60_000);
                                  }
                                  return call;
                                })
                            .timeout(timeout)
                            .retries(1);
                    return f.task("after", task, x -> x * 10);
                  }));

  /** A task whose first attempt fails and whose delayed retry sleeps past its timeout. */
  static final FlowFamily<Duration, Void> DELAYED_RETRY_TIMES_OUT =
      FlowFamily.byTimeout(
          "delayed-retry-times-out",
          (flow, timeout) ->
              flow.define(
                  f -> {
                    var p = f.param("probe", Probe.class);
                    f.task(
                            "fails-then-hangs",
                            p,
                            probe -> {
                              if (probe.count("calls") == 1) {
                                throw new IOException("first attempt fails");
                              }
                              Thread.sleep(60_000);
                              return 1;
                            })
                        .retries(1)
                        .retryDelay(Duration.ofMillis(50))
                        .timeout(timeout);
                  }));

  /** Two sleeping tasks with half the timeout, the second waiting for the first's outcome. */
  static final FlowFamily<Duration, Void> TIMEOUT_AFTER_TIMEOUT =
      FlowFamily.byTimeout(
          "timeout-after-timeout",
          (flow, timeout) ->
              flow.define(
                  f -> {
                    var first =
                        f.task(
                                "first",
                                () -> {
                                  Thread.sleep(60_000);
                                  return 1;
                                })
                            .timeout(timeout.dividedBy(2))
                            .allowFailure();
                    f.task(
                            "second",
                            () -> {
                              Thread.sleep(60_000);
                              return 2;
                            })
                        .timeout(timeout.dividedBy(2))
                        .allowFailure()
                        .waitFor(first.outcome());
                  }));

  /** How many tasks run after the timed-out one in {@link #CLEAN_THREADS}. */
  static int laterThanTimeout(int width) {
    return 2 * width + 2;
  }

  /**
   * A task that times out after half the timeout, then {@link #laterThanTimeout} tasks that count
   * if they start with their thread's interrupt flag set.
   */
  static final FlowFamily<FlowFamily.Shape, Void> CLEAN_THREADS =
      FlowFamily.byShape(
          "clean-threads",
          (flow, shape) ->
              flow.define(
                  f -> {
                    var p = f.param("probe", Probe.class);
                    var slow =
                        f.task(
                                "slow",
                                () -> {
                                  Thread.sleep(60_000);
                                  return 1;
                                })
                            .timeout(shape.timeout().dividedBy(2))
                            .allowFailure();
                    for (int i = 0; i < laterThanTimeout(shape.width()); i++) {
                      f.action(
                              "later-" + i,
                              p,
                              probe -> {
                                if (Thread.currentThread().isInterrupted()) {
                                  probe.count("saw-interrupt");
                                }
                                Thread.sleep(1); // throws if an interrupt is pending
                              })
                          .waitFor(slow.outcome());
                    }
                  }));

  /**
   * A task that ignores its interrupt past its timeout, a handler of its outcome, and {@code 2 *
   * width} other tasks waiting for its outcome.
   */
  static final FlowFamily<FlowFamily.Shape, Void> STUBBORN =
      FlowFamily.byShape(
          "stubborn",
          (flow, shape) ->
              flow.define(
                  f -> {
                    var p = f.param("probe", Probe.class);
                    var stubborn =
                        f.task(
                                "stubborn",
                                p,
                                probe -> {
                                  stubbornlyAwaitRelease(probe);
                                  return "late";
                                })
                            .timeout(shape.timeout())
                            .allowFailure();
                    f.task(
                        "handler",
                        stubborn.outcome(),
                        o -> o.failure().map(e -> e.getClass().getName()).orElse("success"));
                    for (int i = 0; i < 2 * shape.width(); i++) {
                      f.action("other-" + i, ContractFlows::work).waitFor(stubborn.outcome());
                    }
                  }));

  static List<Flow<?>> flows() {
    List<Flow<?>> flows = new ArrayList<>();
    for (FlowFamily<?, ?> family :
        List.of(
            TIMES_OUT,
            SLOW_THEN_FAST,
            DELAYED_RETRY_TIMES_OUT,
            TIMEOUT_AFTER_TIMEOUT,
            CLEAN_THREADS,
            STUBBORN)) {
      flows.addAll(family.listed());
    }
    return flows;
  }
}
