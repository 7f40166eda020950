package dev.sluice.executor.contract;

import dev.sluice.FlowBuilder;
import dev.sluice.Flows;
import dev.sluice.Ref;
import dev.sluice.Sluice;
import dev.sluice.api.Flow;
import dev.sluice.api.FlowHook;
import dev.sluice.api.FlowProvider;
import dev.sluice.api.FlowRun;
import dev.sluice.api.Outcome;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import java.util.stream.IntStream;

/**
 * The flows of the {@link ExecutorContract}, and their entrypoint: every flow names this class, so
 * an executor that runs attempts in another process rebuilds them from it and finds the task by
 * name, as any user's flow. Tasks see nothing of the test's memory: they report through the {@link
 * Probe} they get as the flow parameter {@code probe}, and what differs between tests travels as
 * flow parameters.
 *
 * <p>Flows whose shape depends on the executor under test — how many tasks to start ({@link
 * ExecutorContract#parallelism()}), how long a timeout is ({@link ExecutorContract#timeout()}) —
 * are built per width or timeout and named with it ({@code bounded-w4}, {@code times-out-t100ms});
 * {@link #flows()} lists them for widths 1 to {@value #LISTED_WIDTHS} and the timeouts {@link
 * #LISTED_TIMEOUTS}, so an executor whose tasks run in another JVM can be tested with those. Hooks
 * run where the run is, so a test adds its own to a flow built with the same steps.
 */
public final class ContractFlows implements FlowProvider {
  /** The widest per-width flows {@link #flows()} lists, for executors that rebuild flows. */
  static final int LISTED_WIDTHS = 8;

  /**
   * The timeouts {@link #flows()} lists the timed flows for, for executors that rebuild flows: see
   * {@link ExecutorContract#timeout()}.
   */
  static final List<Duration> LISTED_TIMEOUTS =
      List.of(Duration.ofMillis(100), Duration.ofMillis(500));

  /** Sluices that tasks may use, by probe directory: in this JVM only. */
  private static final Map<String, Sluice> SLUICES = new ConcurrentHashMap<>();

  private static final Map<String, Flow<?>> BUILT = new ConcurrentHashMap<>();

  /** For workers, which create the entrypoint from its class name; the flows are static. */
  public ContractFlows() {}

  private static Flows.Definition named(String name) {
    return Flows.named(name).entrypoint(ContractFlows.class);
  }

  /** Gives a task body busy time, so that attempts which may overlap get the chance to. */
  static void work() throws InterruptedException {
    Thread.sleep(3);
  }

  /** Does {@link #work()} counted in each of {@code gauges}. */
  static void gaugedWork(Probe probe, String... gauges) throws IOException, InterruptedException {
    for (String gauge : gauges) {
      probe.enter(gauge);
    }
    try {
      work();
    } finally {
      for (String gauge : gauges) {
        probe.exit(gauge);
      }
    }
  }

  @SuppressWarnings("InfiniteRecursion") // on purpose: it ends in the StackOverflowError wanted
  private static int recurse(int depth) {
    return recurse(depth + 1) + 1;
  }

  private static String ran(Probe probe, String name, String upstream) throws IOException {
    probe.ran(name);
    return upstream + name;
  }

  // ---- results and order

  static final Flow<String> CHAIN =
      named("chain")
          .returning(
              f -> {
                var p = f.param("probe", Probe.class);
                var a = f.task("a", p, probe -> ran(probe, "a", ""));
                var b = f.task("b", p, a, (probe, x) -> ran(probe, "b", x));
                var c = f.task("c", p, b, (probe, x) -> ran(probe, "c", x));
                return f.task("d", p, c, (probe, x) -> ran(probe, "d", x));
              });

  static final int FAN_WIDTH = 6;

  static final Flow<List<Integer>> FAN =
      named("fan")
          .returning(
              f -> {
                var p = f.param("probe", Probe.class);
                var source =
                    f.task(
                        "source",
                        p,
                        probe -> {
                          probe.ran("source");
                          return 10;
                        });
                List<Ref<Integer>> branches = new ArrayList<>();
                for (int i = 0; i < FAN_WIDTH; i++) {
                  int k = i;
                  branches.add(
                      f.task(
                          "branch-" + k,
                          p,
                          source,
                          (probe, x) -> {
                            probe.ran("branch-" + k);
                            Thread.sleep(FAN_WIDTH - k); // later branches tend to end first
                            return x + k;
                          }));
                }
                var gather = f.gather("gather", branches, values -> values);
                return f.task(
                    "gathered",
                    p,
                    gather,
                    (probe, values) -> {
                      probe.ran("gathered");
                      return values;
                    });
              });

  /** More branches than the engine counts down on one thread: an executor may share them out. */
  static final int WIDE_WIDTH = 1_000;

  static final Flow<Integer> WIDE =
      named("wide")
          .returning(
              f -> {
                var p = f.param("probe", Probe.class);
                var source = f.task("source", () -> 1);
                List<Ref<Integer>> branches = new ArrayList<>();
                for (int i = 0; i < WIDE_WIDTH; i++) {
                  int k = i;
                  branches.add(
                      f.task(
                          "branch-" + k,
                          p,
                          source,
                          (probe, x) -> {
                            probe.ran("branch-" + k);
                            return x + k;
                          }));
                }
                return f.gather("sum", branches, values -> values.stream().mapToInt(v -> v).sum());
              });

  static final Flow<Integer> CONCURRENT =
      named("concurrent")
          .returning(
              f -> {
                var n = f.param("n", Integer.class);
                var doubled =
                    f.task(
                        "double",
                        n,
                        x -> {
                          work();
                          return x * 2;
                        });
                return f.task("plus-one", doubled, x -> x + 1);
              });

  // ---- parallelism

  /** {@code 3 * width} tasks that do gauged work; the gauge is "all". */
  static Flow<Void> bounded(int width) {
    return byWidth(
        "bounded",
        width,
        w ->
            named("bounded-w" + w)
                .define(
                    f -> {
                      var p = f.param("probe", Probe.class);
                      for (int i = 0; i < 3 * w; i++) {
                        f.action("t" + i, p, probe -> gaugedWork(probe, "all"));
                      }
                    }));
  }

  static Flow<Void> sideBySide(int width) {
    return byWidth(
        "side-by-side",
        width,
        w ->
            named("side-by-side-w" + w)
                .define(
                    f -> {
                      var p = f.param("probe", Probe.class);
                      for (int i = 0; i < w; i++) {
                        f.action(
                            "t" + i,
                            p,
                            probe -> {
                              probe.count("started");
                              probe.await("started", w, "all " + w + " tasks running at once");
                            });
                      }
                    }));
  }

  static Flow<Void> boundedBlocking(int width) {
    return byWidth(
        "bounded-blocking",
        width,
        w ->
            named("bounded-blocking-w" + w)
                .define(
                    f -> {
                      var p = f.param("probe", Probe.class);
                      for (int i = 0; i < 3 * w; i++) {
                        f.action(
                            "t" + i,
                            p,
                            probe -> {
                              probe.enter("all");
                              try {
                                CompletableFuture.supplyAsync(
                                        () -> 1,
                                        CompletableFuture.delayedExecutor(3, TimeUnit.MILLISECONDS))
                                    .get(Probe.WAIT_SECONDS, TimeUnit.SECONDS);
                              } finally {
                                probe.exit("all");
                              }
                            });
                      }
                    }));
  }

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
                          return Objects.requireNonNull(
                              (Integer) sluice.run(INNER).result(), "INNER's result");
                        });
                return f.task("after", nested, x -> x + 1);
              });

  // ---- failures

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

  // ---- retries

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

  // ---- timeouts

  static Flow<Void> timesOut(Duration timeout) {
    return timed(
        "times-out",
        timeout,
        () ->
            named(timedName("times-out", timeout))
                .define(
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
  }

  static Flow<Integer> slowThenFast(Duration timeout) {
    return timed(
        "slow-then-fast",
        timeout,
        () ->
            named(timedName("slow-then-fast", timeout))
                .returning(
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
  }

  static Flow<Void> delayedRetryTimesOut(Duration timeout) {
    return timed(
        "delayed-retry-times-out",
        timeout,
        () ->
            named(timedName("delayed-retry-times-out", timeout))
                .define(
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
  }

  static Flow<Void> timeoutAfterTimeout(Duration timeout) {
    return timed(
        "timeout-after-timeout",
        timeout,
        () ->
            named(timedName("timeout-after-timeout", timeout))
                .define(
                    f -> {
                      var first =
                          f.task(
                                  "first",
                                  () -> {
                                    Thread.sleep(60_000);
                                    return 1;
                                  })
                              .timeout(timeout)
                              .allowFailure();
                      f.task(
                              "second",
                              () -> {
                                Thread.sleep(60_000);
                                return 2;
                              })
                          .timeout(timeout)
                          .allowFailure()
                          .waitFor(first.outcome());
                    }));
  }

  /** How many tasks run after the timed-out one in {@link #cleanThreads}. */
  static int laterThanTimeout(int width) {
    return 2 * width + 2;
  }

  static Flow<Void> cleanThreads(int width, Duration timeout) {
    return byWidth(
        timedName("clean-threads", timeout),
        width,
        w ->
            named(timedName("clean-threads", timeout) + "-w" + w)
                .define(
                    f -> {
                      var p = f.param("probe", Probe.class);
                      var slow =
                          f.task(
                                  "slow",
                                  () -> {
                                    Thread.sleep(60_000);
                                    return 1;
                                  })
                              .timeout(timeout)
                              .allowFailure();
                      for (int i = 0; i < laterThanTimeout(w); i++) {
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
  }

  /** A task body that ignores interrupts until the probe's flag {@code release} is set. */
  private static void stubbornlyAwaitRelease(Probe probe) throws IOException {
    probe.count("stubborn-started");
    while (!probe.isSet("release")) {
      try {
        Thread.sleep(1);
      } catch (InterruptedException ignored) {
        // ignores interrupts on purpose
      }
    }
  }

  static Flow<Void> stubborn(int width, Duration timeout) {
    return byWidth(
        timedName("stubborn", timeout),
        width,
        w ->
            named(timedName("stubborn", timeout) + "-w" + w)
                .define(
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
                              .timeout(timeout)
                              .allowFailure();
                      f.task(
                          "handler",
                          stubborn.outcome(),
                          o -> o.failure().map(e -> e.getClass().getName()).orElse("success"));
                      for (int i = 0; i < 2 * w; i++) {
                        f.action("other-" + i, ContractFlows::work).waitFor(stubborn.outcome());
                      }
                    }));
  }

  // ---- cancellation

  static final Flow<Void> CANCEL_ME = named("cancel-me").define(ContractFlows::cancelMeSteps);

  /** {@link #CANCEL_ME} with hooks (they run where the run is, never in a worker). */
  static Flow<Void> cancelMe(FlowHook onCompletion, FlowHook onFailure) {
    return named(CANCEL_ME.name())
        .onCompletion(onCompletion)
        .onFailure(onFailure)
        .define(ContractFlows::cancelMeSteps);
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

  // ---- concurrency limits

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

  static Flow<Void> noThreadHeld(int width) {
    return byWidth(
        "no-thread-held",
        width,
        w ->
            named("no-thread-held-w" + w)
                .define(
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
  }

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

  static Flow<Void> slotTimesOut(Duration timeout) {
    return timed(
        "slot-times-out",
        timeout,
        () ->
            named(timedName("slot-times-out", timeout))
                .define(
                    f ->
                        f.action("times-out", () -> Thread.sleep(60_000))
                            .tags("db")
                            .timeout(timeout)));
  }

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

  // ---- hooks and listeners

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

  // ---- the flow's final state

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
                f.task("alert", data.outcome(), ContractFlows::describe);
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

  // ---- map steps and sub-flows

  static final Flow<List<Integer>> BOUNDED_MAP_PARALLEL = boundedMap(true);
  static final Flow<List<Integer>> BOUNDED_MAP_SERIAL = boundedMap(false);

  /**
   * A map step of 12 elements with {@code maxParallel(2)}; when {@code parallel}, elements 0 and 1
   * wait for each other (the executor must run them side by side).
   */
  private static Flow<List<Integer>> boundedMap(boolean parallel) {
    return named(parallel ? "bounded-map" : "bounded-map-serial")
        .returning(
            f -> {
              var p = f.param("probe", Probe.class);
              var items = f.task("items", () -> IntStream.range(0, 12).boxed().toList());
              return f.map(
                      "square",
                      items,
                      p,
                      (n, probe) -> {
                        probe.enter("map");
                        try {
                          if (parallel && n < 2) {
                            probe.count("first-two");
                            probe.await("first-two", 2, "elements 0 and 1 running at once");
                          }
                          work();
                          return n * n;
                        } finally {
                          probe.exit("map");
                        }
                      })
                  .maxParallel(2);
            });
  }

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

  // ---- the entrypoint

  /** The name of the member of a family of flows built for {@code timeout}. */
  private static String timedName(String family, Duration timeout) {
    return family + "-t" + timeout.toMillis() + "ms";
  }

  @SuppressWarnings("unchecked")
  private static <T> Flow<T> timed(String family, Duration timeout, Supplier<Flow<T>> build) {
    return (Flow<T>) BUILT.computeIfAbsent(timedName(family, timeout), name -> build.get());
  }

  @SuppressWarnings("unchecked")
  private static <T> Flow<T> byWidth(String family, int width, IntFunction<Flow<T>> build) {
    if (width < 1) {
      throw new IllegalArgumentException(
          "flow '" + family + "' needs a width of at least 1, not " + width);
    }
    return (Flow<T>) BUILT.computeIfAbsent(family + "-w" + width, name -> build.apply(width));
  }

  @Override
  public List<Flow<?>> flows() {
    List<Flow<?>> flows =
        new ArrayList<>(
            List.of(
                CHAIN,
                FAN,
                WIDE,
                CONCURRENT,
                INNER,
                OUTER,
                FAILING,
                ERRORS,
                EXHAUSTED,
                RECOVERS,
                FLOW_RETRY,
                CANCEL_ME,
                CANCEL_STUBBORN,
                CANCEL_MAP,
                CANCEL_PARENT,
                CLOSED_UNDER,
                LIMITED,
                TWO_AT_A_TIME,
                TWO_TAGS,
                SUCCEEDS,
                FAILS,
                CRASHES,
                SLOT_CANCELLED,
                LATER,
                hookedOk(ContractFlows::noHook, ContractFlows::noHook),
                hookedBad(ContractFlows::noHook, ContractFlows::noHook),
                HEARD,
                OPTIONAL,
                HANDLED,
                SINK,
                HALF_HANDLED,
                BOUNDED_MAP_PARALLEL,
                BOUNDED_MAP_SERIAL,
                PARENT));
    for (Duration timeout : LISTED_TIMEOUTS) {
      Duration half = timeout.dividedBy(2);
      flows.add(timesOut(timeout));
      flows.add(slowThenFast(timeout));
      flows.add(delayedRetryTimesOut(timeout));
      flows.add(timeoutAfterTimeout(half));
      flows.add(slotTimesOut(half));
      for (int width = 1; width <= LISTED_WIDTHS; width++) {
        flows.add(cleanThreads(width, half));
        flows.add(stubborn(width, timeout));
      }
    }
    for (int width = 1; width <= LISTED_WIDTHS; width++) {
      flows.add(bounded(width));
      flows.add(sideBySide(width));
      flows.add(boundedBlocking(width));
      flows.add(noThreadHeld(width));
    }
    return flows;
  }
}
