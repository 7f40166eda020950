package dev.sluice.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.api.State;
import dev.sluice.api.store.IngestBatch;
import dev.sluice.api.store.LogLine;
import java.io.UncheckedIOException;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordSenderTest {
  @TempDir Path dir;

  private final FakeServer server = new FakeServer();
  private final List<RecordSender> senders = new ArrayList<>();

  @AfterEach
  void closeSenders() {
    server.mode = FakeServer.Mode.UP;
    senders.forEach(s -> s.close(Duration.ofSeconds(5)));
  }

  private RecordSender sender(int queue, int batch) {
    RecordSender sender =
        new RecordSender(
            UUID.randomUUID().toString(),
            FakeServer.URL,
            server,
            new ActiveRuns(),
            new JournalDir(dir, FakeServer.URL),
            queue,
            batch);
    senders.add(sender);
    sender.start();
    return sender;
  }

  private static void hand(RecordSender sender, List<Object> records) {
    for (Object r : records) {
      if (r instanceof LogLine l) {
        sender.log(l);
      } else if (r instanceof dev.sluice.api.store.FlowRunStart s) {
        sender.flowRunStarted(s);
      } else if (r instanceof dev.sluice.api.FlowRunEvent e) {
        sender.flowRunStateChanged(e);
      } else if (r instanceof dev.sluice.api.TaskRunEvent e) {
        sender.taskRunStateChanged(e);
      }
    }
  }

  private static void eventually(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the condition did not become true within 30 s");
      }
      Thread.sleep(10);
    }
  }

  private List<FakeServer.Post> batchesOf(String source) {
    return server.posts.stream()
        .filter(p -> p.source().equals(source) && p.sequence() > 0)
        .toList();
  }

  private long journalBytes() throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(f -> f.toString().endsWith(JournalDir.JOURNAL))
          .mapToLong(
              f -> {
                try {
                  return Files.size(f);
                } catch (java.io.IOException e) {
                  return 0;
                }
              })
          .sum();
    }
  }

  private List<Path> files() throws Exception {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.toList();
    }
  }

  @Test
  void recordsArriveInHandOverOrderInBatchesNumberedFromOne() {
    RecordSender sender = sender(100_000, 100);
    List<Object> records = TestRecords.run(UUID.randomUUID(), 1_000);
    hand(sender, records);

    assertThat(sender.flush(Duration.ofSeconds(30))).isTrue();

    assertThat(TestRecords.json(server.stored())).isEqualTo(TestRecords.json(records));
    List<FakeServer.Post> batches = batchesOf(sender.source());
    assertThat(batches).allSatisfy(p -> assertThat(p.records()).isBetween(1, 100));
    for (int i = 0; i < batches.size(); i++) {
      assertThat(batches.get(i).sequence()).isEqualTo(i + 1);
    }
  }

  @Test
  void longRecordsGoInSmallerBatchesSoABodyStaysUnderTheServersLimit() {
    RecordSender sender = sender(100_000, 2_000);
    UUID run = UUID.randomUUID();
    String long900k = "x".repeat(900_000);
    List<Object> records = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      records.add(
          new LogLine(
              run, null, TestRecords.T0, "INFO", "test", "main", long900k + i, null, Map.of()));
    }
    hand(sender, records);

    assertThat(sender.flush(Duration.ofSeconds(30))).isTrue();

    assertThat(server.stored()).hasSize(6);
    assertThat(batchesOf(sender.source())).allSatisfy(p -> assertThat(p.records()).isLessThan(3));
  }

  @Test
  void aBatchTheServerDidNotTakeIsSentAgainTheSameUntilItIsTaken() throws Exception {
    server.mode = FakeServer.Mode.DOWN;
    RecordSender sender = sender(100_000, 2_000);
    List<Object> records = TestRecords.lines(UUID.randomUUID(), 10);
    hand(sender, records);
    eventually(() -> batchesOf(sender.source()).size() >= 3);
    assertThat(sender.flush(Duration.ofMillis(50))).isFalse();

    server.mode = FakeServer.Mode.UP;
    assertThat(sender.flush(Duration.ofSeconds(30))).isTrue();

    assertThat(TestRecords.json(server.stored())).isEqualTo(TestRecords.json(records));
    assertThat(batchesOf(sender.source()))
        .allSatisfy(
            p -> {
              assertThat(p.sequence()).isEqualTo(1);
              assertThat(p.records()).isEqualTo(10);
            });
  }

  @Test
  void aBatchTheServerRefusesAsMalformedIsDroppedAndTheRestGoesOn() throws Exception {
    server.refuseNext.set(1);
    RecordSender sender = sender(100_000, 2_000);
    UUID run = UUID.randomUUID();
    hand(sender, TestRecords.lines(run, 5));
    eventually(() -> !server.posts.isEmpty());
    assertThat(sender.flush(Duration.ofSeconds(30))).isTrue(); // the dropped batch is settled
    List<Object> later = List.of(TestRecords.line(run, 100), TestRecords.line(run, 101));
    hand(sender, later);

    assertThat(sender.flush(Duration.ofSeconds(30))).isTrue();

    assertThat(TestRecords.json(server.stored())).isEqualTo(TestRecords.json(later));
  }

  @Test
  void aRefusedTokenKeepsTheRecordsAndSendsThemAgain() throws Exception {
    server.refuseWith = 401;
    server.refuseNext.set(2);
    RecordSender sender = sender(100_000, 2_000);
    List<Object> records = TestRecords.lines(UUID.randomUUID(), 5);
    hand(sender, records);

    assertThat(sender.flush(Duration.ofSeconds(30))).isTrue();

    assertThat(TestRecords.json(server.stored())).isEqualTo(TestRecords.json(records));
  }

  @Test
  void beyondTheQueueRecordsSpillToTheJournalAndAllArriveInOrderOnce() throws Exception {
    server.mode = FakeServer.Mode.DOWN;
    RecordSender sender = sender(50, 100);
    List<Object> records = TestRecords.run(UUID.randomUUID(), 5_000);
    hand(sender, records);
    eventually(
        () -> {
          try {
            return journalBytes() > 0;
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });

    server.mode = FakeServer.Mode.UP;
    assertThat(sender.flush(Duration.ofSeconds(60))).isTrue();

    assertThat(TestRecords.json(server.stored())).isEqualTo(TestRecords.json(records));
    assertThat(server.repeats()).isZero();
    assertThat(journalBytes()).isZero(); // emptied once everything in it was taken
    List<FakeServer.Post> batches = batchesOf(sender.source());
    assertThat(batches.stream().map(FakeServer.Post::sequence).distinct().sorted().toList())
        .isEqualTo(batches.stream().map(FakeServer.Post::sequence).distinct().toList());
  }

  @Test
  void aRequestThatHangsDoesNotStopRecordsSpillingAndTheOrderHolds() throws Exception {
    server.mode = FakeServer.Mode.HANG;
    RecordSender sender = sender(50, 100);
    UUID run = UUID.randomUUID();
    List<Object> first = TestRecords.lines(run, 10);
    hand(sender, first);
    eventually(() -> !server.hanging.isEmpty());
    List<Object> more = new ArrayList<>();
    for (int i = 10; i < 3_000; i++) {
      more.add(TestRecords.line(run, i));
    }
    hand(sender, more);
    eventually(
        () -> {
          try {
            return journalBytes() > 0;
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });

    server.mode = FakeServer.Mode.UP;
    server.hanging.forEach(
        f ->
            f.completeExceptionally(
                new UncheckedIOException(new HttpTimeoutException("request timed out"))));

    assertThat(sender.flush(Duration.ofSeconds(60))).isTrue();
    List<Object> all = new ArrayList<>(first);
    all.addAll(more);
    assertThat(TestRecords.json(server.stored())).isEqualTo(TestRecords.json(all));
  }

  @Test
  void whatTheServerDidNotTakeByCloseWaitsInTheJournalForTheNextStore() throws Exception {
    server.mode = FakeServer.Mode.DOWN;
    RecordSender first = sender(50, 100);
    List<Object> records = TestRecords.run(UUID.randomUUID(), 500);
    hand(first, records);
    first.close(Duration.ofMillis(300));
    assertThat(files())
        .extracting(p -> p.getFileName().toString())
        .containsExactlyInAnyOrder(
            first.source() + JournalDir.JOURNAL, first.source() + JournalDir.OWNER);

    server.mode = FakeServer.Mode.UP;
    RecordSender next = sender(100_000, 2_000);
    eventually(() -> server.stored().size() == records.size());

    assertThat(TestRecords.json(server.stored())).isEqualTo(TestRecords.json(records));
    assertThat(batchesOf(next.source())).isEmpty(); // sent as the first store's own batches
    eventually(
        () -> {
          try {
            return files().isEmpty();
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
  }

  @Test
  void closingWithEverythingSentLeavesNoFile() throws Exception {
    server.mode = FakeServer.Mode.DOWN;
    // Batches of 10 and room for 10 in memory: of 100 records, most must go to the journal (with
    // batches of 100, the sender could take all of them into its one batch in flight).
    RecordSender sender = sender(10, 10);
    hand(sender, TestRecords.lines(UUID.randomUUID(), 100));
    eventually(
        () -> {
          try {
            return journalBytes() > 0;
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
    server.mode = FakeServer.Mode.UP;
    sender.close(Duration.ofSeconds(30));

    assertThat(server.stored()).hasSize(100);
    assertThat(files()).isEmpty();
  }

  @Test
  void aCancelRequestIsToldOnceAndArrivesByPollWhileTheRunIsActive() throws Exception {
    RecordSender sender = sender(100_000, 2_000);
    List<UUID> told = new CopyOnWriteArrayList<>();
    sender.onCancelRequested(told::add);
    UUID run = UUID.randomUUID();
    sender.flowRunStarted(TestRecords.start(run));
    sender.flowRunStateChanged(TestRecords.flowState(run, State.RUNNING, 0));
    assertThat(sender.flush(Duration.ofSeconds(30))).isTrue();

    server.cancels.add(run);
    eventually(() -> told.contains(run));
    int posts = server.posts.size();
    eventually(() -> server.posts.size() >= posts + 2); // polls go on, once a second
    assertThat(told).containsExactly(run);
    assertThat(server.posts.get(server.posts.size() - 1).active()).containsExactly(run);

    sender.flowRunStateChanged(TestRecords.flowState(run, new State.Cancelled("asked"), 1));
    assertThat(sender.flush(Duration.ofSeconds(30))).isTrue();
    FakeServer.Post lastBatch =
        batchesOf(sender.source()).get(batchesOf(sender.source()).size() - 1);
    assertThat(lastBatch.active()).isEmpty();
  }

  @Test
  void anIngestedBatchTravelsAsItsOwnBetweenTheRecordsAroundIt() {
    RecordSender sender = sender(100_000, 2_000);
    UUID run = UUID.randomUUID();
    List<Object> relayed = TestRecords.lines(run, 3);
    sender.log(TestRecords.line(run, 100));
    sender.ingest(new IngestBatch("another-process", 9, relayed));
    sender.log(TestRecords.line(run, 101));

    assertThat(sender.flush(Duration.ofSeconds(30))).isTrue();

    List<Object> expected = new ArrayList<>();
    expected.add(TestRecords.line(run, 100));
    expected.addAll(relayed);
    expected.add(TestRecords.line(run, 101));
    assertThat(TestRecords.json(server.stored())).isEqualTo(TestRecords.json(expected));
    assertThat(server.posts)
        .anySatisfy(
            p -> {
              assertThat(p.source()).isEqualTo("another-process");
              assertThat(p.sequence()).isEqualTo(9);
            });
  }

  @Test
  void recordsAfterCloseAreRefusedAndFlushDoesNotWaitForThem() {
    RecordSender sender = sender(100_000, 2_000);
    sender.close(Duration.ofSeconds(5));
    sender.log(TestRecords.line(UUID.randomUUID(), 1));
    assertThat(sender.flush(Duration.ofSeconds(1))).isTrue();
    assertThat(server.stored()).isEmpty();
  }

  @Test
  void manyThreadsHandOverAtOnceAndEveryRecordArrivesOnceInEachThreadsOrder() throws Exception {
    server.mode = FakeServer.Mode.DOWN;
    RecordSender sender = sender(200, 64);
    int threads = 8;
    int each = 2_000;
    List<Thread> producers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      UUID run = new UUID(0, t);
      producers.add(Thread.ofPlatform().start(() -> hand(sender, TestRecords.lines(run, each))));
    }
    for (Thread p : producers) {
      p.join();
    }
    server.mode = FakeServer.Mode.UP;
    assertThat(sender.flush(Duration.ofSeconds(60))).isTrue();

    List<Object> stored = server.stored();
    assertThat(stored).hasSize(threads * each);
    for (int t = 0; t < threads; t++) {
      UUID run = new UUID(0, t);
      List<String> ofThread =
          stored.stream()
              .map(LogLine.class::cast)
              .filter(l -> l.flowRunId().equals(run))
              .map(LogLine::message)
              .toList();
      assertThat(ofThread)
          .isEqualTo(
              TestRecords.lines(run, each).stream().map(r -> ((LogLine) r).message()).toList());
    }
  }

  @Test
  void aJournalOfALiveProcessOrOfAnotherServerIsLeftAlone() throws Exception {
    JournalDir journals = new JournalDir(dir, FakeServer.URL);
    String live = UUID.randomUUID().toString();
    try (Journal journal = journals.create(live)) {
      journal.append(List.of(new Batch(live, 1, TestRecords.lines(UUID.randomUUID(), 1), 1)));
    }
    JournalDir.opened(live); // its store is open in this process
    try {
      JournalDir elsewhere = new JournalDir(dir, "http://elsewhere:4200/api/v1");
      String other = UUID.randomUUID().toString();
      try (Journal journal = elsewhere.create(other)) {
        journal.append(List.of(new Batch(other, 1, TestRecords.lines(UUID.randomUUID(), 1), 1)));
      }
      assertThat(journals.leftBehind("me")).isEmpty(); // live, or for another server
      assertThat(elsewhere.leftBehind("me")).containsExactly(elsewhere.journal(other));
    } finally {
      JournalDir.closed(live);
    }
    assertThat(journals.leftBehind("me")).containsExactly(journals.journal(live));
  }

  @Test
  void aJournalWhoseProcessDiedIsLeftBehind() throws Exception {
    Process gone =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-version")
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    gone.waitFor();
    JournalDir journals = new JournalDir(dir, FakeServer.URL);
    String source = UUID.randomUUID().toString();
    try (Journal journal = journals.create(source)) {
      journal.append(List.of(new Batch(source, 1, TestRecords.lines(UUID.randomUUID(), 1), 1)));
    }
    JournalDir.Owner dead =
        new JournalDir.Owner(
            dev.sluice.api.store.RunOwner.current().host(), gone.pid(), null, FakeServer.URL);
    Files.write(journals.owner(source), dev.sluice.wire.ApiJson.writer().writeValueAsBytes(dead));
    assertThat(JournalDir.isGone(dead, source)).isTrue();
    assertThat(journals.leftBehind("me")).containsExactly(journals.journal(source));
  }
}
