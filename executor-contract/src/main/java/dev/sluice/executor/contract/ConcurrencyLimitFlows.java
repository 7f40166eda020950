package dev.sluice.executor.contract;

import static dev.sluice.executor.contract.ContractFlows.gaugedWork;
import static dev.sluice.executor.contract.ContractFlows.named;

import dev.sluice.api.Flow;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The flows of {@link ConcurrencyLimitTester}; their tasks are tagged "db" (or "a" and "b"), whose
 * limits the tests set.
 */
final class ConcurrencyLimitFlows {
  private ConcurrencyLimitFlows() {}

  static final Flow<Void> LIMITED =
      named("limited")
          .define(
              f -> {
                var p = f.param("probe", Probe.class);
                for (int i = 0; i < 12; i++) {
                  f.action("db-" + i, p, probe -> gaugedWork(probe, "db")).tags("db");
                }
                var items = f.task("items", () -> IntStream.range(0, 8).boxed().toList());
                f.map(
                        "db-map",
                        items,
                        p,
                        (n, probe) -> {
                          gaugedWork(probe, "db");
                          return n;
                        })
                    .tags("db");
                for (int i = 0; i < 4; i++) {
                  f.action("untagged-" + i, ContractFlows::work);
                }
              });

  static final int SLOT_WAITERS = 3;

  static final Flow<Void> TWO_AT_A_TIME =
      named("two-at-a-time")
          .define(
              f -> {
                var p = f.param("probe", Probe.class);
                for (int i = 0; i < 2; i++) {
                  f.action(
                          "holder-" + i,
                          p,
                          probe -> {
                            probe.enter("db");
                            try {
                              probe.count("holders-in");
                              probe.await("holders-in", 2, "both holders running");
                              probe.await(
                                  "slot-waits",
                                  SLOT_WAITERS,
                                  "the other tagged tasks waiting for a slot");
                            } finally {
                              probe.exit("db");
                            }
                          })
                      .tags("db");
                }
                for (int i = 0; i < SLOT_WAITERS; i++) {
                  f.action("waiter-" + i, p, probe -> gaugedWork(probe, "db")).tags("db");
                }
              });

  /**
   * A "db" task that holds its slot until {@code width} other "db" tasks wait for one and an
   * untagged task ran.
   */
  static final FlowFamily<Integer, Void> NO_THREAD_HELD =
      FlowFamily.byWidth(
          "no-thread-held",
          (flow, w) ->
              flow.define(
                  f -> {
                    var p = f.param("probe", Probe.class);
                    f.action(
                            "holder",
                            p,
                            probe -> {
                              probe.await(
                                  "slot-waits", w, "every other tagged task waiting for a slot");
                              probe.await("free-ran", 1, "the untagged task's run");
                            })
                        .tags("db");
                    for (int i = 0; i < w; i++) {
                      f.action("waiter-" + i, () -> {}).tags("db");
                    }
                    f.action("free", p, probe -> probe.count("free-ran"));
                  }));

  static final Flow<Void> TWO_TAGS =
      named("two-tags")
          .define(
              f -> {
                var p = f.param("probe", Probe.class);
                for (int i = 0; i < 16; i++) {
                  boolean ab = i % 2 == 0;
                  f.action((ab ? "ab-" : "ba-") + i, p, probe -> gaugedWork(probe, "a", "b"))
                      .tags(ab ? new String[] {"a", "b"} : new String[] {"b", "a"});
                }
                for (int i = 0; i < 4; i++) {
                  f.action("a-" + i, p, probe -> gaugedWork(probe, "a")).tags("a");
                  f.action("b-" + i, p, probe -> gaugedWork(probe, "b")).tags("b");
                }
              });

  // ---- the exit paths whose slots must be released

  static final Flow<Void> SUCCEEDS =
      named("succeeds").define(f -> f.task("ok", () -> 1).tags("db"));

  static final Flow<Void> FAILS =
      named("fails")
          .define(
              f ->
                  f.task(
                          "fails",
                          () -> {
                            throw new IOException("no");
                          })
                      .tags("db")
                      .retries(1));

  static final Flow<Void> CRASHES =
      named("crashes")
          .define(
              f ->
                  f.task("crashes", () -> new long[Integer.MAX_VALUE].length)
                      .tags("db")
                      .retries(1));

  /** A "db" task that sleeps past half the timeout. */
  static final FlowFamily<Duration, Void> SLOT_TIMES_OUT =
      FlowFamily.byTimeout(
          "slot-times-out",
          (flow, timeout) ->
              flow.define(
                  f ->
                      f.action("times-out", () -> Thread.sleep(60_000))
                          .tags("db")
                          .timeout(timeout.dividedBy(2))));

  static final Flow<Void> SLOT_CANCELLED =
      named("slot-cancelled")
          .define(
              f -> {
                var p = f.param("probe", Probe.class);
                f.action(
                        "retry-waiting",
                        p,
                        probe -> {
                          probe.count("failed-once");
                          throw new IOException("later");
                        })
                    .tags("db")
                    .retries(1)
                    .retryDelay(Duration.ofMinutes(10));
                f.action(
                        "holding",
                        p,
                        probe -> {
                          probe.count("holding");
                          Thread.sleep(60_000);
                        })
                    .tags("db");
                f.action("slot-waiting", () -> {}).tags("db");
              });

  static final Flow<Void> LATER =
      named("later")
          .define(
              f -> {
                for (int i = 0; i < 3; i++) {
                  f.task("later-" + i, () -> 1).tags("db");
                }
              });

  static List<Flow<?>> flows() {
    List<Flow<?>> flows =
        new ArrayList<>(
            List.of(
                LIMITED, TWO_AT_A_TIME, TWO_TAGS, SUCCEEDS, FAILS, CRASHES, SLOT_CANCELLED, LATER));
    flows.addAll(NO_THREAD_HELD.listed());
    flows.addAll(SLOT_TIMES_OUT.listed());
    return flows;
  }
}
