package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.api.Flow;
import dev.sluice.api.FlowRun;
import dev.sluice.api.State;
import dev.sluice.api.StateType;
import dev.sluice.api.TaskRun;
import java.io.IOException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Engine invariants over random DAGs, on the local executor and on a 4-thread pool.
 *
 * <p>A random DAG has nodes 0..n-1; node j's upstreams are a random subset of 0..j-1, each edge a
 * data edge, an order-only edge or an outcome edge.
 */
class EngineProperties {
  private static Sluice local;
  private static Sluice pool;

  @BeforeContainer
  static void start() {
    local = Sluice.builder().executor("local").discoverListeners(false).build();
    pool = Sluice.builder().executor(new PoolExecutor(4)).discoverListeners(false).build();
  }

  @AfterContainer
  static void stop() {
    local.close();
    pool.close();
  }

  enum Edge {
    DATA,
    ORDER,
    OUTCOME
  }

  /** A random DAG: per node, its upstream edges; and which nodes fail, and which may. */
  record Dag(List<Map<Integer, Edge>> upstreams, BitSet failing, BitSet allowed) {
    int size() {
      return upstreams.size();
    }

    /** Whether some edge leaves {@code node}, and every such edge is an outcome edge. */
    boolean handled(int node) {
      boolean any = false;
      for (Map<Integer, Edge> ups : upstreams) {
        Edge e = ups.get(node);
        if (e != null) {
          any = true;
          if (e != Edge.OUTCOME) {
            return false;
          }
        }
      }
      return any;
    }
  }

  @Provide
  Arbitrary<Dag> dags() {
    return Arbitraries.integers()
        .between(1, 40)
        .flatMap(
            n ->
                Combinators.combine(
                        Arbitraries.randoms(),
                        Arbitraries.doubles().between(0.0, 0.5),
                        Arbitraries.doubles().between(0.0, 0.3),
                        Arbitraries.doubles().between(0.0, 0.2))
                    .as(
                        (random, density, failRate, allowRate) -> {
                          List<Map<Integer, Edge>> ups = new ArrayList<>();
                          BitSet failing = new BitSet();
                          BitSet allowed = new BitSet();
                          for (int j = 0; j < n; j++) {
                            Map<Integer, Edge> edges = new HashMap<>();
                            for (int i = 0; i < j; i++) {
                              if (random.nextDouble() < density) {
                                edges.put(i, Edge.values()[random.nextInt(3)]);
                              }
                            }
                            ups.add(edges);
                            if (random.nextDouble() < failRate) {
                              failing.set(j);
                            }
                            if (random.nextDouble() < allowRate) {
                              allowed.set(j);
                            }
                          }
                          return new Dag(ups, failing, allowed);
                        }));
  }

  /** Builds the DAG as a flow whose tasks record when they start and end. */
  private static Flow<Void> flow(Dag dag, Journal journal) {
    String[] expected = expectedStates(dag);
    return Flows.named("random")
        .define(
            f -> {
              List<TaskHandle<Integer>> nodes = new ArrayList<>();
              for (int j = 0; j < dag.size(); j++) {
                int node = j;
                List<Ref<?>> data = new ArrayList<>();
                List<Ref<?>> order = new ArrayList<>();
                dag.upstreams().get(j).entrySet().stream()
                    .sorted(Map.Entry.comparingByKey())
                    .forEach(
                        e -> {
                          TaskHandle<Integer> up = nodes.get(e.getKey());
                          switch (e.getValue()) {
                            case DATA -> data.add(up);
                            case OUTCOME -> data.add(up.outcome());
                            case ORDER -> order.add(up);
                          }
                        });
                TaskHandle<Integer> task =
                    f.gather(
                        "n" + j,
                        data,
                        values -> {
                          // Upstreams that never run (NotReady) have nothing to have ended.
                          journal.started(
                              node,
                              dag.upstreams().get(node).keySet().stream()
                                  .filter(up -> !expected[up].equals("NotReady"))
                                  .toList());
                          if (dag.failing().get(node)) {
                            journal.ended(node);
                            throw new IOException("node " + node + " fails");
                          }
                          journal.ended(node);
                          return node;
                        });
                task.waitFor(order.toArray(new Ref<?>[0]));
                if (dag.allowed().get(j)) {
                  task.allowFailure();
                }
                nodes.add(task);
              }
            });
  }

  /** What the tasks did: how often each ran, and whether an upstream had not ended first. */
  static final class Journal {
    final Map<Integer, AtomicInteger> runs = new ConcurrentHashMap<>();
    final Set<Integer> ended = ConcurrentHashMap.newKeySet();
    final List<String> violations = new java.util.concurrent.CopyOnWriteArrayList<>();

    void started(int node, List<Integer> upstreams) {
      runs.computeIfAbsent(node, k -> new AtomicInteger()).incrementAndGet();
      for (int up : upstreams) {
        if (!ended.contains(up)) {
          violations.add("n" + node + " started before its upstream n" + up + " ended");
        }
      }
    }

    void ended(int node) {
      ended.add(node);
    }
  }

  /** The states DESIGN.md's rules give each node: Completed, Failed or NotReady. */
  private static String[] expectedStates(Dag dag) {
    String[] state = new String[dag.size()];
    for (int j = 0; j < dag.size(); j++) {
      boolean blocked = false;
      for (Map.Entry<Integer, Edge> e : dag.upstreams().get(j).entrySet()) {
        if (e.getValue() != Edge.OUTCOME && !state[e.getKey()].equals("Completed")) {
          blocked = true;
        }
      }
      state[j] = blocked ? "NotReady" : dag.failing().get(j) ? "Failed" : "Completed";
    }
    return state;
  }

  @Property(tries = 500)
  void everyTaskRunsOnceAfterItsUpstreamsOnAnyExecutor(@ForAll("dags") Dag dag) {
    Dag healthy = new Dag(dag.upstreams(), new BitSet(), new BitSet());
    for (Sluice sluice : List.of(local, pool)) {
      Journal journal = new Journal();
      FlowRun run = sluice.run(flow(healthy, journal));

      assertThat(run.state()).isEqualTo(State.COMPLETED);
      assertThat(journal.violations).isEmpty();
      assertThat(journal.runs).hasSize(dag.size());
      assertThat(journal.runs.values()).allSatisfy(c -> assertThat(c).hasValue(1));
    }
  }

  @Property(tries = 500)
  void exactlyTheTasksTheRulesSayAreNotReadyAreNotReady(@ForAll("dags") Dag dag) {
    String[] expected = expectedStates(dag);
    for (Sluice sluice : List.of(local, pool)) {
      Journal journal = new Journal();
      FlowRun run = sluice.run(flow(dag, journal));

      List<String> actual = run.taskRuns().stream().map(t -> t.state().name()).toList();
      assertThat(actual).containsExactly(expected);
      assertThat(journal.violations).isEmpty();
      for (int j = 0; j < dag.size(); j++) {
        TaskRun task = run.taskRuns().get(j);
        assertThat(journal.runs.containsKey(j)).isEqualTo(!expected[j].equals("NotReady"));
        assertThat(task.attempts()).isEqualTo(expected[j].equals("NotReady") ? 0 : 1);
      }
    }
  }

  @Property(tries = 500)
  void theFlowsFinalStateFollowsTheRule(@ForAll("dags") Dag dag) {
    String[] states = expectedStates(dag);
    boolean unhandledFailure = false;
    for (int j = 0; j < dag.size(); j++) {
      if (states[j].equals("Failed") && !dag.allowed().get(j) && !dag.handled(j)) {
        unhandledFailure = true;
      }
    }
    for (Sluice sluice : List.of(local, pool)) {
      FlowRun run = sluice.run(flow(dag, new Journal()));

      assertThat(run.state().type())
          .isEqualTo(unhandledFailure ? StateType.FAILED : StateType.COMPLETED);
    }
  }

  @Property(tries = 100)
  void aTaskFailingKTimesWithEnoughRetriesCompletesWithKPlusOneAttempts(
      @ForAll("failures") int k, @ForAll("extraRetries") int extra) {
    AtomicInteger calls = new AtomicInteger();
    Flow<Integer> flow =
        Flows.named("k-failures")
            .returning(
                f ->
                    f.task(
                            "flaky",
                            () -> {
                              if (calls.incrementAndGet() <= k) {
                                throw new IOException("failure " + calls.get());
                              }
                              return calls.get();
                            })
                        .retries(k + extra));
    for (Sluice sluice : List.of(local, pool)) {
      calls.set(0);
      FlowRun run = sluice.run(flow);

      TaskRun task = run.taskRun("flaky").orElseThrow();
      assertThat(task.state()).isEqualTo(State.COMPLETED);
      assertThat(task.attempts()).isEqualTo(k + 1);
      assertThat(calls).hasValue(k + 1);
      assertThat(task.history().stream().filter(h -> h.state() instanceof State.AwaitingRetry))
          .hasSize(k);
    }
  }

  @Property(tries = 100)
  void aTaskFailingMoreThanItsRetriesFailsAfterRetriesPlusOneAttempts(
      @ForAll("failures") int retries, @ForAll("extraRetries") int more) {
    AtomicInteger calls = new AtomicInteger();
    Flow<Integer> flow =
        Flows.named("too-many-failures")
            .returning(
                f ->
                    f.task(
                            "flaky",
                            () -> {
                              if (calls.incrementAndGet() <= retries + 1 + more) {
                                throw new IOException("failure " + calls.get());
                              }
                              return calls.get();
                            })
                        .retries(retries));
    FlowRun run = local.run(flow);

    TaskRun task = run.taskRun("flaky").orElseThrow();
    assertThat(task.state()).isInstanceOf(State.Failed.class);
    assertThat(task.attempts()).isEqualTo(retries + 1);
    assertThat(task.error().orElseThrow()).hasMessage("failure " + (retries + 1));
  }

  @Provide
  Arbitrary<Integer> failures() {
    return Arbitraries.integers().between(0, 6);
  }

  @Provide
  Arbitrary<Integer> extraRetries() {
    return Arbitraries.integers().between(0, 3);
  }
}
