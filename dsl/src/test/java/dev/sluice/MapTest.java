package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.api.Flow;
import dev.sluice.api.FlowRun;
import dev.sluice.api.MapFailedException;
import dev.sluice.api.State;
import dev.sluice.api.TaskRun;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class MapTest {

  @Test
  void mapRunsOneTaskRunPerElementAndGathersResultsInOrder() {
    Flow<Integer> flow =
        Flows.named("squares")
            .returning(
                f -> {
                  var numbers = f.task("numbers", () -> List.of(3, 1, 2));
                  var squares = f.map("square", numbers, n -> n * n);
                  return f.task("sum", squares, list -> list.stream().mapToInt(i -> i).sum());
                });
    try (Sluice sluice = Sluice.builder().executor("local").retainResults().build()) {
      FlowRun run = sluice.run(flow);

      assertThat(run.result()).isEqualTo(14);
      TaskRun map = run.taskRun("square").orElseThrow();
      assertThat(map.result()).isEqualTo(List.of(9, 1, 4));
      assertThat(map.elements())
          .extracting(TaskRun::name)
          .containsExactly("square[0]", "square[1]", "square[2]");
      assertThat(map.elements()).allSatisfy(e -> assertThat(e.state()).isEqualTo(State.COMPLETED));
      assertThat(map.elements().get(2).mapIndex()).hasValue(2);
      assertThat(map.elements().get(1).result()).isEqualTo(1);
      assertThat(map.elements().stream().map(TaskRun::id).distinct()).hasSize(3);
    }
  }

  @Test
  void eachElementHasItsOwnStateAndRetries() {
    Map<Integer, AtomicInteger> calls = new ConcurrentHashMap<>();
    Flow<List<Integer>> flow =
        Flows.named("flaky-elements")
            .returning(
                f -> {
                  var numbers = f.task("numbers", () -> List.of(1, 2, 3, 4));
                  return f.map(
                          "check",
                          numbers,
                          n -> {
                            int call =
                                calls
                                    .computeIfAbsent(n, k -> new AtomicInteger())
                                    .incrementAndGet();
                            if (n % 2 == 0 && call < n) {
                              throw new IOException("element " + n + " call " + call);
                            }
                            return n * 10;
                          })
                      .retries(3);
                });
    try (Sluice sluice = Sluice.builder().executor("local").build()) {
      FlowRun run = sluice.run(flow);

      assertThat(run.result()).isEqualTo(List.of(10, 20, 30, 40));
      List<TaskRun> elements = run.taskRun("check").orElseThrow().elements();
      assertThat(elements).extracting(TaskRun::attempts).containsExactly(1, 2, 1, 4);
      assertThat(run.taskRun("check").orElseThrow().attempts()).isEqualTo(1);
    }
  }

  @Test
  void aFailedElementFailsTheMapButTheOthersStillRun() {
    Flow<Void> flow =
        Flows.named("partial")
            .define(
                f -> {
                  var numbers = f.task("numbers", () -> List.of(1, 2, 3));
                  var checked =
                      f.map(
                          "check",
                          numbers,
                          n -> {
                            if (n == 2) {
                              throw new IllegalArgumentException("two is bad");
                            }
                            return n;
                          });
                  f.task("after", checked, list -> list.size());
                });
    try (Sluice sluice = Sluice.builder().executor("local").build()) {
      FlowRun run = sluice.run(flow);

      TaskRun map = run.taskRun("check").orElseThrow();
      assertThat(map.elements())
          .extracting(e -> e.state().name())
          .containsExactly("Completed", "Failed", "Completed");
      assertThat(map.state())
          .isInstanceOfSatisfying(
              State.Failed.class,
              failed ->
                  assertThat(failed.error())
                      .isInstanceOfSatisfying(
                          MapFailedException.class,
                          e -> {
                            assertThat(e.failed()).isEqualTo(1);
                            assertThat(e.total()).isEqualTo(3);
                            assertThat(e)
                                .hasMessageContaining("check[1] Failed")
                                .hasRootCauseMessage("two is bad");
                          }));
      assertThat(run.taskRun("after").orElseThrow().state()).isEqualTo(new State.NotReady("check"));
      assertThat(run.state()).isInstanceOf(State.Failed.class);
    }
  }

  @Test
  void anEmptyListMapsToAnEmptyList() {
    Flow<List<Object>> flow =
        Flows.named("empty").returning(f -> f.map("each", f.task("none", List::of), x -> x));
    try (Sluice sluice = Sluice.builder().executor("local").build()) {
      FlowRun run = sluice.run(flow);
      assertThat(run.result()).isEqualTo(List.of());
      assertThat(run.taskRun("each").orElseThrow().elements()).isEmpty();
    }
  }

  @Test
  void aBroadcastValueReachesEveryElement() {
    Flow<List<String>> flow =
        Flows.named("broadcast")
            .returning(
                f -> {
                  var prefix = f.param("prefix", String.class).withDefault("#");
                  var items = f.task("items", () -> List.of("a", "b"));
                  return f.map("label", items, prefix, (item, p) -> p + item);
                });
    try (Sluice sluice = Sluice.builder().executor("local").build()) {
      assertThat(sluice.run(flow, Map.of("prefix", ">")).result()).isEqualTo(List.of(">a", ">b"));
    }
  }

  @Test
  void mapOverSomethingThatIsNotAListFailsWithTheNames() {
    Flow<List<Object>> flow =
        Flows.named("not-a-list")
            .returning(
                f -> {
                  var raw = f.task("raw", () -> (Object) "text");
                  @SuppressWarnings("unchecked")
                  Ref<List<Object>> fake = (Ref<List<Object>>) (Ref<?>) raw;
                  return f.map("each", fake, x -> x);
                });
    try (Sluice sluice = Sluice.builder().executor("local").build()) {
      FlowRun run = sluice.run(flow);
      assertThat(run.taskRun("each").orElseThrow().error().orElseThrow())
          .hasMessage(
              "map step 'each' needs a list (an Iterable) from 'raw', got java.lang.String");
    }
  }

  @Test
  void maxParallelBoundsHowManyElementsRunAtOnce() throws Exception {
    AtomicInteger running = new AtomicInteger();
    AtomicInteger peak = new AtomicInteger();
    Flow<List<Integer>> flow =
        Flows.named("bounded")
            .returning(
                f -> {
                  var items = f.task("items", () -> IntStream.range(0, 40).boxed().toList());
                  return f.map(
                          "slow",
                          items,
                          n -> {
                            int now = running.incrementAndGet();
                            peak.accumulateAndGet(now, Math::max);
                            Thread.sleep(5);
                            running.decrementAndGet();
                            return n;
                          })
                      .maxParallel(3);
                });
    try (Sluice sluice = Sluice.builder().executor(new PoolExecutor(8)).build()) {
      FlowRun run = sluice.run(flow);

      assertThat(run.result()).isEqualTo(IntStream.range(0, 40).boxed().toList());
      assertThat(peak.get()).isBetween(2, 3);
    }
  }
}
