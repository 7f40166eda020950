package dev.sluice.executor.contract;

import static dev.sluice.executor.contract.ContractFlows.named;

import dev.sluice.Sluice;
import dev.sluice.api.Flow;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The flows of {@link NestedRunTester}: a task that runs another flow on the test's Sluice. */
final class NestedRunFlows {
  private NestedRunFlows() {}

  /** Sluices that tasks may use, by probe directory: in this JVM only. */
  private static final Map<String, Sluice> SLUICES = new ConcurrentHashMap<>();

  static final Flow<Integer> INNER =
      named("inner")
          .returning(
              f -> {
                var a = f.task("a", () -> 2);
                return f.task("b", a, x -> x * 3);
              });

  /** Lets the tasks of runs with {@code probe} use {@code sluice} (in this JVM). */
  static void share(Probe probe, Sluice sluice) {
    SLUICES.put(probe.dir(), sluice);
  }

  static void unshare(Probe probe) {
    SLUICES.remove(probe.dir());
  }

  static final Flow<Integer> OUTER =
      named("outer")
          .returning(
              f -> {
                var p = f.param("probe", Probe.class);
                var nested =
                    f.task(
                        "nested",
                        p,
                        probe -> {
                          Sluice sluice = SLUICES.get(probe.dir());
                          if (sluice == null) {
                            throw new IllegalStateException(
                                "no Sluice shared with the tasks of probe " + probe.dir());
                          }
                          return (Integer)
                              java.util.Objects.requireNonNull(
                                  sluice.run(INNER).result(), "the inner flow returns its result");
                        });
                return f.task("after", nested, x -> x + 1);
              });

  static List<Flow<?>> flows() {
    return List.of(INNER, OUTER);
  }
}
