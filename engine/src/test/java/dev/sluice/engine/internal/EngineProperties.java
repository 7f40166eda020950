package dev.sluice.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.api.Flow;
import dev.sluice.api.FlowRun;
import dev.sluice.api.Outcome;
import dev.sluice.api.State;
import dev.sluice.api.TaskRun;
import dev.sluice.api.spi.FlowOptions;
import dev.sluice.api.spi.Input;
import dev.sluice.api.spi.Step;
import dev.sluice.api.spi.TaskOptions;
import dev.sluice.api.spi.TaskStep;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicIntegerArray;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The engine's invariants over random DAGs on the local executor, checked against a reference
 * evaluation in definition (= topological) order.
 */
class EngineProperties {

  /** One upstream edge: from step {@code source}, taking its value or its outcome. */
  record Edge(int source, boolean outcome) {}

  /** Step i has upstreams {@code edges.get(i)}, all of earlier steps; {@code fails[i]} throws. */
  record Dag(List<List<Edge>> edges, List<Boolean> fails) {
    int size() {
      return edges.size();
    }

    @Override
    public String toString() {
      StringBuilder s = new StringBuilder();
      for (int i = 0; i < size(); i++) {
        s.append("\n  s").append(i).append(fails.get(i) ? " (fails)" : "").append(" <- ");
        for (Edge e : edges.get(i)) {
          s.append(e.outcome() ? "outcome(s" : "s")
              .append(e.source())
              .append(e.outcome() ? ") " : " ");
        }
      }
      return s.toString();
    }
  }

  @Provide
  Arbitrary<Dag> dags() {
    return Arbitraries.integers()
        .between(1, 30)
        .flatMap(
            n -> {
              List<Arbitrary<List<Edge>>> perStep = new ArrayList<>();
              for (int i = 0; i < n; i++) {
                if (i == 0) {
                  perStep.add(Arbitraries.just(List.of()));
                  continue;
                }
                Arbitrary<Edge> edge =
                    Combinators.combine(
                            Arbitraries.integers().between(0, i - 1),
                            Arbitraries.integers().between(0, 3).map(k -> k == 0))
                        .as(Edge::new);
                perStep.add(edge.list().ofMaxSize(3));
              }
              Arbitrary<List<List<Edge>>> edges = Combinators.combine(perStep).as(l -> l);
              Arbitrary<List<Boolean>> fails =
                  Arbitraries.integers().between(0, 5).map(k -> k == 0).list().ofSize(n);
              return Combinators.combine(edges, fails).as(Dag::new);
            });
  }

  private static Engine engine() {
    return EngineComponent.create(
            new EngineConfiguration(
                null, null, List.of(), false, InstantSource.system(), Map.of(), true))
        .engine();
  }

  private static Flow<Object> toFlow(Dag dag, AtomicIntegerArray calls) {
    List<Step<?>> steps = new ArrayList<>();
    for (int i = 0; i < dag.size(); i++) {
      int index = i;
      boolean fails = dag.fails().get(i);
      List<Input> inputs =
          dag.edges().get(i).stream().map(e -> new Input("s" + e.source(), e.outcome())).toList();
      steps.add(
          new TaskStep<>(
              "s" + i,
              Integer.class,
              TaskOptions.DEFAULTS,
              inputs,
              List.of(),
              null,
              args -> {
                calls.incrementAndGet(index);
                if (fails) {
                  throw new IllegalStateException("s" + index + " fails");
                }
                int sum = 1;
                for (int a = 0; a < args.size(); a++) {
                  Object arg = args.get(a);
                  sum +=
                      arg instanceof Outcome<?> o
                          ? (o.isSuccess() ? (Integer) o.value() : 0)
                          : (Integer) arg;
                }
                return sum;
              }));
    }
    return Flow.of("random", FlowOptions.DEFAULTS, List.of(), steps, null);
  }

  @Property(tries = 300)
  void everyStepEndsAsTheReferenceSays(@ForAll("dags") Dag dag) {
    int n = dag.size();
    // Reference: completed value, or null when the step did not complete.
    Integer[] value = new Integer[n];
    boolean[] ran = new boolean[n];
    boolean[] failed = new boolean[n];
    for (int i = 0; i < n; i++) {
      boolean blocked = false;
      int sum = 1;
      for (Edge e : dag.edges().get(i)) {
        if (e.outcome()) {
          sum += value[e.source()] == null ? 0 : value[e.source()];
        } else if (value[e.source()] == null) {
          blocked = true;
        } else {
          sum += value[e.source()];
        }
      }
      if (blocked) {
        continue;
      }
      ran[i] = true;
      if (dag.fails().get(i)) {
        failed[i] = true;
      } else {
        value[i] = sum;
      }
    }
    boolean flowFails = false;
    for (int i = 0; i < n; i++) {
      if (!failed[i]) {
        continue;
      }
      boolean hasEdges = false;
      boolean allOutcome = true;
      for (int d = i + 1; d < n; d++) {
        for (Edge e : dag.edges().get(d)) {
          if (e.source() == i) {
            hasEdges = true;
            allOutcome &= e.outcome();
          }
        }
      }
      flowFails |= !(hasEdges && allOutcome);
    }

    AtomicIntegerArray calls = new AtomicIntegerArray(n);
    FlowRun run;
    try (Engine engine = engine()) {
      run = engine.run(toFlow(dag, calls), Map.of());
    }

    assertThat(run.state().isFinal()).isTrue();
    assertThat(run.state().isCompleted()).as("flow completed").isEqualTo(!flowFails);
    for (int i = 0; i < n; i++) {
      TaskRun t = run.taskRuns().get(i);
      assertThat(calls.get(i)).as("calls of s%d", i).isEqualTo(ran[i] ? 1 : 0);
      assertThat(t.attempts()).as("attempts of s%d", i).isEqualTo(ran[i] ? 1 : 0);
      if (value[i] != null) {
        assertThat(t.state()).as("s%d", i).isEqualTo(State.COMPLETED);
        assertThat(t.result()).as("result of s%d", i).isEqualTo(value[i]);
      } else if (failed[i]) {
        assertThat(t.state()).as("s%d", i).isInstanceOf(State.Failed.class);
      } else {
        assertThat(t.state()).as("s%d", i).isInstanceOf(State.NotReady.class);
        String upstream = ((State.NotReady) t.state()).upstream();
        // It names an upstream it takes the value of, and that upstream did not complete.
        assertThat(dag.edges().get(i))
            .as("s%d names %s", i, upstream)
            .anySatisfy(
                e -> {
                  assertThat(e.outcome()).isFalse();
                  assertThat("s" + e.source()).isEqualTo(upstream);
                  assertThat(value[e.source()]).isNull();
                });
      }
    }
  }
}
