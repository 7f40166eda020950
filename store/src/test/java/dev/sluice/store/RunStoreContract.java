package dev.sluice.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.api.FlowRunEvent;
import dev.sluice.api.State;
import dev.sluice.api.StateType;
import dev.sluice.api.TaskRunEvent;
import dev.sluice.api.store.ApiToken;
import dev.sluice.api.store.ApiTokens;
import dev.sluice.api.store.CancelOutcome;
import dev.sluice.api.store.FlowInfo;
import dev.sluice.api.store.FlowRunDetail;
import dev.sluice.api.store.FlowRunPage;
import dev.sluice.api.store.FlowRunQuery;
import dev.sluice.api.store.FlowRunStart;
import dev.sluice.api.store.FlowRunSummary;
import dev.sluice.api.store.IngestBatch;
import dev.sluice.api.store.LogLine;
import dev.sluice.api.store.RecordedException;
import dev.sluice.api.store.RunChange;
import dev.sluice.api.store.RunCountBucket;
import dev.sluice.api.store.RunCountQuery;
import dev.sluice.api.store.RunHistory;
import dev.sluice.api.store.RunOwner;
import dev.sluice.api.store.RunStore;
import dev.sluice.api.store.StateRecord;
import dev.sluice.api.store.StoredLogLine;
import dev.sluice.api.store.TaskRunDetail;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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

  /** Opens the same database again, with store options (keys without {@code store.}). */
  abstract RunStore reopen(Map<String, String> options);

  /** Opens the same database again. */
  RunStore reopen() {
    return reopen(Map.of());
  }

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
  void aChangedStructureIsWrittenEvenWhenItsDiagramsHashCodeIsTheSame() {
    // "Aa" and "BB" have the same String.hashCode(): the 32-bit key took the second for the first.
    assertThat("flowchart Aa".hashCode()).isEqualTo("flowchart BB".hashCode());
    UUID[] runs = new UUID[2];
    String[] diagrams = {"flowchart Aa", "flowchart BB"};
    for (int k = 0; k < 2; k++) {
      FlowInfo flow = new FlowInfo("etl", "2", "", FLOW.steps(), diagrams[k]);
      runs[k] = UUID.randomUUID();
      store
          .recorder()
          .flowRunStarted(
              new FlowRunStart(runs[k], flow, "{}", null, null, t0, RunOwner.current()));
      flush();
    }

    assertThat(store.history().flowRun(runs[1]).orElseThrow().flow().mermaid())
        .isEqualTo("flowchart BB");
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
  void flowRunCountCountsEveryMatchingRunWhateverTheLimit() {
    List<UUID> runs = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      t0 = t0.plusMillis(10);
      runs.add(start(RunOwner.current()));
    }
    for (UUID done : runs.subList(0, 3)) {
      store
          .recorder()
          .flowRunStateChanged(
              new FlowRunEvent(done, "etl", null, State.RUNNING, State.COMPLETED, t0, 1));
    }
    flush();

    RunHistory history = store.history();
    assertThat(history.flowRunCount(FlowRunQuery.recent(2))).isEqualTo(7);
    assertThat(history.flowRunCount(FlowRunQuery.recent(1).withStates(Set.of("COMPLETED"))))
        .isEqualTo(3);
    assertThat(history.flowRunCount(FlowRunQuery.recent(1).withStates(Set.of("running"))))
        .isEqualTo(4);
    assertThat(history.flowRunCount(FlowRunQuery.recent(1).withFlowName("other"))).isZero();
    // The interface's default, which reads the pages, agrees with the store's own count.
    RunHistory paging =
        (RunHistory)
            Proxy.newProxyInstance(
                RunHistory.class.getClassLoader(),
                new Class<?>[] {RunHistory.class},
                (proxy, method, args) ->
                    method.isDefault()
                        ? InvocationHandler.invokeDefault(proxy, method, args)
                        : method.invoke(history, args));
    assertThat(paging.flowRunCount(FlowRunQuery.recent(2).withStates(Set.of("running"))))
        .isEqualTo(4);
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
    // Nothing handed over after close is committed, so a flush cannot say it was.
    assertThat(store.recorder().flush(Duration.ofSeconds(5))).isFalse();
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
  void pagingWithACursorNeitherSkipsNorRepeatsARunWhileRunsAreAdded() throws Exception {
    List<UUID> existing = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      if (i % 3 != 0) {
        t0 = t0.plusMillis(1); // every third run shares its start time with the one before
      }
      existing.add(start(RunOwner.current()));
    }
    flush();
    AtomicBoolean paging = new AtomicBoolean(true);
    Instant later = t0;
    Thread adder =
        new Thread(
            () -> {
              for (int i = 0; paging.get() && i < 10_000; i++) {
                UUID run = UUID.randomUUID();
                store
                    .recorder()
                    .flowRunStarted(
                        new FlowRunStart(
                            run, FLOW, "{}", null, null, later.plusMillis(i), RunOwner.current()));
                store.recorder().flush(Duration.ofSeconds(30));
              }
            });
    adder.start();
    List<UUID> seen = new ArrayList<>();
    try {
      FlowRunQuery query = FlowRunQuery.recent(7).withFlowName("etl");
      FlowRunPage page = store.history().flowRunPage(query);
      while (true) {
        assertThat(page.items()).hasSizeLessThanOrEqualTo(7);
        page.items().forEach(r -> seen.add(r.id()));
        if (page.nextCursor() == null) {
          break;
        }
        store.recorder().flush(Duration.ofSeconds(30)); // let runs be added between pages
        page = store.history().flowRunPage(query.withCursor(page.nextCursor()));
      }
    } finally {
      paging.set(false);
      adder.join();
    }
    assertThat(seen).doesNotHaveDuplicates();
    // Offset paging would repeat runs here: each added run shifts the rest by one.
    assertThat(seen.stream().filter(existing::contains).toList())
        .containsExactlyInAnyOrderElementsOf(existing);
  }

  @Test
  void aCursorThatIsNotOneOfTheStoresIsRefused() {
    assertThatThrownBy(
            () -> store.history().flowRunPage(FlowRunQuery.recent(5).withCursor("not-a-cursor")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not-a-cursor");
  }

  @Test
  void theChangeFeedListsCommitsOfTwoStoresOnOneDatabaseInCommitOrderResumably() throws Exception {
    long before = lastChange();
    List<UUID> committed = new ArrayList<>();
    try (RunStore other = reopen()) {
      for (int i = 0; i < 12; i++) {
        RunStore writer = i % 2 == 0 ? store : other;
        UUID run = UUID.randomUUID();
        writer
            .recorder()
            .flowRunStarted(new FlowRunStart(run, FLOW, "{}", null, null, t0, RunOwner.current()));
        assertThat(writer.recorder().flush(Duration.ofSeconds(30))).isTrue();
        committed.add(run);
      }
      List<RunChange> feed = new ArrayList<>();
      long after = before;
      while (true) { // read in small pages from the other store, resuming from the last seen
        List<RunChange> page = other.history().changesAfter(after, 5);
        if (page.isEmpty()) {
          break;
        }
        feed.addAll(page);
        after = page.get(page.size() - 1).sequence();
      }
      assertThat(feed).extracting(RunChange::sequence).isSorted().doesNotHaveDuplicates();
      assertThat(feed).extracting(RunChange::flowRunId).containsExactlyElementsOf(committed);
    }
  }

  @Test
  void aFollowerTailingTheFeedWhileTwoStoresCommitAtOnceMissesNoChange() throws Exception {
    long before = lastChange();
    java.util.Set<UUID> tailed = ConcurrentHashMap.newKeySet();
    AtomicBoolean writing = new AtomicBoolean(true);
    try (RunStore other = reopen()) {
      Thread follower =
          new Thread(
              () -> {
                long after = before;
                boolean last = false;
                while (!last) {
                  last = !writing.get(); // one more pass after the writers finished
                  for (RunChange change : store.history().changesAfter(after, 50)) {
                    tailed.add(change.flowRunId());
                    after = change.sequence();
                  }
                }
                for (List<RunChange> page = store.history().changesAfter(after, 50);
                    !page.isEmpty();
                    page = store.history().changesAfter(after, 50)) {
                  page.forEach(change -> tailed.add(change.flowRunId()));
                  after = page.get(page.size() - 1).sequence();
                }
              });
      follower.start();
      List<UUID> started = Collections.synchronizedList(new ArrayList<>());
      List<Thread> writers = new ArrayList<>();
      for (RunStore writer : List.of(store, other)) {
        Thread t =
            new Thread(
                () -> {
                  for (int i = 0; i < 150; i++) {
                    UUID run = UUID.randomUUID();
                    writer
                        .recorder()
                        .flowRunStarted(
                            new FlowRunStart(run, FLOW, "{}", null, null, t0, RunOwner.current()));
                    started.add(run);
                    if (i % 10 == 0) {
                      writer.recorder().flush(Duration.ofSeconds(30));
                    }
                  }
                  writer.recorder().flush(Duration.ofSeconds(30));
                });
        t.start();
        writers.add(t);
      }
      for (Thread t : writers) {
        t.join();
      }
      writing.set(false);
      follower.join();
      // Every change the feed holds was seen by the follower reading on from its last sequence:
      // no commit handed out a smaller sequence after a larger one was visible.
      assertThat(tailed).containsExactlyInAnyOrderElementsOf(started);
    }
  }

  long lastChange() {
    List<RunChange> all = store.history().changesAfter(0, 1_000_000);
    long last = all.isEmpty() ? 0 : all.get(all.size() - 1).sequence();
    assertThat(store.history().latestChangeSequence()).isEqualTo(last);
    return last;
  }

  @Test
  void oneBatchAddsOneChangePerFlowRunAndWakesTheCommitListenersAfterTheCommit() throws Exception {
    long before = lastChange();
    BlockingQueue<List<RunChange>> seenByListener = new LinkedBlockingQueue<>();
    long[] from = {before};
    Runnable listener =
        () -> {
          // On the writer's thread, after the commit: what it committed is readable.
          List<RunChange> changes = store.history().changesAfter(from[0], 100);
          if (!changes.isEmpty()) {
            from[0] = changes.get(changes.size() - 1).sequence();
            seenByListener.add(changes);
          }
        };
    store.history().addCommitListener(listener);
    UUID run = start(RunOwner.current());
    for (int i = 0; i < 50; i++) {
      task(run, UUID.randomUUID(), "extract", null, State.RUNNING, 2, 1);
    }
    store.recorder().log(line(run, 3, "hello"));
    flush();
    List<RunChange> woken = seenByListener.poll(30, TimeUnit.SECONDS);
    assertThat(woken).isNotNull();
    assertThat(woken).extracting(RunChange::flowRunId).contains(run);
    store.history().removeCommitListener(listener);

    List<RunChange> all = store.history().changesAfter(before, 1000);
    // start, state, 50 transitions and a log line in few batches: a change per batch, not per
    // record
    assertThat(all).extracting(RunChange::flowRunId).containsOnly(run);
    assertThat(all.size()).isLessThanOrEqualTo(3);
  }

  @Test
  void aRunStartedElsewhereKeepsItsNameTagsAndIdempotencyKey() {
    UUID run = UUID.randomUUID();
    store
        .recorder()
        .flowRunStarted(
            new FlowRunStart(
                run,
                FLOW,
                "{}",
                null,
                null,
                t0,
                RunOwner.current(),
                "nightly-2026-12-07",
                Set.of("prod", "nightly"),
                "schedule-42"));
    UUID untagged = start(RunOwner.current());
    flush();

    FlowRunDetail detail = store.history().flowRun(run).orElseThrow();
    assertThat(detail.run().runName()).isEqualTo("nightly-2026-12-07");
    assertThat(detail.run().tags()).containsExactlyInAnyOrder("prod", "nightly");
    assertThat(detail.idempotencyKey()).isEqualTo("schedule-42");
    assertThat(store.history().flowRunByIdempotencyKey("etl", "schedule-42"))
        .map(FlowRunSummary::id)
        .contains(run);
    assertThat(store.history().flowRunByIdempotencyKey("other", "schedule-42")).isEmpty();
    assertThat(store.history().flowRuns(FlowRunQuery.recent(10).withTags(Set.of("prod"))))
        .extracting(FlowRunSummary::id)
        .containsExactly(run);
    assertThat(
            store.history().flowRuns(FlowRunQuery.recent(10).withTags(Set.of("prod", "nightly"))))
        .singleElement()
        .satisfies(r -> assertThat(r.tags()).containsExactlyInAnyOrder("prod", "nightly"));
    assertThat(store.history().flowRuns(FlowRunQuery.recent(10).withTags(Set.of("prod", "dev"))))
        .isEmpty();
    assertThat(store.history().flowRun(untagged).orElseThrow().run().tags()).isEmpty();
    assertThat(store.history().flowRun(untagged).orElseThrow().idempotencyKey()).isNull();
  }

  @Test
  void aSecondStartOfTheSameRunOrKeyKeepsTheFirstAndAddsNoRow() {
    UUID run = UUID.randomUUID();
    FlowRunStart first =
        new FlowRunStart(
            run, FLOW, "{\"n\":1}", null, null, t0, RunOwner.current(), "a", Set.of("x"), "k");
    store.recorder().flowRunStarted(first);
    flush();
    // A restarted agent starting the same scheduled run again; then another id with the same key.
    store
        .recorder()
        .flowRunStarted(
            new FlowRunStart(
                run,
                FLOW,
                "{\"n\":2}",
                null,
                null,
                t0.plusSeconds(1),
                RunOwner.current(),
                "b",
                Set.of("y"),
                "k"));
    UUID sameKey = UUID.randomUUID();
    store
        .recorder()
        .flowRunStarted(
            new FlowRunStart(
                sameKey, FLOW, "{}", null, null, t0, RunOwner.current(), null, Set.of(), "k"));
    UUID next = start(RunOwner.current()); // the writer goes on
    flush();

    assertThat(store.history().flowRuns(FlowRunQuery.recent(10)))
        .extracting(FlowRunSummary::id)
        .containsExactlyInAnyOrder(run, next);
    FlowRunDetail kept = store.history().flowRun(run).orElseThrow();
    assertThat(kept.parametersJson()).isEqualTo("{\"n\":1}");
    assertThat(kept.run().runName()).isEqualTo("a");
    assertThat(kept.run().tags()).containsExactly("x");
    assertThat(kept.run().startTime()).isEqualTo(t0);
    assertThat(kept.history()).extracting(StateRecord::name).containsExactly("Pending");
    assertThat(store.history().flowRun(sameKey)).isEmpty();
  }

  @Test
  void concurrentReadersShareABoundedPoolWhoseConnectionsCloseWithTheStore() throws Exception {
    UUID run = start(RunOwner.current());
    flush();
    HistoryReader reader = (HistoryReader) store.history();
    // One reader holds a connection; another read still completes meanwhile (no single lock).
    CountDownLatch holding = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Thread holder =
        new Thread(
            () ->
                reader
                    .pool()
                    .with(
                        c -> {
                          holding.countDown();
                          try {
                            return release.await(60, TimeUnit.SECONDS);
                          } catch (InterruptedException e) {
                            throw new IllegalStateException(e);
                          }
                        }));
    holder.start();
    assertThat(holding.await(30, TimeUnit.SECONDS)).isTrue();
    CompletableFuture<String> other =
        CompletableFuture.supplyAsync(() -> reader.flowRun(run).orElseThrow().run().state().name());
    assertThat(other.get(30, TimeUnit.SECONDS)).isEqualTo("Running");
    release.countDown();
    holder.join();

    ExecutorService readers = Executors.newFixedThreadPool(4 * HistoryReader.POOL_SIZE);
    try {
      List<Future<UUID>> reads = new ArrayList<>();
      for (int i = 0; i < 400; i++) {
        reads.add(readers.submit(() -> reader.flowRun(run).orElseThrow().run().id()));
      }
      for (Future<UUID> read : reads) {
        assertThat(read.get(60, TimeUnit.SECONDS)).isEqualTo(run);
        assertThat(reader.pool().openConnections()).isBetween(1, HistoryReader.POOL_SIZE);
      }
    } finally {
      readers.shutdown();
    }
    assertThat(reader.pool().openConnections()).isBetween(1, HistoryReader.POOL_SIZE);
    store.close();
    assertThat(reader.pool().openConnections()).isZero();
    store = null;
  }

  /** A pid that is not alive on this machine: a process that ran and ended. */
  static long endedPid() throws Exception {
    Process gone =
        new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(), "-version")
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    gone.waitFor();
    return gone.pid();
  }

  @Test
  void twoHostsOfTheSameNameSharingTheDatabaseDoNotCrashEachOthersLiveRuns() throws Exception {
    // A process on another machine with this one's host name (both "localhost", or the same
    // container name) whose pid is not alive here: judged by host and pid, its run looked dead.
    RunOwner twin =
        new RunOwner(
            RunOwner.current().host(),
            endedPid(),
            Instant.now().minusSeconds(5).truncatedTo(ChronoUnit.MICROS),
            UUID.randomUUID().toString());
    try (Leases twinsLease = ((JdbcRunStore) store).leasesOf(twin)) {
      twinsLease.hold(); // the twin's store renews its lease, as this one's does
      UUID theirs = start(twin);
      UUID ours = start(RunOwner.current());
      flush();

      assertThat(store.markDeadRunsCrashed()).isZero();
      assertThat(store.isKnownDead(twin)).isFalse();
      assertThat(store.isKnownDead(RunOwner.current())).isFalse();
      try (RunStore other = reopen()) { // a second process's start, as the twin's is
        assertThat(other.markDeadRunsCrashed()).isZero();
      }
      assertThat(store.history().flowRun(theirs).orElseThrow().run().state().name())
          .isEqualTo("Running");
      assertThat(store.history().flowRun(ours).orElseThrow().run().state().name())
          .isEqualTo("Running");
      assertThat(store.history().flowRun(theirs).orElseThrow().owner()).isEqualTo(twin);
    }
  }

  @Test
  void theRunsOfAnInstanceThatStoppedRenewingItsLeaseAreMarkedCrashedAfterTheTimeout()
      throws Exception {
    store.close();
    store = reopen(Map.of("lease-heartbeat", "PT0.1S", "lease-timeout", "PT1S"));
    RunOwner gone = new RunOwner("some-other-host", 4242, null, UUID.randomUUID().toString());
    Leases lease = ((JdbcRunStore) store).leasesOf(gone);
    lease.renew(); // one heartbeat, then none: the process was killed, or hangs
    UUID orphan = start(gone);
    UUID ours = start(RunOwner.current());
    flush();

    assertThat(store.markDeadRunsCrashed()).isZero(); // its lease has not expired yet
    assertThat(store.isKnownDead(gone)).isFalse();
    int marked = 0;
    for (int i = 0; i < 200 && marked == 0; i++) {
      Thread.sleep(50);
      marked = store.markDeadRunsCrashed();
    }
    assertThat(marked).isEqualTo(1);
    assertThat(store.isKnownDead(gone)).isTrue();
    FlowRunDetail crashed = store.history().flowRun(orphan).orElseThrow();
    assertThat(crashed.run().state().name()).isEqualTo("Crashed");
    assertThat(crashed.run().state().message())
        .contains("pid 4242 on some-other-host")
        .contains("stopped renewing its lease");
    assertThat(store.history().flowRun(ours).orElseThrow().run().state().name())
        .isEqualTo("Running");
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

  // ---- record batches of other processes (RunRecorder.ingest)

  /**
   * A run's records as the engine makes them: start, states of the run, of a task that fails and of
   * a cached map element, and log lines.
   */
  List<Object> runRecords(UUID run, UUID task, UUID element, Throwable error) {
    return List.of(
        new FlowRunStart(
            run,
            FLOW,
            "{\"day\":\"tue\"}",
            null,
            null,
            t0,
            RunOwner.current(),
            "nightly",
            Set.of("prod", "eu"),
            null),
        new FlowRunEvent(run, "etl", null, State.PENDING, State.RUNNING, t0.plusMillis(1), 1),
        new TaskRunEvent(run, "etl", task, "extract", null, State.PENDING, t0.plusMillis(2), 0),
        new TaskRunEvent(
            run, "etl", task, "extract", State.PENDING, State.RUNNING, t0.plusMillis(3), 1),
        new LogLine(
            run,
            task,
            t0.plusMillis(4),
            "WARN",
            "app.Extract",
            "worker-2",
            "slow disk",
            null,
            Map.of("flow_run_id", run.toString())),
        new TaskRunEvent(
            run,
            "etl",
            task,
            "extract",
            State.RUNNING,
            new State.Failed(error),
            t0.plusMillis(5),
            1),
        new TaskRunEvent(
            run,
            "etl",
            element,
            "load[0]",
            null,
            State.PENDING,
            t0.plusMillis(6),
            0,
            null,
            "load",
            0),
        new TaskRunEvent(
            run,
            "etl",
            element,
            "load[0]",
            State.PENDING,
            new State.Cached("k1", "disk"),
            t0.plusMillis(7),
            0,
            "k1",
            "load",
            0),
        new LogLine(
            run, null, t0.plusMillis(8), "INFO", "sluice", "main", "finished", null, Map.of()),
        new FlowRunEvent(
            run, "etl", null, State.RUNNING, new State.Failed(error), t0.plusMillis(9), 1));
  }

  /** Hands {@code records} to the recorder one by one, as the engine does. */
  void record(List<Object> records) {
    for (Object record : records) {
      switch (record) {
        case FlowRunStart start -> store.recorder().flowRunStarted(start);
        case FlowRunEvent event -> store.recorder().flowRunStateChanged(event);
        case TaskRunEvent event -> store.recorder().taskRunStateChanged(event);
        case LogLine line -> store.recorder().log(line);
        default -> throw new IllegalArgumentException(String.valueOf(record));
      }
    }
  }

  @Test
  void anIngestedBatchReadsBackLikeTheSameRecordsHandedOverDirectly() {
    IllegalStateException boom = new IllegalStateException("disk full");
    UUID direct = UUID.randomUUID();
    UUID directTask = UUID.randomUUID();
    record(runRecords(direct, directTask, UUID.randomUUID(), boom));
    UUID ingested = UUID.randomUUID();
    UUID ingestedTask = UUID.randomUUID();
    store
        .recorder()
        .ingest(
            new IngestBatch(
                "agent-1", 1, runRecords(ingested, ingestedTask, UUID.randomUUID(), boom)));
    flush();

    FlowRunDetail a = store.history().flowRun(direct).orElseThrow();
    FlowRunDetail b = store.history().flowRun(ingested).orElseThrow();
    assertThat(b.taskRuns()).hasSize(2);
    assertThat(b)
        .usingRecursiveComparison()
        .ignoringFields("run.id", "taskRuns.id", "taskRuns.flowRunId", "owner.instance")
        .isEqualTo(a);
    // The sending process holds no lease in this database: its run names none.
    assertThat(b.owner().instance()).isNull();
    assertThat(b.taskRuns()).allSatisfy(t -> assertThat(t.flowRunId()).isEqualTo(ingested));
    assertThat(logsWithoutIds(ingested, ingestedTask))
        .hasSize(2)
        .isEqualTo(logsWithoutIds(direct, directTask));
  }

  /** A run's log lines with its ids (and the stored sequence) replaced by placeholders. */
  List<String> logsWithoutIds(UUID run, UUID task) {
    return store.history().logs(run, 0, 100).stream()
        .map(l -> l.line().toString().replace(run.toString(), "RUN").replace(task.toString(), "T"))
        .toList();
  }

  @Test
  void aBatchIngestedTwiceOrOutOfOrderIsStoredOnce() {
    long before = lastChange();
    UUID run = UUID.randomUUID();
    UUID task = UUID.randomUUID();
    IngestBatch first =
        new IngestBatch("agent-1", 1, runRecords(run, task, UUID.randomUUID(), new Error("x")));
    store.recorder().ingest(first);
    store.recorder().ingest(first); // in the same write
    flush();
    store.recorder().ingest(first); // in a later one: the sender retried after a lost answer
    UUID later = UUID.randomUUID();
    store
        .recorder()
        .ingest(
            new IngestBatch(
                "agent-1",
                3,
                List.of(new FlowRunStart(later, FLOW, "{}", null, null, t0, RunOwner.current()))));
    UUID skipped = UUID.randomUUID();
    store // 2 arrives after 3: at or below the last stored, so a repeat
        .recorder()
        .ingest(
            new IngestBatch(
                "agent-1",
                2,
                List.of(
                    new FlowRunStart(skipped, FLOW, "{}", null, null, t0, RunOwner.current()))));
    UUID otherSource = UUID.randomUUID();
    store // sequences are per source
        .recorder()
        .ingest(
            new IngestBatch(
                "agent-2",
                1,
                List.of(
                    new FlowRunStart(
                        otherSource, FLOW, "{}", null, null, t0, RunOwner.current()))));
    flush();

    FlowRunDetail detail = store.history().flowRun(run).orElseThrow();
    assertThat(detail.history())
        .extracting(StateRecord::name)
        .containsExactly("Pending", "Running", "Failed");
    assertThat(detail.taskRuns())
        .filteredOn(t -> t.id().equals(task))
        .singleElement()
        .satisfies(
            t ->
                assertThat(t.history())
                    .extracting(StateRecord::name)
                    .containsExactly("Pending", "Running", "Failed"));
    assertThat(store.history().logs(run, 0, 100))
        .extracting(l -> l.line().message())
        .containsExactly("slow disk", "finished");
    assertThat(store.history().flowRun(later)).isPresent();
    assertThat(store.history().flowRun(skipped)).isEmpty();
    assertThat(store.history().flowRun(otherSource)).isPresent();
    // The repeats changed nothing, so the feed names each stored run in one entry.
    assertThat(store.history().changesAfter(before, 100))
        .extracting(RunChange::flowRunId)
        .containsExactlyInAnyOrder(run, later, otherSource);
  }

  @Test
  void aBatchIngestedByTwoStoresOnOneDatabaseIsStoredOnce() throws Exception {
    UUID run = UUID.randomUUID();
    IngestBatch batch =
        new IngestBatch(
            "agent-1", 7, runRecords(run, UUID.randomUUID(), UUID.randomUUID(), new Error()));
    try (RunStore other = reopen()) {
      CountDownLatch go = new CountDownLatch(1);
      List<Thread> senders = new ArrayList<>();
      for (RunStore s : List.of(store, other)) {
        Thread t =
            new Thread(
                () -> {
                  try {
                    go.await();
                  } catch (InterruptedException e) {
                    return;
                  }
                  s.recorder().ingest(batch);
                  s.recorder().flush(Duration.ofSeconds(30));
                });
        t.start();
        senders.add(t);
      }
      go.countDown();
      for (Thread t : senders) {
        t.join();
      }
    }
    assertThat(store.history().flowRun(run).orElseThrow().history())
        .extracting(StateRecord::name)
        .containsExactly("Pending", "Running", "Failed");
    assertThat(store.history().logs(run, 0, 100)).hasSize(2);
  }

  // ---- errors from other processes (RecordedException)

  @Test
  void aRecordedErrorIsStoredAsTheOriginalNotAsItsCarrier() {
    UUID run = start(RunOwner.current());
    UUID task = UUID.randomUUID();
    RecordedException remote =
        new RecordedException(
            "java.io.IOException",
            "disk",
            "java.io.IOException: disk\n\tat remote.Job(Job.java:3)\n");
    task(run, task, "extract", null, State.RUNNING, 1, 1);
    task(run, task, "extract", State.RUNNING, new State.Failed(remote), 2, 1);
    store
        .recorder()
        .flowRunStateChanged(
            new FlowRunEvent(
                run, "etl", null, State.RUNNING, new State.Failed(remote), t0.plusMillis(3), 1));
    flush();

    FlowRunDetail detail = store.history().flowRun(run).orElseThrow();
    TaskRunDetail.ErrorInfo error = detail.taskRuns().get(0).error();
    assertThat(error).isNotNull();
    assertThat(error.type()).isEqualTo("java.io.IOException");
    assertThat(error.message()).isEqualTo("disk");
    assertThat(error.stackTrace())
        .isEqualTo("java.io.IOException: disk\n\tat remote.Job(Job.java:3)\n");
    assertThat(detail.run().state().message()).isEqualTo("IOException: disk");
    assertThat(store.history().taskRun(task).orElseThrow().error()).isEqualTo(error);
  }

  // ---- reads: flow versions, one task run, run counts

  @Test
  void everyVersionOfAFlowIsListedLastSeenFirstWithItsSteps() {
    FlowInfo v1 =
        new FlowInfo(
            "etl",
            "1",
            "first",
            List.of(new FlowInfo.StepInfo("only", FlowInfo.StepInfo.TASK, List.of())),
            "flowchart LR\n  s0");
    store
        .recorder()
        .flowRunStarted(
            new FlowRunStart(UUID.randomUUID(), v1, "{}", null, null, t0, RunOwner.current()));
    t0 = t0.plusSeconds(10);
    start(RunOwner.current()); // FLOW, version 2
    flush();

    assertThat(store.history().flowVersions("etl")).containsExactly(FLOW, v1);
    assertThat(store.history().flowVersions("other")).isEmpty();
  }

  @Test
  void oneTaskRunIsReadWithItsHistory() {
    UUID run = start(RunOwner.current());
    UUID task = UUID.randomUUID();
    UUID other = UUID.randomUUID();
    element(run, task, "load", 2, null, State.PENDING, 1);
    task(run, other, "extract", null, State.RUNNING, 2, 1);
    element(run, task, "load", 2, State.PENDING, State.RUNNING, 3);
    flush();
    element(run, task, "load", 2, State.RUNNING, State.COMPLETED, 4);
    flush();

    TaskRunDetail read = store.history().taskRun(task).orElseThrow();
    assertThat(read)
        .isEqualTo(
            store.history().flowRun(run).orElseThrow().taskRuns().stream()
                .filter(t -> t.id().equals(task))
                .findFirst()
                .orElseThrow());
    assertThat(read.flowRunId()).isEqualTo(run);
    assertThat(read.stepName()).isEqualTo("load");
    assertThat(read.mapIndex()).isEqualTo(2);
    assertThat(read.endTime()).isEqualTo(t0.plusMillis(4));
    assertThat(read.history())
        .extracting(StateRecord::name)
        .containsExactly("Pending", "Running", "Completed");
    assertThat(store.history().taskRun(UUID.randomUUID())).isEmpty();
  }

  /** A run of flow {@code FLOW} started {@code at}, with tags, left in state {@code state}. */
  UUID runAt(Instant at, State state, Set<String> tags) {
    UUID run = UUID.randomUUID();
    store
        .recorder()
        .flowRunStarted(
            new FlowRunStart(
                run, FLOW, "{}", null, null, at, RunOwner.current(), null, tags, null));
    if (state != State.PENDING) {
      store
          .recorder()
          .flowRunStateChanged(
              new FlowRunEvent(run, "etl", null, State.PENDING, state, at.plusMillis(1), 1));
    }
    return run;
  }

  @Test
  void runCountsCountEachBucketByStateWithEmptyBucketsAndAddUp() {
    Instant from = t0.truncatedTo(ChronoUnit.MINUTES);
    Duration minute = Duration.ofMinutes(1);
    runAt(from.minusMillis(1), State.COMPLETED, Set.of()); // before the range
    runAt(from, State.COMPLETED, Set.of("prod"));
    runAt(from.plusSeconds(30), State.COMPLETED, Set.of());
    runAt(from.plusSeconds(59), new State.Failed(new Error()), Set.of("prod"));
    runAt(from.plusSeconds(150), State.RUNNING, Set.of("prod", "eu")); // the third bucket
    runAt(from.plusSeconds(239), State.PENDING, Set.of());
    runAt(from.plusSeconds(240), State.COMPLETED, Set.of()); // at `until`: outside
    flush();

    RunCountQuery all = new RunCountQuery(from, from.plusSeconds(240), minute, null, Set.of());
    List<RunCountBucket> buckets = store.history().runCounts(all);
    assertThat(buckets)
        .extracting(RunCountBucket::start)
        .containsExactly(from, from.plus(minute), from.plusSeconds(120), from.plusSeconds(180));
    assertThat(buckets.get(0).counts()).isEqualTo(Map.of("Completed", 2L, "Failed", 1L));
    assertThat(buckets.get(1).counts()).isEmpty();
    assertThat(buckets.get(2).counts()).isEqualTo(Map.of("Running", 1L));
    assertThat(buckets.get(3).counts()).isEqualTo(Map.of("Pending", 1L));
    assertThat(buckets.stream().mapToLong(RunCountBucket::total).sum())
        .isEqualTo(
            store
                .history()
                .flowRuns(FlowRunQuery.recent(100).withSince(from).withUntil(from.plusSeconds(240)))
                .size());

    // The last bucket may end after `until`.
    assertThat(
            store
                .history()
                .runCounts(
                    new RunCountQuery(
                        from, from.plusSeconds(150), Duration.ofSeconds(100), null, Set.of())))
        .extracting(RunCountBucket::total)
        .containsExactly(3L, 0L);
    assertThat(
            store
                .history()
                .runCounts(
                    new RunCountQuery(from, from.plusSeconds(240), minute, null, Set.of("prod"))))
        .extracting(RunCountBucket::total)
        .containsExactly(2L, 0L, 1L, 0L);
    assertThat(
            store
                .history()
                .runCounts(
                    new RunCountQuery(
                        from, from.plusSeconds(240), minute, null, Set.of("prod", "eu"))))
        .extracting(RunCountBucket::total)
        .containsExactly(0L, 0L, 1L, 0L);
    assertThat(
            store
                .history()
                .runCounts(
                    new RunCountQuery(from, from.plusSeconds(240), minute, "other", Set.of())))
        .hasSize(4)
        .allSatisfy(b -> assertThat(b.total()).isZero());
  }

  // ---- the listing: time range, text, both orders

  @Test
  void theListingFiltersByTimeRangeAndTextAndRunsOldestFirstOnRequest() {
    UUID early = runAt(t0, State.COMPLETED, Set.of());
    UUID named = UUID.randomUUID();
    store
        .recorder()
        .flowRunStarted(
            new FlowRunStart(
                named,
                FLOW,
                "{}",
                null,
                null,
                t0.plusSeconds(1),
                RunOwner.current(),
                "Nightly Backfill",
                Set.of(),
                null));
    UUID late = runAt(t0.plusSeconds(2), State.COMPLETED, Set.of());
    flush();

    assertThat(store.history().flowRuns(FlowRunQuery.recent(10).withUntil(t0.plusSeconds(2))))
        .extracting(FlowRunSummary::id)
        .containsExactly(named, early);
    assertThat(
            store
                .history()
                .flowRuns(
                    FlowRunQuery.recent(10)
                        .withSince(t0.plusSeconds(1))
                        .withUntil(t0.plusSeconds(2))))
        .extracting(FlowRunSummary::id)
        .containsExactly(named);
    assertThat(store.history().flowRuns(FlowRunQuery.recent(10).withText("backfill")))
        .extracting(FlowRunSummary::id)
        .containsExactly(named);
    assertThat(store.history().flowRuns(FlowRunQuery.recent(10).withText("NIGHTLY b")))
        .extracting(FlowRunSummary::id)
        .containsExactly(named);
    String idStart = late.toString().substring(0, 8);
    assertThat(store.history().flowRuns(FlowRunQuery.recent(10).withText(idStart)))
        .extracting(FlowRunSummary::id)
        .contains(late);
    assertThat(
            store
                .history()
                .flowRuns(
                    FlowRunQuery.recent(10).withText(idStart.toUpperCase(java.util.Locale.ROOT))))
        .extracting(FlowRunSummary::id)
        .contains(late);
    assertThat(store.history().flowRuns(FlowRunQuery.recent(10).withText("  ")))
        .hasSize(3); // blank text: no filter
    assertThat(store.history().flowRuns(FlowRunQuery.recent(10).withOldestFirst(true)))
        .extracting(FlowRunSummary::id)
        .containsExactly(early, named, late);
  }

  @Test
  void pagingInEitherOrderShowsEveryRunThatExistedOnceWhileRunsAreAddedBetweenPages() {
    for (boolean oldestFirst : List.of(false, true)) {
      List<UUID> existing = new ArrayList<>();
      Instant base = t0.plusSeconds(oldestFirst ? 1_000 : 0);
      for (int i = 0; i < 30; i++) {
        // every third run shares its start time with the one before
        existing.add(
            runAt(base.plusMillis(i - i / 3), State.RUNNING, Set.of("paged-" + oldestFirst)));
      }
      flush();
      FlowRunQuery query =
          FlowRunQuery.recent(4)
              .withTags(Set.of("paged-" + oldestFirst))
              .withOldestFirst(oldestFirst);
      List<UUID> seen = new ArrayList<>();
      List<Instant> existingStarts = new ArrayList<>();
      FlowRunPage page = store.history().flowRunPage(query);
      for (int pages = 0; ; pages++) {
        assertThat(pages).as("pages").isLessThan(100);
        assertThat(page.items()).hasSizeLessThanOrEqualTo(4);
        for (FlowRunSummary r : page.items()) {
          seen.add(r.id());
          if (existing.contains(r.id())) {
            existingStarts.add(r.startTime());
          }
        }
        if (page.nextCursor() == null) {
          break;
        }
        // Between pages: a run older than all, one newer than all, one at the page's last start.
        Set<String> tags = Set.of("paged-" + oldestFirst);
        runAt(base.minusSeconds(100 + pages), State.RUNNING, tags);
        runAt(base.plusSeconds(100 + pages), State.RUNNING, tags);
        runAt(page.items().get(page.items().size() - 1).startTime(), State.RUNNING, tags);
        flush();
        page = store.history().flowRunPage(query.withCursor(page.nextCursor()));
      }
      assertThat(seen).as("oldest first: %s", oldestFirst).doesNotHaveDuplicates();
      assertThat(seen.stream().filter(existing::contains).toList())
          .as("oldest first: %s", oldestFirst)
          .containsExactlyInAnyOrderElementsOf(existing);
      if (oldestFirst) {
        assertThat(existingStarts).isSorted();
      } else {
        assertThat(existingStarts.reversed()).isSorted();
      }
    }
  }

  @Test
  void aCursorOfTheListingInTheOtherOrderIsRefused() {
    for (int i = 0; i < 3; i++) {
      runAt(t0.plusMillis(i), State.RUNNING, Set.of());
    }
    flush();
    String newest = store.history().flowRunPage(FlowRunQuery.recent(1)).nextCursor();
    String oldest =
        store.history().flowRunPage(FlowRunQuery.recent(1).withOldestFirst(true)).nextCursor();
    assertThat(newest).isNotNull();
    assertThat(oldest).isNotNull();
    assertThatThrownBy(
            () ->
                store
                    .history()
                    .flowRunPage(FlowRunQuery.recent(1).withOldestFirst(true).withCursor(newest)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("newest");
    assertThatThrownBy(() -> store.history().flowRunPage(FlowRunQuery.recent(1).withCursor(oldest)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("oldest");
    assertThat(
            store
                .history()
                .flowRunPage(FlowRunQuery.recent(1).withOldestFirst(true).withCursor(oldest))
                .items())
        .hasSize(1);
  }

  @Test
  void sqlMetacharactersInTextFlowNameAndTagsMatchLiterallyAndBreakNothing() {
    List<String> names =
        List.of(
            "it's", "100%", "100 percent", "a_b", "aXb", "x;--", "back\\slash", "bang!", "plain");
    Map<String, UUID> byName = new java.util.HashMap<>();
    for (String name : names) {
      UUID run = UUID.randomUUID();
      byName.put(name, run);
      store
          .recorder()
          .flowRunStarted(
              new FlowRunStart(
                  run,
                  FLOW,
                  "{}",
                  null,
                  null,
                  t0,
                  RunOwner.current(),
                  name,
                  Set.of("t:" + name),
                  null));
    }
    FlowInfo odd = new FlowInfo("e%l'_;--\\", "", "", List.of(), "");
    UUID oddRun = UUID.randomUUID();
    store
        .recorder()
        .flowRunStarted(new FlowRunStart(oddRun, odd, "{}", null, null, t0, RunOwner.current()));
    flush();

    Map<String, String> expected = new java.util.LinkedHashMap<>();
    expected.put("'", "it's");
    expected.put("%", "100%");
    expected.put("100%", "100%");
    expected.put("_", "a_b");
    expected.put("a_b", "a_b");
    expected.put(";--", "x;--");
    expected.put("\\", "back\\slash");
    expected.put("!", "bang!");
    expected.put("PLAIN", "plain");
    expected.forEach(
        (text, name) ->
            assertThat(store.history().flowRuns(FlowRunQuery.recent(100).withText(text)))
                .as("text %s", text)
                .extracting(FlowRunSummary::id)
                .containsExactly(byName.get(name)));
    for (String name : names) {
      assertThat(store.history().flowRuns(FlowRunQuery.recent(100).withTags(Set.of("t:" + name))))
          .as("tag %s", name)
          .extracting(FlowRunSummary::id)
          .containsExactly(byName.get(name));
    }
    assertThat(store.history().flowRuns(FlowRunQuery.recent(100).withTags(Set.of("t:%"))))
        .isEmpty();
    assertThat(store.history().flowRuns(FlowRunQuery.recent(100).withFlowName(odd.name())))
        .extracting(FlowRunSummary::id)
        .containsExactly(oddRun);
    assertThat(store.history().flowRuns(FlowRunQuery.recent(100).withFlowName("e_l'%;--\\")))
        .isEmpty();
    assertThat(store.history().flowRuns(FlowRunQuery.recent(100).withIdPrefix("%"))).isEmpty();
    assertThat(
            store
                .history()
                .runCounts(
                    new RunCountQuery(
                        t0, t0.plusSeconds(1), Duration.ofSeconds(1), odd.name(), Set.of("t:%"))))
        .singleElement()
        .satisfies(b -> assertThat(b.total()).isZero());
    assertThat(
            store
                .history()
                .runCounts(
                    new RunCountQuery(
                        t0, t0.plusSeconds(1), Duration.ofSeconds(1), odd.name(), Set.of())))
        .singleElement()
        .satisfies(b -> assertThat(b.total()).isEqualTo(1));
    assertThat(store.history().flowVersions(odd.name())).containsExactly(odd);
    // Nothing was dropped or broken on the way.
    assertThat(store.history().flowRuns(FlowRunQuery.recent(100))).hasSize(names.size() + 1);
  }

  // ---- cancel requests

  @Test
  void aCancelRequestedThroughAnotherStoreReachesTheHandlerOfTheStoreRecordingTheRun()
      throws Exception {
    BlockingQueue<UUID> cancelled = new LinkedBlockingQueue<>();
    store.onCancelRequested(cancelled::add);
    UUID run = start(RunOwner.current());
    UUID other = start(RunOwner.current());
    flush();
    try (RunStore server = reopen()) {
      assertThat(server.requestCancel(run, "cancelled by the server"))
          .isEqualTo(CancelOutcome.REQUESTED);
      assertThat(server.cancelRequested(List.of(run, other, UUID.randomUUID())))
          .containsExactly(run);
      assertThat(cancelled.poll(30, TimeUnit.SECONDS)).isEqualTo(run);
      // A second request is stored again, but the handler is told once per run.
      assertThat(server.requestCancel(run, "again")).isEqualTo(CancelOutcome.REQUESTED);
      assertThat(server.requestCancel(other, "the other")).isEqualTo(CancelOutcome.REQUESTED);
      assertThat(cancelled.poll(30, TimeUnit.SECONDS)).isEqualTo(other);
      assertThat(cancelled).isEmpty();
      // The request is the engine's to act on: the run is unchanged until it records Cancelled.
      assertThat(server.history().flowRun(run).orElseThrow().run().state().name())
          .isEqualTo("Running");
      store
          .recorder()
          .flowRunStateChanged(
              new FlowRunEvent(
                  run,
                  "etl",
                  null,
                  State.RUNNING,
                  new State.Cancelled("cancelled by the server"),
                  t0.plusMillis(5),
                  1));
      flush();
      assertThat(server.cancelRequested(List.of(run, other))).containsExactly(other);
      assertThat(server.requestCancel(run, "too late")).isEqualTo(CancelOutcome.ALREADY_FINAL);
      assertThat(server.requestCancel(UUID.randomUUID(), "who?"))
          .isEqualTo(CancelOutcome.NOT_FOUND);
    }
  }

  @Test
  void aHandlerThatThrowsIsKeptAndTheWatchRunsOnlyWhileRunsAreRecorded() throws Exception {
    CancelWatch watch = ((JdbcRunStore) store).cancelWatch();
    CountDownLatch called = new CountDownLatch(2);
    store.onCancelRequested(
        id -> {
          called.countDown();
          throw new IllegalStateException("a handler that fails");
        });
    assertThat(watch.watching()).isFalse(); // no run recorded: no thread, no query
    UUID first = start(RunOwner.current());
    UUID second = start(RunOwner.current());
    assertThat(watch.watching()).isTrue();
    flush();
    store.requestCancel(first, "one");
    store.requestCancel(second, "two");
    assertThat(called.await(30, TimeUnit.SECONDS)).isTrue();
    for (UUID run : List.of(first, second)) {
      store
          .recorder()
          .flowRunStateChanged(
              new FlowRunEvent(
                  run, "etl", null, State.RUNNING, new State.Cancelled("x"), t0.plusMillis(2), 1));
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (watch.watching() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(watch.watching()).isFalse();
  }

  @Test
  void cancellingARunWhoseProcessIsGoneMarksItAndItsUnfinishedTaskRunsCancelled() throws Exception {
    Process gone =
        new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(), "-version")
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    gone.waitFor();
    RunOwner dead = new RunOwner(RunOwner.current().host(), gone.pid(), Instant.now());
    UUID orphan = start(dead);
    UUID running = UUID.randomUUID();
    task(orphan, running, "extract", null, State.RUNNING, 2, 2);
    UUID done = UUID.randomUUID();
    task(orphan, done, "other", null, State.COMPLETED, 2, 1);
    UUID waiting = UUID.randomUUID();
    element(orphan, waiting, "load", 4, null, State.PENDING, 3);
    flush();
    long before = lastChange();

    try (RunStore server = reopen()) {
      assertThat(server.requestCancel(orphan, "cancelled by the server"))
          .isEqualTo(CancelOutcome.CANCELLED);
      FlowRunDetail detail = server.history().flowRun(orphan).orElseThrow();
      assertThat(detail.run().state().type()).isEqualTo(StateType.CANCELLED);
      assertThat(detail.run().state().message()).isEqualTo("cancelled by the server");
      assertThat(detail.run().endTime()).isEqualTo(detail.run().state().at());
      assertThat(detail.run().attempts()).isEqualTo(1);
      assertThat(detail.history())
          .extracting(StateRecord::name)
          .containsExactly("Pending", "Running", "Cancelled");
      TaskRunDetail extract = server.history().taskRun(running).orElseThrow();
      assertThat(extract.state().name()).isEqualTo("Cancelled");
      assertThat(extract.state().message()).isEqualTo("cancelled by the server");
      assertThat(extract.endTime()).isNotNull();
      assertThat(extract.attempts()).isEqualTo(2);
      assertThat(extract.history())
          .extracting(StateRecord::name)
          .containsExactly("Running", "Cancelled");
      TaskRunDetail element = server.history().taskRun(waiting).orElseThrow();
      assertThat(element.state().name()).isEqualTo("Cancelled");
      assertThat(element.mapIndex()).isEqualTo(4);
      assertThat(element.stepName()).isEqualTo("load");
      assertThat(server.history().taskRun(done).orElseThrow().history())
          .extracting(StateRecord::name)
          .containsExactly("Completed");
      assertThat(server.history().changesAfter(before, 10))
          .extracting(RunChange::flowRunId)
          .containsExactly(orphan);
      assertThat(server.cancelRequested(List.of(orphan))).isEmpty();
      assertThat(server.requestCancel(orphan, "again")).isEqualTo(CancelOutcome.ALREADY_FINAL);
    }
  }

  // ---- API tokens

  @Test
  void apiTokensAreStoredFoundNotedWhenUsedAndRevoked() {
    ApiTokens tokens = store.tokens();
    assertThat(tokens.any()).isFalse();
    Instant created = t0.truncatedTo(ChronoUnit.SECONDS);
    ApiToken ci = new ApiToken("ci", "run", "a".repeat(64), created, null);
    ApiToken admin = new ApiToken("admin", "admin", "b".repeat(64), created, null);
    tokens.create(ci);
    tokens.create(admin);
    assertThat(tokens.any()).isTrue();
    assertThat(tokens.list()).containsExactly(admin, ci);
    assertThat(tokens.byHash("a".repeat(64))).contains(ci);
    assertThat(tokens.byHash("c".repeat(64))).isEmpty();
    assertThatThrownBy(
            () -> tokens.create(new ApiToken("ci", "read", "d".repeat(64), created, null)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'ci'");
    assertThatThrownBy(
            () -> tokens.create(new ApiToken("copy", "read", "a".repeat(64), created, null)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(tokens.list()).hasSize(2);

    tokens.used("ci", created.plusSeconds(10));
    assertThat(lastUsed(tokens, "ci")).isEqualTo(created.plusSeconds(10));
    tokens.used("ci", created.plusSeconds(50)); // within a minute of the last: not written
    assertThat(lastUsed(tokens, "ci")).isEqualTo(created.plusSeconds(10));
    tokens.used("ci", created.plusSeconds(70));
    assertThat(lastUsed(tokens, "ci")).isEqualTo(created.plusSeconds(70));
    tokens.used("nobody", created); // best effort: no such token, no error
    try (RunStore other = reopen()) {
      // Another process sees the same tokens, and its own first use respects the minute too.
      other.tokens().used("ci", created.plusSeconds(100));
      assertThat(lastUsed(other.tokens(), "ci")).isEqualTo(created.plusSeconds(70));
      assertThat(other.tokens().revoke("ci")).isTrue();
    }
    assertThat(tokens.revoke("ci")).isFalse();
    assertThat(tokens.byHash("a".repeat(64))).isEmpty();
    assertThat(tokens.list()).containsExactly(admin);
  }

  static @org.jspecify.annotations.Nullable Instant lastUsed(ApiTokens tokens, String name) {
    return tokens.list().stream()
        .filter(t -> t.name().equals(name))
        .findFirst()
        .orElseThrow()
        .lastUsedAt();
  }
}
