package dev.sluice.executor.threadpool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Flows;
import dev.sluice.Ref;
import dev.sluice.Sluice;
import dev.sluice.TaskHandle;
import dev.sluice.api.Flow;
import dev.sluice.api.FlowRun;
import dev.sluice.api.TaskRun;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The thread pool under concurrency: random DAGs whose tasks fail, sleep past their timeouts,
 * retry, and carry tags with concurrency limits. Each try runs on a fresh Sluice instance that is
 * closed afterwards, so thread leaks show.
 */
class ThreadPoolProperties {
  static final Map<String, Integer> LIMITS = Map.of("db", 2, "api", 1);
  static final List<String> TAGS = List.of("db", "api");

  /** One task of a random DAG. */
  record Node(
      Map<Integer, Boolean> upstreams, // upstream -> is it an outcome edge
      List<String> tags,
      int failures, // the first `failures` attempts throw
      int retries,
      boolean slowFirstAttempt, // the first attempt sleeps past the timeout
      int workMicros) {}

  @Provide
  Arbitrary<List<Node>> dags() {
    return randomDags(30);
  }

  /** Random DAGs of 1 to {@code maxNodes} nodes; {@link CallbackFailuresProperties} shares them. */
  static Arbitrary<List<Node>> randomDags(int maxNodes) {
    return Arbitraries.integers()
        .between(1, maxNodes)
        .flatMap(
            n ->
                Arbitraries.randoms()
                    .map(
                        random -> {
                          List<Node> nodes = new ArrayList<>();
                          for (int j = 0; j < n; j++) {
                            nodes.add(node(random, j));
                          }
                          return nodes;
                        }));
  }

  private static Node node(Random random, int j) {
    Map<Integer, Boolean> ups = new HashMap<>();
    for (int i = 0; i < j; i++) {
      if (random.nextInt(5) == 0) {
        ups.put(i, random.nextInt(4) == 0);
      }
    }
    List<String> tags = new ArrayList<>();
    for (String tag : TAGS) {
      if (random.nextInt(3) == 0) {
        tags.add(tag);
      }
    }
    return new Node(
        ups,
        tags,
        random.nextInt(6) == 0 ? 1 + random.nextInt(2) : 0,
        random.nextInt(3),
        random.nextInt(8) == 0,
        random.nextInt(300));
  }

  /** What the tasks saw from inside. */
  static final class Journal {
    final Map<Integer, AtomicInteger> calls = new ConcurrentHashMap<>();
    final Set<Integer> completed = ConcurrentHashMap.newKeySet();
    final Map<String, AtomicInteger> running = new ConcurrentHashMap<>();
    final List<String> violations = new CopyOnWriteArrayList<>();

    int enter(int node, Node spec) {
      for (Map.Entry<Integer, Boolean> up : spec.upstreams().entrySet()) {
        if (!up.getValue() && !completed.contains(up.getKey())) {
          violations.add(
              "n" + node + " started before its upstream n" + up.getKey() + " completed");
        }
      }
      for (String tag : spec.tags()) {
        int now = running.computeIfAbsent(tag, t -> new AtomicInteger()).incrementAndGet();
        if (now > LIMITS.get(tag)) {
          violations.add(
              now + " tasks tagged " + tag + " ran at once (limit " + LIMITS.get(tag) + ")");
        }
      }
      return calls.computeIfAbsent(node, k -> new AtomicInteger()).incrementAndGet();
    }

    void exit(Node spec) {
      for (String tag : spec.tags()) {
        running.get(tag).decrementAndGet();
      }
    }
  }

  private static Flow<Void> flow(List<Node> dag, Journal journal) {
    return Flows.named("random-concurrent")
        .define(
            f -> {
              List<TaskHandle<Integer>> handles = new ArrayList<>();
              for (int j = 0; j < dag.size(); j++) {
                int node = j;
                Node spec = dag.get(j);
                List<Ref<?>> inputs = new ArrayList<>();
                spec.upstreams().keySet().stream()
                    .sorted()
                    .forEach(
                        up ->
                            inputs.add(
                                spec.upstreams().get(up)
                                    ? handles.get(up).outcome()
                                    : handles.get(up)));
                TaskHandle<Integer> task =
                    f.gather(
                            "n" + j,
                            inputs,
                            values -> {
                              int call = journal.enter(node, spec);
                              try {
                                if (call == 1 && spec.slowFirstAttempt()) {
                                  Thread.sleep(10_000); // interrupted by the 20 ms timeout
                                }
                                long until = System.nanoTime() + spec.workMicros() * 1_000L;
                                while (System.nanoTime() < until) {
                                  Thread.onSpinWait();
                                }
                                if (call <= spec.failures()) {
                                  throw new IOException("n" + node + " attempt " + call);
                                }
                                journal.completed.add(node);
                                return node;
                              } finally {
                                journal.exit(spec);
                              }
                            })
                        .retries(spec.retries())
                        .timeout(Duration.ofMillis(20))
                        .tags(spec.tags().toArray(new String[0]));
                handles.add(task);
              }
            });
  }

  @Property(tries = 200)
  void tasksRunOncePerAttemptAfterTheirUpstreamsWithinLimitsAndLeaveNothingBehind(
      @ForAll("dags") List<Node> dag, @ForAll("threads") String threads) throws Exception {
    Set<Thread> before = Set.copyOf(ThreadPoolExecutorTest.sluiceThreads());
    Journal journal = new Journal();
    Sluice.Builder builder =
        Sluice.builder()
            .executor("threadpool")
            .setting("executor.threads", threads)
            .setting("executor.parallelism", "4");
    LIMITS.forEach(builder::concurrencyLimit);
    FlowRun run;
    try (Sluice sluice = builder.build()) {
      run = sluice.run(flow(dag, journal));

      // A timed-out attempt keeps its slots until its interrupted code returns, which may be just
      // after the run ended; that is well within a second, far below the 5 s grace period.
      long deadline = System.nanoTime() + 2_000_000_000L;
      while (sluice.concurrencySlotsInUse().values().stream().anyMatch(used -> used > 0)
          && System.nanoTime() < deadline) {
        Thread.sleep(1);
      }
      assertThat(sluice.concurrencySlotsInUse())
          .containsOnly(Map.entry("api", 0), Map.entry("db", 0));
    }
    assertThat(journal.violations).isEmpty();
    for (int j = 0; j < dag.size(); j++) {
      TaskRun task = run.taskRuns().get(j);
      int calls = journal.calls.getOrDefault(j, new AtomicInteger()).get();
      assertThat(calls).as("body calls of n%d (%s)", j, task.state()).isEqualTo(task.attempts());
      assertThat(task.attempts()).isLessThanOrEqualTo(dag.get(j).retries() + 1);
      assertThat(task.state().isFinal()).isTrue();
    }
    assertThat(ThreadPoolExecutorTest.leftoverThreads(before)).isEmpty();
  }

  /** One part of a wide fan-out: how it depends on the root and what its condition says. */
  record Part(boolean outcomeEdge, boolean runs, int fanIn) {}

  @Provide
  Arbitrary<List<Part>> wideFanOuts() {
    return Arbitraries.integers()
        .between(257, 2_048) // more edges than the engine counts on one thread (Execution.SPREAD)
        .flatMap(
            width ->
                Arbitraries.randoms()
                    .map(
                        random -> {
                          List<Part> parts = new ArrayList<>();
                          for (int i = 0; i < width; i++) {
                            parts.add(
                                new Part(
                                    random.nextInt(4) == 0,
                                    random.nextInt(10) != 0,
                                    random.nextInt(3)));
                          }
                          return parts;
                        }));
  }

  /**
   * A root with more downstream steps than one thread counts down alone: the workers share them.
   * Whether the root completes or fails, each part ends exactly as its edge and its condition say,
   * runs at most once, and each of three fan-ins sees exactly the parts that completed.
   */
  @Property(tries = 60)
  void everyPartOfAWideFanOutEndsAsItsEdgeAndConditionSay(
      @ForAll("wideFanOuts") List<Part> parts, @ForAll boolean rootFails) {
    Map<Integer, AtomicInteger> calls = new ConcurrentHashMap<>();
    Flow<Void> flow =
        Flows.named("wide-random")
            .define(
                f -> {
                  TaskHandle<Integer> root =
                      f.task(
                          "root",
                          () -> {
                            if (rootFails) {
                              throw new IOException("root fails");
                            }
                            return 1;
                          });
                  List<List<Ref<dev.sluice.api.Outcome<Integer>>>> fanIns =
                      List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
                  for (int i = 0; i < parts.size(); i++) {
                    int k = i;
                    Part part = parts.get(i);
                    Ref<?> input = part.outcomeEdge() ? root.outcome() : root;
                    TaskHandle<Integer> task =
                        f.gather(
                                "p" + i,
                                List.of(input),
                                values -> {
                                  calls
                                      .computeIfAbsent(k, x -> new AtomicInteger())
                                      .incrementAndGet();
                                  return k;
                                })
                            .onlyIf(f.task("c" + i, () -> part.runs()));
                    fanIns.get(part.fanIn()).add(task.outcome());
                  }
                  for (int g = 0; g < fanIns.size(); g++) {
                    f.gather(
                        "in" + g,
                        fanIns.get(g),
                        values -> (int) values.stream().filter(v -> v.isSuccess()).count());
                  }
                });
    try (Sluice sluice =
        Sluice.builder().executor("threadpool").setting("executor.parallelism", "4").build()) {
      FlowRun run = sluice.run(flow);

      for (int i = 0; i < parts.size(); i++) {
        Part part = parts.get(i);
        var state = run.taskRun("p" + i).orElseThrow().state();
        int ran = calls.getOrDefault(i, new AtomicInteger()).get();
        if (rootFails && !part.outcomeEdge()) { // a value it needs is missing: never tested
          assertThat(state).as("p%d", i).isInstanceOf(dev.sluice.api.State.NotReady.class);
        } else if (!part.runs()) {
          assertThat(state).as("p%d", i).isInstanceOf(dev.sluice.api.State.Skipped.class);
        } else {
          assertThat(state.isCompleted()).as("p%d is %s", i, state).isTrue();
        }
        assertThat(ran).as("calls of p%d", i).isEqualTo(state.isCompleted() ? 1 : 0);
      }
      int[] completed = new int[3];
      for (int i = 0; i < parts.size(); i++) {
        if (run.taskRun("p" + i).orElseThrow().state().isCompleted()) {
          completed[parts.get(i).fanIn()]++;
        }
      }
      for (int g = 0; g < 3; g++) {
        assertThat(run.taskRun("in" + g).orElseThrow().state().isCompleted()).isTrue();
        assertThat(run.result("in" + g, Integer.class)).as("in%d", g).isEqualTo(completed[g]);
      }
      assertThat(run.taskRuns()).hasSize(1 + 2 * parts.size() + 3);
    }
  }

  @Provide
  Arbitrary<String> threads() {
    return Arbitraries.of("platform", "virtual");
  }
}
