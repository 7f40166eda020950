package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.api.Flow;
import dev.sluice.api.FlowRun;
import dev.sluice.api.FlowRunEvent;
import dev.sluice.api.RunListener;
import dev.sluice.api.State;
import dev.sluice.api.StateChange;
import dev.sluice.api.TaskRun;
import dev.sluice.api.TaskRunEvent;
import java.io.IOException;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/** What a run records and tells: ids, histories, results, listeners, MDC, hooks. */
class RunRecordTest {

  private static Flow<Integer> chain() {
    return Flows.named("chain")
        .returning(
            f -> {
              var a = f.task("a", () -> 1);
              var b = f.task("b", a, x -> x + 1);
              return f.task("c", b, x -> x + 1);
            });
  }

  @Test
  void idsAreTimeOrderedUuidV7() {
    try (Sluice sluice = Sluice.builder().executor("local").build()) {
      FlowRun first = sluice.run(chain());
      FlowRun second = sluice.run(chain());

      List<UUID> ids = new ArrayList<>();
      ids.add(first.id());
      first.taskRuns().forEach(t -> ids.add(t.id()));
      ids.add(second.id());
      second.taskRuns().forEach(t -> ids.add(t.id()));
      assertThat(ids).allSatisfy(id -> assertThat(id.version()).isEqualTo(7));
      assertThat(ids).allSatisfy(id -> assertThat(id.variant()).isEqualTo(2));
      assertThat(ids).isSortedAccordingTo(UUID::compareTo).doesNotHaveDuplicates();
      long millis = first.id().getMostSignificantBits() >>> 16;
      assertThat(Instant.ofEpochMilli(millis))
          .isBetween(first.startTime().minusSeconds(1), first.startTime().plusSeconds(1));
      assertThat(first.taskRuns()).allSatisfy(t -> assertThat(t.flowRunId()).isEqualTo(first.id()));
    }
  }

  @Test
  void historiesAreOrderedAndTimed() {
    try (Sluice sluice = Sluice.builder().executor("local").build()) {
      FlowRun run = sluice.run(chain());

      assertThat(run.history())
          .extracting(h -> h.state().name())
          .containsExactly("Pending", "Running", "Completed");
      assertThat(run.history()).extracting(StateChange::at).isSorted();
      for (TaskRun task : run.taskRuns()) {
        assertThat(task.history())
            .extracting(h -> h.state().name())
            .containsExactly("Pending", "Running", "Completed");
        assertThat(task.history()).extracting(StateChange::at).isSorted();
        assertThat(task.startTime()).isPresent();
        assertThat(task.endTime().orElseThrow()).isAfterOrEqualTo(task.startTime().orElseThrow());
        assertThat(task.duration())
            .isEqualTo(Duration.between(task.startTime().get(), task.endTime().get()));
        assertThat(task.attempts()).isEqualTo(1);
      }
      assertThat(run.endTime().orElseThrow()).isAfterOrEqualTo(run.startTime());
      // b started after a ended: the DAG's order is visible in the record.
      assertThat(run.taskRun("b").orElseThrow().startTime().orElseThrow())
          .isAfterOrEqualTo(run.taskRun("a").orElseThrow().endTime().orElseThrow());
    }
  }

  @Test
  void intermediateResultsAreReleasedOnceConsumedUnlessKept() {
    try (Sluice sluice = Sluice.builder().executor("local").build()) {
      Flow<Integer> flow =
          Flows.named("release")
              .returning(
                  f -> {
                    var a = f.task("a", () -> 1);
                    var b = f.task("b", a, x -> x + 1).keepResult();
                    var c = f.task("c", b, x -> x + 1);
                    f.task("sink", c, x -> x * 100);
                    return c;
                  });

      FlowRun run = sluice.run(flow);

      assertThat(run.taskRun("a").orElseThrow().hasResult()).isFalse();
      assertThatThrownBy(() -> run.taskRun("a").orElseThrow().result())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("released")
          .hasMessageContaining("keepResult()");
      assertThat(run.result("b", Integer.class)).isEqualTo(2);
      assertThat(run.result()).isEqualTo(3); // the flow's result step is always kept
      assertThat(run.result("sink", Integer.class)).isEqualTo(300); // nobody consumes a sink
    }
    try (Sluice sluice = Sluice.builder().executor("local").retainResults().build()) {
      assertThat(sluice.run(chain()).result("a", Integer.class)).isEqualTo(1);
    }
  }

  @Test
  void aLongChainDoesNotKeepEveryValueAlive() {
    List<WeakReference<byte[]>> produced = Collections.synchronizedList(new ArrayList<>());
    Flow<Integer> flow =
        Flows.named("big-values")
            .returning(
                f -> {
                  Ref<byte[]> previous = f.task("v0", () -> track(produced));
                  for (int i = 1; i < 50; i++) {
                    previous = f.task("v" + i, previous, bytes -> track(produced));
                  }
                  return f.task("size", previous, bytes -> bytes.length);
                });
    try (Sluice sluice = Sluice.builder().executor("local").build()) {
      FlowRun run = sluice.run(flow);
      assertThat(run.result()).isEqualTo(1 << 20);
      // 50 MiB were produced; the run record must not pin them.
      for (int i = 0; i < 10 && produced.stream().anyMatch(r -> r.get() != null); i++) {
        System.gc();
      }
      assertThat(produced).hasSize(50).allSatisfy(r -> assertThat(r.get()).isNull());
      assertThat(run.state()).isEqualTo(State.COMPLETED);
    }
  }

  private static byte[] track(List<WeakReference<byte[]>> produced) {
    byte[] value = new byte[1 << 20];
    produced.add(new WeakReference<>(value));
    return value;
  }

  @Test
  void listenersHearEveryTransitionAndAThrowingListenerIsIgnored() {
    List<String> heard = Collections.synchronizedList(new ArrayList<>());
    RunListener recorder =
        new RunListener() {
          @Override
          public void onFlowRunStateChanged(FlowRunEvent e) {
            heard.add(
                "flow "
                    + (e.previous() == null ? "-" : e.previous().name())
                    + ">"
                    + e.state().name());
          }

          @Override
          public void onTaskRunStateChanged(TaskRunEvent e) {
            heard.add(e.taskName() + " " + e.state().name() + " #" + e.attempt());
          }
        };
    RunListener broken =
        new RunListener() {
          @Override
          public void onTaskRunStateChanged(TaskRunEvent e) {
            throw new IllegalStateException("listener bug");
          }

          @Override
          public void onFlowRunStateChanged(FlowRunEvent e) {
            throw new IllegalStateException("listener bug");
          }
        };
    int[] calls = {0};
    Flow<Integer> flow =
        Flows.named("heard")
            .returning(
                f -> {
                  var a =
                      f.task(
                              "a",
                              () -> {
                                if (++calls[0] == 1) {
                                  throw new IOException("once");
                                }
                                return 1;
                              })
                          .retries(1);
                  return f.task("b", a, x -> x);
                });
    try (Sluice sluice =
        Sluice.builder().executor("local").listener(broken).listener(recorder).build()) {
      FlowRun run = sluice.run(flow);

      assertThat(run.state()).isEqualTo(State.COMPLETED);
      assertThat(heard)
          .containsExactly(
              "flow Pending>Running",
              "a Pending #0",
              "b Pending #0",
              "a Running #1",
              "a AwaitingRetry #1",
              "a Retrying #2",
              "a Completed #2",
              "b Running #1",
              "b Completed #1",
              "flow Running>Completed");
    }
  }

  @Test
  void taskCodeSeesItsRunInTheMdc() {
    Map<String, Map<String, String>> seen = new ConcurrentHashMap<>();
    Flow<Void> flow =
        Flows.named("mdc")
            .define(
                f -> {
                  var a = f.action("a", () -> seen.put("a", MDC.getCopyOfContextMap()));
                  f.action("b", () -> seen.put("b", MDC.getCopyOfContextMap())).waitFor(a);
                });
    try (Sluice sluice = Sluice.builder().executor("local").build()) {
      MDC.put("outer", "kept");
      FlowRun run = sluice.run(flow);

      for (String name : List.of("a", "b")) {
        assertThat(seen.get(name))
            .containsEntry("flow_run_id", run.id().toString())
            .containsEntry("task_run_id", run.taskRun(name).orElseThrow().id().toString())
            .containsEntry("task_name", name);
      }
      assertThat(MDC.get("task_name")).isNull();
      assertThat(MDC.get("outer")).isEqualTo("kept");
    } finally {
      MDC.clear();
    }
  }

  @Test
  void hooksRunOnCompletionOrFailureAndAThrowingHookIsIgnored() {
    List<String> called = Collections.synchronizedList(new ArrayList<>());
    Flow<Void> ok =
        Flows.named("ok")
            .onCompletion(
                run -> {
                  throw new IllegalStateException("hook bug");
                })
            .onCompletion(run -> called.add("completed " + run.state().name()))
            .onFailure(run -> called.add("failed?"))
            .define(f -> f.task("fine", () -> 1));
    Flow<Void> bad =
        Flows.named("bad")
            .onCompletion(run -> called.add("completed?"))
            .onFailure(
                run -> called.add("failed " + run.taskRun("broken").orElseThrow().state().name()))
            .define(
                f ->
                    f.task(
                        "broken",
                        () -> {
                          throw new IOException("no");
                        }));
    try (Sluice sluice = Sluice.builder().executor("local").build()) {
      assertThat(sluice.run(ok).state()).isEqualTo(State.COMPLETED);
      assertThat(sluice.run(bad).state()).isInstanceOf(State.Failed.class);
    }
    assertThat(called).containsExactly("completed Completed", "failed Failed");
  }

  @Test
  void theSummaryListsEveryTaskWithStateAttemptsAndDuration() {
    int[] calls = {0};
    Flow<Void> flow =
        Flows.named("summary")
            .define(
                f -> {
                  var a =
                      f.task(
                              "fetch",
                              () -> {
                                if (++calls[0] < 3) {
                                  throw new IOException("flaky");
                                }
                                return 1;
                              })
                          .retries(4);
                  f.task(
                      "broken",
                      a,
                      x -> {
                        throw new IllegalStateException("bad row");
                      });
                });
    try (Sluice sluice = Sluice.builder().executor("local").build()) {
      String summary = sluice.run(flow).summary();

      assertThat(summary.lines().toList().get(0))
          .startsWith("Flow run 'summary' ")
          .contains(": Failed in ");
      assertThat(summary).containsPattern("fetch +Completed +3 +[0-9.]+ (µs|ms)");
      assertThat(summary)
          .containsPattern("broken +Failed +1 +[0-9.]+ (µs|ms) +IllegalStateException: bad row");
    }
  }
}
