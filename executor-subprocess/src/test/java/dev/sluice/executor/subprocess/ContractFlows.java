package dev.sluice.executor.subprocess;

import dev.sluice.Flows;
import dev.sluice.Ref;
import dev.sluice.api.Flow;
import dev.sluice.api.FlowProvider;
import dev.sluice.api.FlowRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The flows of {@link SubprocessContractTest}: the executor contract's flows, rebuilt so a worker
 * can build them from this entrypoint. Where the contract's tasks record into shared memory, these
 * record into files ({@link Probes}) in the directory given as the {@code dir} parameter.
 */
public final class ContractFlows implements FlowProvider {
  /** Worker JVMs in the contract's pool: its parallelism. */
  static final int PARALLELISM = 3;

  static final Flow<String> CHAIN =
      Flows.named("c-chain")
          .returning(
              f -> {
                var dir = f.param("dir", String.class);
                var a = f.task("a", dir, d -> ran(d, "a", ""));
                var b = f.task("b", dir, a, (d, x) -> ran(d, "b", x));
                var c = f.task("c", dir, b, (d, x) -> ran(d, "c", x));
                return f.task("d", dir, c, (d, x) -> ran(d, "d", x));
              });

  static final Flow<List<Integer>> FAN =
      Flows.named("c-fan")
          .returning(
              f -> {
                var source = f.task("source", () -> 10);
                List<Ref<Integer>> branches = new ArrayList<>();
                for (int i = 0; i < 6; i++) {
                  int k = i;
                  branches.add(
                      f.task(
                          "branch-" + k,
                          source,
                          x -> {
                            Thread.sleep(6 - k); // later branches tend to end first
                            return x + k;
                          }));
                }
                return f.gather("gather", branches, values -> values);
              });

  static final Flow<Integer> CONCURRENT =
      Flows.named("c-concurrent")
          .returning(
              f -> {
                var n = f.param("n", Integer.class);
                var doubled = f.task("double", n, x -> x * 2);
                return f.task("plus-one", doubled, x -> x + 1);
              });

  static final Flow<Void> BOUNDED =
      Flows.named("c-bounded")
          .define(
              f -> {
                var dir = f.param("dir", String.class);
                for (int i = 0; i < 3 * PARALLELISM; i++) {
                  f.action("t" + i, dir, d -> gauged(d, "all"));
                }
              });

  static final Flow<Void> SIDE_BY_SIDE =
      Flows.named("c-side-by-side")
          .define(
              f -> {
                var dir = f.param("dir", String.class);
                for (int i = 0; i < PARALLELISM; i++) {
                  String name = "t" + i;
                  f.action(name, dir, d -> Probes.startedAwaitAll(d, name, PARALLELISM));
                }
              });

  static final Flow<Void> FAILING =
      Flows.named("c-failing")
          .define(
              f -> {
                var dir = f.param("dir", String.class);
                var a =
                    f.<String, Integer>task(
                        "a",
                        dir,
                        d -> {
                          Probes.ran(d, "a");
                          throw new IllegalStateException("boom");
                        });
                var b = f.task("b", dir, a, (d, x) -> ran(d, "b", ""));
                var c = f.task("c", dir, b, (d, x) -> ran(d, "c", ""));
                f.action("d", dir, d -> Probes.ran(d, "d")).waitFor(c);
                f.action("independent", dir, d -> Probes.ran(d, "independent"));
              });

  static final Flow<Void> ERRORS =
      Flows.named("c-errors")
          .define(
              f -> {
                var overflow = f.task("overflow", () -> recurse(0)).retries(3);
                f.task("after-overflow", overflow, x -> x);
                f.task("independent", () -> "fine");
              });

  static final Flow<Void> EXHAUSTED =
      Flows.named("c-exhausted")
          .define(
              f -> {
                var dir = f.param("dir", String.class);
                var flaky =
                    f.task(
                            "flaky",
                            dir,
                            d -> {
                              Probes.ran(d, "flaky");
                              throw new IOException("down " + Probes.ran(Path.of(d)).size());
                            })
                        .retries(2)
                        .retryDelay(Duration.ofMillis(20));
                f.task("after", flaky, x -> x);
              });

  static final Flow<String> FLOW_RETRY =
      Flows.named("c-flow-retry")
          .retries(2)
          .retryDelay(Duration.ofMillis(10))
          .returning(
              f -> {
                var dir = f.param("dir", String.class);
                var a = f.task("a", dir, d -> ran(d, "a", ""));
                f.task("side", dir, d -> ran(d, "side", ""));
                var b =
                    f.task(
                        "b",
                        dir,
                        a,
                        (d, x) -> {
                          Probes.ran(d, "b");
                          if (TestFlows.firstTime(d, "b-failed")) {
                            throw new IOException("b failed");
                          }
                          return x + "b";
                        });
                return f.task("c", dir, b, (d, x) -> ran(d, "c", x));
              });

  static final Flow<Integer> SLOW_THEN_FAST =
      Flows.named("c-slow-then-fast")
          .returning(
              f -> {
                var dir = f.param("dir", String.class);
                var task =
                    f.task(
                            "slow-then-fast",
                            dir,
                            d -> {
                              if (TestFlows.firstTime(d, "slow")) {
                                Thread.sleep(60_000);
                              }
                              return 2;
                            })
                        .timeout(Duration.ofMillis(500))
                        .retries(1);
                return f.task("after", task, x -> x * 10);
              });

  static final Flow<Void> LIMITED =
      Flows.named("c-limited")
          .define(
              f -> {
                var dir = f.param("dir", String.class);
                for (int i = 0; i < 6; i++) {
                  f.action("db-" + i, dir, d -> gauged(d, "db")).tags("db");
                }
              });

  static final Flow<Void> OPTIONAL =
      Flows.named("c-optional")
          .define(
              f -> {
                var optional =
                    f.task(
                            "optional",
                            () -> {
                              throw new IOException("optional step failed");
                            })
                        .allowFailure();
                f.task("after", optional, x -> x);
                f.task("other", () -> 1);
              });

  static final Flow<String> HANDLED =
      Flows.named("c-handled")
          .returning(
              f -> {
                var data =
                    f.<Integer>task(
                        "data",
                        () -> {
                          throw new IOException("source down");
                        });
                f.task("alert", data.outcome(), o -> o.failure().orElseThrow().getMessage());
                return f.task(
                    "fallback",
                    data.outcome(),
                    o ->
                        o.isSuccess() ? "fresh" : "cached after " + o.failure().get().getMessage());
              });

  static final Flow<Void> SINK =
      Flows.named("c-sink")
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
      Flows.named("c-half-handled")
          .define(
              f -> {
                var dir = f.param("dir", String.class);
                var a =
                    f.task(
                        "a",
                        () -> {
                          throw new IOException("a failed");
                        });
                f.action("handler", dir, a.outcome(), (d, o) -> Probes.ran(d, "handler"));
                f.action("consumer", dir, a, (d, x) -> Probes.ran(d, "consumer"));
              });

  static final Flow<List<Integer>> BOUNDED_MAP =
      Flows.named("c-bounded-map")
          .returning(
              f -> {
                var dir = f.param("dir", String.class);
                var items = f.task("items", () -> IntStream.range(0, 8).boxed().toList());
                return f.map(
                        "square",
                        items,
                        dir,
                        (n, d) -> {
                          gauged(d, "map");
                          return n * n;
                        })
                    .maxParallel(2);
              });

  static final Flow<Integer> CHILD =
      Flows.named("c-child")
          .returning(
              f -> {
                var n = f.param("n", Integer.class);
                var doubled = f.task("double", n, x -> x * 2);
                return f.task("plus-one", doubled, x -> x + 1);
              });

  static final Flow<Integer> PARENT =
      Flows.named("c-parent")
          .returning(
              f -> {
                var seed = f.task("seed", () -> 20);
                var sub = f.subflow("run-child", CHILD).with("n", seed);
                return f.task("report", sub, x -> x * 10);
              });

  /** The runs the hooks of {@link #HOOKED_OK} and {@link #HOOKED_BAD} heard (in the parent). */
  static final List<String> HOOKS_HEARD = Collections.synchronizedList(new ArrayList<>());

  static final List<FlowRun> HOOKED_RUNS = Collections.synchronizedList(new ArrayList<>());

  static final Flow<Void> HOOKED_OK =
      Flows.named("c-hooked-ok")
          .onCompletion(HOOKED_RUNS::add)
          .onCompletion(r -> HOOKS_HEARD.add("completion " + r.state().name()))
          .onFailure(r -> HOOKS_HEARD.add("failure of ok"))
          .define(
              f -> {
                var a = f.task("a", () -> 1);
                f.task("b", a, x -> x + 1);
              });

  static final Flow<Void> HOOKED_BAD =
      Flows.named("c-hooked-bad")
          .onCompletion(r -> HOOKS_HEARD.add("completion of bad"))
          .onFailure(HOOKED_RUNS::add)
          .onFailure(r -> HOOKS_HEARD.add("failure " + r.state().name()))
          .define(
              f ->
                  f.task(
                      "boom",
                      () -> {
                        throw new IOException("no");
                      }));

  static final Flow<Integer> HEARD =
      Flows.named("c-heard")
          .returning(
              f -> {
                var dir = f.param("dir", String.class);
                var a =
                    f.task(
                            "a",
                            dir,
                            d -> {
                              if (TestFlows.firstTime(d, "a-failed")) {
                                throw new IOException("once");
                              }
                              return 1;
                            })
                        .retries(1)
                        .retryDelay(Duration.ofMillis(10));
                f.task("c", () -> 3);
                return f.task("b", a, x -> x + 1);
              });

  static final Flow<List<Integer>> SLOW_MAP =
      Flows.named("c-slow-map")
          .returning(
              f -> {
                var dir = f.param("dir", String.class);
                var items = f.task("items", () -> IntStream.range(0, 6).boxed().toList());
                return f.map(
                        "sleep",
                        items,
                        dir,
                        (n, d) -> {
                          TestFlows.writePid(d, "element-" + n);
                          Thread.sleep(60_000);
                          return n;
                        })
                    .maxParallel(2);
              });

  static final Flow<Integer> SLOW_CHILD =
      Flows.named("c-slow-child")
          .returning(
              f -> {
                var dir = f.param("dir", String.class);
                return f.task(
                    "sleep",
                    dir,
                    d -> {
                      TestFlows.writePid(d, "child");
                      Thread.sleep(60_000);
                      return 1;
                    });
              });

  static final Flow<Integer> SLOW_PARENT =
      Flows.named("c-slow-parent")
          .returning(
              f -> {
                var dir = f.param("dir", String.class);
                var sub = f.subflow("child", SLOW_CHILD).with("dir", dir);
                return f.task("after", sub, x -> x);
              });

  @Override
  public List<Flow<?>> flows() {
    return List.of(
        CHAIN,
        FAN,
        CONCURRENT,
        BOUNDED,
        SIDE_BY_SIDE,
        FAILING,
        ERRORS,
        EXHAUSTED,
        FLOW_RETRY,
        SLOW_THEN_FAST,
        LIMITED,
        OPTIONAL,
        HANDLED,
        SINK,
        HALF_HANDLED,
        BOUNDED_MAP,
        PARENT,
        HOOKED_OK,
        HOOKED_BAD,
        HEARD,
        SLOW_MAP,
        SLOW_PARENT);
  }

  private static String ran(String dir, String name, String upstream) throws IOException {
    Probes.ran(dir, name);
    return upstream + name;
  }

  private static void gauged(String dir, String gauge) throws Exception {
    Probes.enter(dir, gauge);
    try {
      Thread.sleep(30); // busy long enough for attempts that may overlap to do so
    } finally {
      Probes.exit(dir, gauge);
    }
  }

  private static int recurse(int depth) {
    return recurse(depth + 1) + 1;
  }

  static boolean exists(Path dir, String name) {
    return Files.exists(dir.resolve(name));
  }
}
