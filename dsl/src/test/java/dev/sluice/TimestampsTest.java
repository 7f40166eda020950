package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.api.Flow;
import dev.sluice.api.FlowRun;
import dev.sluice.api.State;
import dev.sluice.api.StateChange;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * When the engine reads the clock: an attempt run back to back after one that made few steps ready
 * takes that one's Completed instant as its Running instant; otherwise it reads the clock. On the
 * local executor, so the order in which attempts run is fixed.
 */
class TimestampsTest {
  private final Sluice sluice = Sluice.builder().executor("local").build();

  @AfterEach
  void close() {
    sluice.close();
  }

  private static Instant at(FlowRun run, String task, State state) {
    List<StateChange> history = run.taskRun(task).orElseThrow().history();
    return history.stream()
        .filter(change -> change.state().equals(state))
        .findFirst()
        .orElseThrow()
        .at();
  }

  @Test
  void aStepRunRightAfterTheOneBeforeItStartsWhenThatOneCompleted() {
    Flow<Integer> chain =
        Flows.named("chain")
            .returning(
                f -> {
                  var a = f.task("a", () -> 1);
                  var b = f.task("b", a, x -> x + 1);
                  return f.task("c", b, x -> x + 1);
                });

    FlowRun run = sluice.run(chain);

    assertThat(run.result()).isEqualTo(3);
    assertThat(at(run, "b", State.RUNNING)).isEqualTo(at(run, "a", State.COMPLETED));
    assertThat(at(run, "c", State.RUNNING)).isEqualTo(at(run, "b", State.COMPLETED));
  }

  @Test
  void aStepRunAfterOneThatMadeManyStepsReadyReadsTheClock() throws Exception {
    Flow<Void> fan =
        Flows.named("fan")
            .define(
                f -> {
                  // The root makes 9 steps ready: more than an ending attempt may hand its end on.
                  var root = f.action("root", () -> Thread.sleep(2));
                  for (int i = 0; i < 9; i++) {
                    f.action("leaf" + i, () -> {}).waitFor(root);
                  }
                });

    FlowRun run = sluice.run(fan);

    assertThat(run.state()).isEqualTo(State.COMPLETED);
    // First in first out: leaf0 runs right after the root, yet reads the clock...
    assertThat(at(run, "leaf0", State.RUNNING)).isAfter(at(run, "root", State.COMPLETED));
    // ...and each leaf after it (which made no step ready) hands its end on to the next.
    for (int i = 1; i < 9; i++) {
      assertThat(at(run, "leaf" + i, State.RUNNING))
          .isEqualTo(at(run, "leaf" + (i - 1), State.COMPLETED));
    }
  }

  @Test
  void aStepRunAfterAFailedOneReadsTheClock() {
    Flow<Void> flow =
        Flows.named("failure")
            .define(
                f -> {
                  var start = f.action("start", () -> {});
                  f.action(
                          "boom",
                          () -> {
                            throw new IllegalStateException("boom");
                          })
                      .waitFor(start);
                  f.action("after", () -> {}).waitFor(start);
                });

    FlowRun run = sluice.run(flow);

    assertThat(run.taskRun("boom").orElseThrow().state()).isInstanceOf(State.Failed.class);
    // 'after' ran right after 'boom', whose failure was logged after its end: not handed on.
    Instant failed = run.taskRun("boom").orElseThrow().history().getLast().at();
    assertThat(at(run, "after", State.RUNNING)).isAfter(failed);
  }

  /** Every task run's stamps in order, and none starts before an upstream it waited for ended. */
  private static void assertCausal(FlowRun run, Map<String, List<String>> upstreams) {
    for (var taskRun : run.taskRuns()) {
      List<StateChange> history = taskRun.history();
      for (int k = 1; k < history.size(); k++) {
        assertThat(history.get(k).at())
            .as("%s: %s after %s", taskRun.name(), history.get(k).state(), history.get(k - 1))
            .isAfterOrEqualTo(history.get(k - 1).at());
      }
    }
    upstreams.forEach(
        (task, ups) -> {
          for (String up : ups) {
            assertThat(at(run, task, State.RUNNING))
                .as("%s starts after %s completed", task, up)
                .isAfterOrEqualTo(at(run, up, State.COMPLETED));
          }
        });
  }

  @Test
  void mapsConditionsAndListenersNeverMakeAStampGoBack() {
    List<String> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
    Flow<List<Integer>> flow =
        Flows.named("mixed")
            .returning(
                f -> {
                  var items = f.task("items", () -> List.of(1, 2, 3));
                  var doubled = f.map("doubled", items, x -> x * 2);
                  var gate = f.task("gate", () -> true);
                  f.action("gated", () -> {}).onlyIf(gate).waitFor(doubled);
                  return doubled;
                });
    for (boolean listening : new boolean[] {false, true}) {
      Sluice.Builder builder = Sluice.builder().executor("local");
      if (listening) {
        builder.listener(
            new dev.sluice.api.RunListener() {
              @Override
              public void onTaskRunStateChanged(dev.sluice.api.TaskRunEvent event) {
                heard.add(event.taskName());
              }
            });
      }
      try (Sluice own = builder.build()) {
        FlowRun run = own.run(flow);

        assertThat(run.result()).isEqualTo(List.of(2, 4, 6));
        assertCausal(run, Map.of("doubled", List.of("items"), "gated", List.of("gate", "doubled")));
      }
    }
    assertThat(heard).isNotEmpty();
  }
}
