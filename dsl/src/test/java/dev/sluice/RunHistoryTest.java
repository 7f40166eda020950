package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.api.Flow;
import dev.sluice.api.FlowRun;
import dev.sluice.api.StateType;
import dev.sluice.api.store.FlowRunDetail;
import dev.sluice.api.store.FlowRunQuery;
import dev.sluice.api.store.FlowRunSummary;
import dev.sluice.api.store.RunStore;
import dev.sluice.api.store.StateRecord;
import dev.sluice.api.store.StoredLogLine;
import dev.sluice.api.store.TaskRunDetail;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Flow runs recorded into a real SQLite file by a real engine, read back through the store. */
class RunHistoryTest {
  private static final Logger log = LoggerFactory.getLogger(RunHistoryTest.class);

  @TempDir Path dir;

  private Sluice sluice(String executor) {
    Sluice.Builder builder = Sluice.builder().setting("store", dir.resolve("runs.db").toString());
    return (executor.equals("pool")
            ? builder.executor(new PoolExecutor(4))
            : builder.executor(executor))
        .build();
  }

  private static RunStore store(Sluice sluice) {
    RunStore store = sluice.runStore().orElseThrow();
    assertThat(store.recorder().flush(Duration.ofSeconds(30))).isTrue();
    return store;
  }

  private static List<String> names(List<StateRecord> history) {
    return history.stream().map(StateRecord::name).toList();
  }

  @Test
  void aRunIsRecordedWithItsFlowParametersTaskRunsStatesAndAttempts() {
    int[] calls = {0};
    Flow<Integer> flow =
        Flows.named("recorded")
            .version("7")
            .returning(
                f -> {
                  var n = f.param("n", Integer.class);
                  var flaky =
                      f.task(
                              "flaky",
                              n,
                              x -> {
                                if (calls[0]++ == 0) {
                                  throw new IllegalStateException("first attempt fails");
                                }
                                return x * 2;
                              })
                          .retries(1);
                  return f.task("plus one", flaky, x -> x + 1);
                });
    try (Sluice sluice = sluice("local")) {
      FlowRun run = sluice.run(flow, Map.of("n", 20));
      RunStore store = store(sluice);

      FlowRunDetail detail = store.history().flowRun(run.id()).orElseThrow();
      assertThat(detail.run().flowName()).isEqualTo("recorded");
      assertThat(detail.run().flowVersion()).isEqualTo("7");
      assertThat(detail.run().state().name()).isEqualTo("Completed");
      assertThat(detail.run().endTime()).isNotNull();
      assertThat(detail.parametersJson()).isEqualTo("{\"n\":20}");
      assertThat(names(detail.history())).containsExactly("Pending", "Running", "Completed");
      assertThat(detail.flow().steps())
          .extracting(s -> s.name())
          .containsExactly("flaky", "plus one");
      assertThat(detail.flow().steps().get(1).upstreams()).containsExactly("flaky");
      assertThat(detail.flow().mermaid()).isEqualTo(flow.toMermaid());

      TaskRunDetail flaky = detail.taskRuns().get(0);
      assertThat(flaky.name()).isEqualTo("flaky");
      assertThat(flaky.id()).isEqualTo(run.taskRun("flaky").orElseThrow().id());
      assertThat(flaky.attempts()).isEqualTo(2);
      assertThat(flaky.state().name()).isEqualTo("Completed");
      assertThat(names(flaky.history()))
          .containsExactly("Pending", "Running", "AwaitingRetry", "Retrying", "Completed");
      assertThat(flaky.startTime()).isNotNull();
      assertThat(flaky.endTime()).isAfterOrEqualTo(flaky.startTime());
      assertThat(flaky.error()).isNull();
      assertThat(detail.taskRuns().get(1).attempts()).isEqualTo(1);
    }
  }

  @Test
  void aFailureIsRecordedWithItsErrorAndStackTraceAndDownstreamNotReady() {
    Flow<Void> flow =
        Flows.named("failing")
            .define(
                f -> {
                  var boom =
                      f.task(
                          "boom",
                          () -> {
                            throw new IllegalArgumentException("no such customer: 42");
                          });
                  f.task("after", boom, x -> x);
                });
    try (Sluice sluice = sluice("local")) {
      FlowRun run = sluice.run(flow);
      RunStore store = store(sluice);

      FlowRunDetail detail = store.history().flowRun(run.id()).orElseThrow();
      assertThat(detail.run().state().type()).isEqualTo(StateType.FAILED);
      TaskRunDetail boom = detail.taskRuns().get(0);
      assertThat(boom.state().name()).isEqualTo("Failed");
      assertThat(boom.error()).isNotNull();
      assertThat(boom.error().type()).isEqualTo(IllegalArgumentException.class.getName());
      assertThat(boom.error().message()).isEqualTo("no such customer: 42");
      assertThat(boom.error().stackTrace())
          .contains("IllegalArgumentException: no such customer: 42")
          .contains("at dev.sluice.RunHistoryTest");
      assertThat(detail.taskRuns().get(1).state().name()).isEqualTo("NotReady");
      // The engine's own message about the failure is stored with the run, linked to the task.
      assertThat(store.history().logs(run.id(), 0, 100))
          .anySatisfy(
              l -> {
                assertThat(l.line().message())
                    .startsWith("Task run 'boom' finished in state Failed after 1 attempt");
                assertThat(l.line().logger()).isEqualTo("dev.sluice.TaskRun");
                assertThat(l.line().taskRunId()).isEqualTo(boom.id());
                assertThat(l.line().throwable()).contains("no such customer: 42");
              });
      assertThat(detail.taskRuns().get(1).state().isFinal()).isTrue();
    }
  }

  @Test
  void mappedElementsAndSubflowRunsAreRecordedWithTheirParents() {
    Flow<Integer> child = Flows.named("child").returning(f -> f.task("one", () -> 1));
    Flow<Integer> parent =
        Flows.named("parent")
            .returning(
                f -> {
                  var numbers = f.task("numbers", () -> List.of(1, 2, 3));
                  var squares = f.map("square", numbers, x -> x * x);
                  f.subflow("sub", child);
                  return f.task("sum", squares, l -> l.stream().mapToInt(i -> i).sum());
                });
    try (Sluice sluice = sluice("local")) {
      FlowRun run = sluice.run(parent);
      RunStore store = store(sluice);

      FlowRunDetail detail = store.history().flowRun(run.id()).orElseThrow();
      List<TaskRunDetail> elements =
          detail.taskRuns().stream().filter(t -> t.mapIndex() != null).toList();
      assertThat(elements)
          .extracting(TaskRunDetail::name)
          .containsExactlyInAnyOrder("square[0]", "square[1]", "square[2]");
      assertThat(elements).allSatisfy(e -> assertThat(e.stepName()).isEqualTo("square"));
      UUID subTaskRun = run.taskRun("sub").orElseThrow().id();
      List<FlowRunSummary> children =
          store.history().flowRuns(FlowRunQuery.recent(10).withFlowName("child"));
      assertThat(children).hasSize(1);
      assertThat(children.get(0).parentTaskRunId()).isEqualTo(subTaskRun);
      assertThat(store.history().flowRun(children.get(0).id()).orElseThrow().parentFlowRunId())
          .isEqualTo(run.id());
    }
  }

  @Test
  void closingSluiceCommitsEveryRecordWithoutAFlush() {
    Flow<Void> wide =
        Flows.named("wide")
            .define(
                f -> {
                  for (int i = 0; i < 200; i++) {
                    f.action("t" + i, () -> {});
                  }
                });
    List<UUID> ids = new java.util.ArrayList<>();
    try (Sluice sluice = sluice("pool")) {
      for (int i = 0; i < 20; i++) {
        ids.add(sluice.run(wide).id());
      }
    }
    try (RunStore store =
        dev.sluice.api.store.RunStores.open(dir.resolve("runs.db").toString(), Map.of())) {
      for (UUID id : ids) {
        FlowRunDetail detail = store.history().flowRun(id).orElseThrow();
        assertThat(detail.run().state().name()).isEqualTo("Completed");
        assertThat(detail.taskRuns())
            .hasSize(200)
            .allSatisfy(
                t ->
                    assertThat(names(t.history()))
                        .containsExactly("Pending", "Running", "Completed"));
      }
    }
  }

  @Test
  void aRunInProgressWhenSluiceClosesIsRecordedCancelled() throws Exception {
    java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
    Flow<Void> slow =
        Flows.named("slow")
            .define(
                f ->
                    f.action(
                        "sleep",
                        () -> {
                          started.countDown();
                          Thread.sleep(60_000);
                        }));
    UUID id;
    try (Sluice sluice = sluice("pool")) {
      id = sluice.start(slow, Map.of()).id();
      started.await();
    }
    try (RunStore store =
        dev.sluice.api.store.RunStores.open(dir.resolve("runs.db").toString(), Map.of())) {
      FlowRunDetail detail = store.history().flowRun(id).orElseThrow();
      assertThat(detail.run().state().name()).isEqualTo("Cancelled");
      assertThat(names(detail.history())).containsSubsequence("Running", "Cancelling", "Cancelled");
      assertThat(detail.taskRuns().get(0).state().name()).isEqualTo("Cancelled");
    }
  }

  @Test
  void flowRunsAreListedNewestFirstAndFiltered() {
    Flow<Integer> ok = Flows.named("ok").returning(f -> f.task("t", () -> 1));
    Flow<Void> bad =
        Flows.named("bad")
            .define(
                f ->
                    f.task(
                        "t",
                        () -> {
                          throw new IllegalStateException("x");
                        }));
    try (Sluice sluice = sluice("local")) {
      UUID first = sluice.run(ok).id();
      UUID second = sluice.run(bad).id();
      UUID third = sluice.run(ok).id();
      RunStore store = store(sluice);

      assertThat(store.history().flowRuns(FlowRunQuery.recent(10)))
          .extracting(FlowRunSummary::id)
          .containsExactly(third, second, first);
      assertThat(store.history().flowRuns(FlowRunQuery.recent(10).withFlowName("ok")))
          .extracting(FlowRunSummary::id)
          .containsExactly(third, first);
      assertThat(store.history().flowRuns(FlowRunQuery.recent(10).withStates(Set.of("failed"))))
          .extracting(FlowRunSummary::id)
          .containsExactly(second);
      assertThat(store.history().flowRuns(FlowRunQuery.recent(10).withStates(Set.of("COMPLETED"))))
          .extracting(FlowRunSummary::id)
          .containsExactly(third, first);
      assertThat(store.history().flowRuns(FlowRunQuery.recent(1)))
          .extracting(FlowRunSummary::id)
          .containsExactly(third);
      assertThat(
              store
                  .history()
                  .flowRuns(
                      FlowRunQuery.recent(10).withIdPrefix(second.toString().substring(0, 33))))
          .extracting(FlowRunSummary::id)
          .containsExactly(second);
      assertThat(store.history().flows())
          .extracting(s -> s.name() + ":" + s.runs() + ":" + s.lastState())
          .containsExactly("bad:1:Failed", "ok:2:Completed");
    }
  }

  @Test
  void taskLogLinesAndTheEnginesMessagesAreStoredInOrder() {
    Flow<Void> flow =
        Flows.named("logging")
            .define(
                f -> {
                  var a =
                      f.task(
                          "a",
                          () -> {
                            log.warn("first line from a");
                            log.warn("second line from a", new IllegalStateException("shown"));
                            return 1;
                          });
                  f.task(
                      "b",
                      a,
                      x -> {
                        log.error("line from b with {}", x);
                        return x;
                      });
                });
    try (Sluice sluice = sluice("pool")) {
      FlowRun run = sluice.run(flow);
      sluice.run(flow); // another run's lines stay with that run
      RunStore store = store(sluice);

      List<StoredLogLine> lines = store.history().logs(run.id(), 0, 100);
      List<String> task =
          lines.stream()
              .filter(l -> l.line().logger().equals(RunHistoryTest.class.getName()))
              .map(l -> l.line().message())
              .toList();
      assertThat(task)
          .containsExactly("first line from a", "second line from a", "line from b with 1");
      StoredLogLine second =
          lines.stream()
              .filter(l -> l.line().message().equals("second line from a"))
              .findFirst()
              .orElseThrow();
      assertThat(second.line().level()).isEqualTo("WARN");
      assertThat(second.line().throwable()).contains("IllegalStateException: shown");
      assertThat(second.line().taskRunId()).isEqualTo(run.taskRun("a").orElseThrow().id());
      assertThat(second.line().mdc())
          .containsEntry("task_name", "a")
          .containsEntry("flow_run_id", run.id().toString());
      assertThat(lines).extracting(StoredLogLine::sequence).isSorted();
      // after N: only what follows
      long firstSeq = lines.get(0).sequence();
      assertThat(store.history().logs(run.id(), firstSeq, 100)).hasSize(lines.size() - 1);
    }
  }
}
