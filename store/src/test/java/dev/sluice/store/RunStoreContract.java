package dev.sluice.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.api.FlowRunEvent;
import dev.sluice.api.State;
import dev.sluice.api.StateType;
import dev.sluice.api.TaskRunEvent;
import dev.sluice.api.store.FlowInfo;
import dev.sluice.api.store.FlowRunDetail;
import dev.sluice.api.store.FlowRunPage;
import dev.sluice.api.store.FlowRunQuery;
import dev.sluice.api.store.FlowRunStart;
import dev.sluice.api.store.FlowRunSummary;
import dev.sluice.api.store.LogLine;
import dev.sluice.api.store.RunChange;
import dev.sluice.api.store.RunOwner;
import dev.sluice.api.store.RunStore;
import dev.sluice.api.store.StateRecord;
import dev.sluice.api.store.StoredLogLine;
import dev.sluice.api.store.TaskRunDetail;
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
    return all.isEmpty() ? 0 : all.get(all.size() - 1).sequence();
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
