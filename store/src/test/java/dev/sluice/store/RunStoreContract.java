package dev.sluice.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.api.FlowRunEvent;
import dev.sluice.api.State;
import dev.sluice.api.StateType;
import dev.sluice.api.TaskRunEvent;
import dev.sluice.api.store.FlowInfo;
import dev.sluice.api.store.FlowRunDetail;
import dev.sluice.api.store.FlowRunQuery;
import dev.sluice.api.store.FlowRunStart;
import dev.sluice.api.store.FlowRunSummary;
import dev.sluice.api.store.LogLine;
import dev.sluice.api.store.RunOwner;
import dev.sluice.api.store.RunStore;
import dev.sluice.api.store.StateRecord;
import dev.sluice.api.store.StoredLogLine;
import dev.sluice.api.store.TaskRunDetail;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every run store must do, run against a real SQLite file and a real PostgreSQL server by the
 * subclasses. Records are fed through the write side as the engine feeds them.
 */
abstract class RunStoreContract {
  static final FlowInfo FLOW =
      new FlowInfo(
          "etl",
          "2",
          "extract, transform",
          List.of(
              new FlowInfo.StepInfo("extract", FlowInfo.StepInfo.TASK, List.of("day")),
              new FlowInfo.StepInfo("load", FlowInfo.StepInfo.MAP, List.of("extract"))),
          "flowchart LR\n  s0 --> s1");

  RunStore store;
  Instant t0 = Instant.now().truncatedTo(ChronoUnit.MICROS);

  /** Opens a store on an empty database of the subclass's kind. */
  abstract RunStore openEmpty() throws Exception;

  /** Opens the same database again. */
  abstract RunStore reopen();

  @BeforeEach
  void open() throws Exception {
    store = openEmpty();
  }

  @AfterEach
  void close() {
    if (store != null) {
      store.close();
    }
  }

  UUID start(RunOwner owner) {
    UUID run = UUID.randomUUID();
    store
        .recorder()
        .flowRunStarted(new FlowRunStart(run, FLOW, "{\"day\":\"mon\"}", null, null, t0, owner));
    store
        .recorder()
        .flowRunStateChanged(
            new FlowRunEvent(run, "etl", null, State.PENDING, State.RUNNING, t0.plusMillis(1), 1));
    return run;
  }

  void task(UUID run, UUID task, String name, State previous, State next, int millis, int attempt) {
    store
        .recorder()
        .taskRunStateChanged(
            new TaskRunEvent(
                run, "etl", task, name, previous, next, t0.plusMillis(millis), attempt));
  }

  /** A transition of element {@code index} of mapped step {@code step}. */
  void element(
      UUID run, UUID task, String step, int index, State previous, State next, int millis) {
    store
        .recorder()
        .taskRunStateChanged(
            new TaskRunEvent(
                run,
                "etl",
                task,
                step + "[" + index + "]",
                previous,
                next,
                t0.plusMillis(millis),
                0,
                null,
                step,
                index));
  }

  void flush() {
    assertThat(store.recorder().flush(Duration.ofSeconds(30))).isTrue();
  }

  @Test
  void aRunWithItsTaskRunsStatesErrorsAndCacheKeyIsStoredAndReadBack() {
    UUID run = start(RunOwner.current());
    UUID extract = UUID.randomUUID();
    UUID element = UUID.randomUUID();
    IllegalStateException boom = new IllegalStateException("disk full");
    task(run, extract, "extract", null, State.PENDING, 1, 0);
    task(run, extract, "extract", State.PENDING, State.RUNNING, 2, 1);
    task(
        run,
        extract,
        "extract",
        State.RUNNING,
        new State.AwaitingRetry(t0.plusSeconds(1), 2),
        3,
        1);
    flush(); // the task run's next transitions land in another batch
    task(run, extract, "extract", null, State.RETRYING, 4, 2);
    task(run, extract, "extract", State.RETRYING, new State.Failed(boom), 5, 2);
    element(run, element, "load", 3, null, State.PENDING, 6);
    element(run, element, "load", 3, State.PENDING, new State.Cached("abc123", "disk"), 7);
    store
        .recorder()
        .flowRunStateChanged(
            new FlowRunEvent(
                run, "etl", null, State.RUNNING, new State.Failed(boom), t0.plusMillis(8), 1));
    flush();

    FlowRunDetail detail = store.history().flowRun(run).orElseThrow();
    assertThat(detail.run().state().name()).isEqualTo("Failed");
    assertThat(detail.run().state().message()).isEqualTo("IllegalStateException: disk full");
    assertThat(detail.run().startTime()).isEqualTo(t0);
    assertThat(detail.run().endTime()).isEqualTo(t0.plusMillis(8));
    assertThat(detail.run().attempts()).isEqualTo(1);
    assertThat(detail.parametersJson()).isEqualTo("{\"day\":\"mon\"}");
    assertThat(detail.owner()).isEqualTo(RunOwner.current());
    assertThat(detail.flow()).isEqualTo(FLOW);
    assertThat(detail.history())
        .extracting(StateRecord::name)
        .containsExactly("Pending", "Running", "Failed");

    TaskRunDetail e = detail.taskRuns().get(0);
    assertThat(e.name()).isEqualTo("extract");
    assertThat(e.mapIndex()).isNull();
    assertThat(e.attempts()).isEqualTo(2);
    assertThat(e.startTime()).isEqualTo(t0.plusMillis(2));
    assertThat(e.endTime()).isEqualTo(t0.plusMillis(5));
    assertThat(e.duration(Instant.now())).isEqualTo(Duration.ofMillis(3));
    assertThat(e.state().type()).isEqualTo(StateType.FAILED);
    assertThat(e.history())
        .extracting(StateRecord::name)
        .containsExactly("Pending", "Running", "AwaitingRetry", "Retrying", "Failed");
    assertThat(e.error().type()).isEqualTo("java.lang.IllegalStateException");
    assertThat(e.error().message()).isEqualTo("disk full");
    assertThat(e.error().stackTrace()).contains("at dev.sluice.store.RunStoreContract");

    TaskRunDetail l = detail.taskRuns().get(1);
    assertThat(l.stepName()).isEqualTo("load");
    assertThat(l.mapIndex()).isEqualTo(3);
    assertThat(l.cacheKey()).isEqualTo("abc123");
    assertThat(l.state().name()).isEqualTo("Cached");
    assertThat(l.startTime()).isNull();
  }

  @Test
  void aStepNamedLikeAMapElementIsStoredAsTheEventSaysNotParsedFromItsName() {
    UUID run = start(RunOwner.current());
    UUID task = UUID.randomUUID();
    task(run, task, "batch[7]", null, State.RUNNING, 1, 1);
    flush();

    TaskRunDetail stored = store.history().flowRun(run).orElseThrow().taskRuns().get(0);
    assertThat(stored.name()).isEqualTo("batch[7]");
    assertThat(stored.stepName()).isEqualTo("batch[7]");
    assertThat(stored.mapIndex()).isNull();
  }

  @Test
  void runsAreListedNewestFirstWithFilters() {
    UUID first = start(RunOwner.current());
    t0 = t0.plusSeconds(10);
    UUID second = start(RunOwner.current());
    store
        .recorder()
        .flowRunStateChanged(
            new FlowRunEvent(
                second, "etl", null, State.RUNNING, State.COMPLETED, t0.plusMillis(9), 1));
    flush();

    assertThat(store.history().flowRuns(FlowRunQuery.recent(10)))
        .extracting(FlowRunSummary::id)
        .containsExactly(second, first);
    assertThat(store.history().flowRuns(FlowRunQuery.recent(10).withStates(Set.of("running"))))
        .extracting(FlowRunSummary::id)
        .containsExactly(first);
    assertThat(store.history().flowRuns(FlowRunQuery.recent(10).withSince(t0)))
        .extracting(FlowRunSummary::id)
        .containsExactly(second);
    assertThat(store.history().flowRuns(FlowRunQuery.recent(10).withFlowName("other"))).isEmpty();
    assertThat(store.history().flows())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.name()).isEqualTo("etl");
              assertThat(f.version()).isEqualTo("2");
              assertThat(f.steps()).isEqualTo(2);
              assertThat(f.runs()).isEqualTo(2);
              assertThat(f.lastState()).isEqualTo("Completed");
            });
  }

  @Test
  void logLinesAreStoredInOrderAndReadAfterASequenceNumber() {
    UUID run = start(RunOwner.current());
    UUID task = UUID.randomUUID();
    for (int i = 0; i < 250; i++) {
      store
          .recorder()
          .log(
              new LogLine(
                  run,
                  i % 2 == 0 ? task : null,
                  t0.plusMillis(i),
                  "INFO",
                  "app.Loader",
                  "worker-1",
                  "line " + i,
                  i == 7 ? "java.lang.Exception: x\n\tat a.b(C.java:1)" : null,
                  Map.of("flow_run_id", run.toString(), "tenant", "a=b\nc\\d")));
    }
    flush();

    List<StoredLogLine> lines = store.history().logs(run, 0, 1000);
    assertThat(lines)
        .extracting(l -> l.line().message())
        .containsExactlyElementsOf(
            java.util.stream.IntStream.range(0, 250).mapToObj(i -> "line " + i).toList());
    assertThat(lines).extracting(StoredLogLine::sequence).isSorted().doesNotHaveDuplicates();
    assertThat(lines.get(0).line().taskRunId()).isEqualTo(task);
    assertThat(lines.get(1).line().taskRunId()).isNull();
    assertThat(lines.get(7).line().throwable()).contains("java.lang.Exception: x");
    assertThat(lines.get(3).line().mdc()).containsEntry("tenant", "a=b\nc\\d");
    assertThat(lines.get(3).line().at()).isEqualTo(t0.plusMillis(3));
    long after = lines.get(99).sequence();
    assertThat(store.history().logs(run, after, 1000))
        .hasSize(150)
        .first()
        .extracting(l -> l.line().message())
        .isEqualTo("line 100");
    assertThat(store.history().logs(run, 0, 10)).hasSize(10);
  }

  LogLine line(UUID run, int i, String message) {
    return new LogLine(
        run, null, t0.plusMillis(i), "INFO", "app.Loader", "worker-1", message, null, Map.of());
  }

  @Test
  void recordsArrivingAfterCloseAreRefusedWithoutBreakingTheCaller() {
    UUID run = start(RunOwner.current());
    store.recorder().log(line(run, 1, "before close"));
    store.close();
    store.recorder().log(line(run, 2, "after close")); // a run still going at JVM exit: no throw
    assertThat(store.recorder().flush(Duration.ofSeconds(5))).isTrue();
    store = reopen();
    assertThat(store.history().logs(run, 0, 10))
        .extracting(l -> l.line().message())
        .containsExactly("before close");
  }

  @Test
  void closingCommitsEverythingRecorded() {
    UUID run = start(RunOwner.current());
    for (int i = 0; i < 20_000; i++) {
      UUID task = UUID.randomUUID();
      task(run, task, "t" + i, null, State.PENDING, 1, 0);
      task(run, task, "t" + i, State.PENDING, State.RUNNING, 2, 1);
      task(run, task, "t" + i, State.RUNNING, State.COMPLETED, 3, 1);
    }
    store.close(); // no flush
    store = reopen();
    FlowRunDetail detail = store.history().flowRun(run).orElseThrow();
    assertThat(detail.taskRuns())
        .hasSize(20_000)
        .allSatisfy(
            t -> {
              assertThat(t.state().name()).isEqualTo("Completed");
              assertThat(t.history()).hasSize(3);
            });
  }

  @Test
  void runsOfADeadProcessOnThisHostAreMarkedCrashedAndOthersAreLeftAlone() throws Exception {
    Process gone =
        new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(), "-version")
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    gone.waitFor();
    RunOwner dead =
        new RunOwner(RunOwner.current().host(), gone.pid(), Instant.now().minusSeconds(5));
    UUID orphan = start(dead);
    UUID task = UUID.randomUUID();
    task(orphan, task, "extract", null, State.RUNNING, 2, 1);
    UUID done = UUID.randomUUID();
    task(orphan, done, "load", null, State.COMPLETED, 2, 1);
    UUID alive = start(RunOwner.current());
    UUID elsewhere = start(new RunOwner("some-other-host", 1, null));
    flush();

    assertThat(store.markDeadRunsCrashed()).isEqualTo(1);
    assertThat(store.markDeadRunsCrashed()).isZero();

    FlowRunDetail crashed = store.history().flowRun(orphan).orElseThrow();
    assertThat(crashed.run().state().name()).isEqualTo("Crashed");
    assertThat(crashed.run().state().message())
        .contains("pid " + gone.pid())
        .contains("ended before the run did");
    assertThat(crashed.run().endTime()).isNotNull();
    assertThat(crashed.history())
        .extracting(StateRecord::name)
        .containsExactly("Pending", "Running", "Crashed");
    assertThat(crashed.taskRuns())
        .filteredOn(t -> t.name().equals("extract"))
        .singleElement()
        .satisfies(
            t -> {
              assertThat(t.state().name()).isEqualTo("Crashed");
              assertThat(t.history())
                  .extracting(StateRecord::name)
                  .containsExactly("Running", "Crashed");
            });
    assertThat(crashed.taskRuns())
        .filteredOn(t -> t.name().equals("load"))
        .singleElement()
        .extracting(t -> t.state().name())
        .isEqualTo("Completed");
    assertThat(store.history().flowRun(alive).orElseThrow().run().state().name())
        .isEqualTo("Running");
    assertThat(store.history().flowRun(elsewhere).orElseThrow().run().state().name())
        .isEqualTo("Running");
  }
}
