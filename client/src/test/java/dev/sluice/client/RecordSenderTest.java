package dev.sluice.client;

import static dev.sluice.client.TestServer.PATIENCE;
import static dev.sluice.client.TestServer.eventually;
import static java.util.stream.Collectors.groupingBy;
import static java.util.stream.Collectors.mapping;
import static java.util.stream.Collectors.toSet;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.api.State;
import dev.sluice.api.store.CancelOutcome;
import dev.sluice.api.store.FlowRunDetail;
import dev.sluice.api.store.FlowRunStart;
import dev.sluice.api.store.IngestBatch;
import dev.sluice.api.store.LogLine;
import dev.sluice.api.store.RunOwner;
import dev.sluice.api.store.StateRecord;
import dev.sluice.client.SluiceClient.RecordAnswer;
import dev.sluice.server.Scope;
import dev.sluice.server.ServerTokens;
import dev.sluice.wire.journal.Batch;
import dev.sluice.wire.journal.Journal;
import dev.sluice.wire.journal.JournalDir;
import java.io.UncheckedIOException;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sender against a real server over a real SQLite store ({@link TestServer}), through the real
 * client. Faults are real: the server stopped and started again on its port and file, a listener on
 * that port that never answers ({@link SilentListener}), a record the server cannot read (400), a
 * call without a token while the server has tokens (401). What was stored is read back from the
 * server's store; what the sender sent is watched on its way to the client ({@link Post}).
 */
class RecordSenderTest {
  /** The server the journal-only tests' journals are for; nothing listens there. */
  private static final String NOWHERE = "http://127.0.0.1:1/api/v1";

  @TempDir Path dir;

  private TestServer server;
  private Path journalDir;
  private final List<Post> posts = new CopyOnWriteArrayList<>();
  private final List<RecordSender> senders = new ArrayList<>();
  private final List<SluiceClient> clients = new ArrayList<>();

  /**
   * A request the sender made, as it went to the real client, and the real server's answer to it.
   *
   * @param records the batch's records, as sent
   * @param answer the client's answer: the server's, or how it failed
   */
  record Post(
      String source,
      long sequence,
      List<Object> records,
      List<UUID> active,
      CompletableFuture<RecordAnswer> answer) {
    @Nullable Throwable failure() {
      if (!answer.isCompletedExceptionally()) {
        return null;
      }
      try {
        answer.join();
        return null;
      } catch (CompletionException e) {
        return e.getCause();
      } catch (CancellationException e) {
        return e;
      }
    }

    /** The status of the server's error answer; 0 when it took the request or did not answer. */
    int refusedWith() {
      return failure() instanceof SluiceApiException e ? e.status() : 0;
    }

    boolean timedOut() {
      return failure() instanceof UncheckedIOException e
          && e.getCause() instanceof HttpTimeoutException;
    }

    /** The runs the server said have a cancel request; empty until it answered. */
    Set<UUID> cancels() {
      return answer.isDone() && !answer.isCompletedExceptionally()
          ? answer.join().cancelRequested()
          : Set.of();
    }
  }

  @BeforeEach
  void startServer() throws Exception {
    server = new TestServer(dir.resolve("server.db")).start();
    journalDir = dir.resolve("journal");
  }

  @AfterEach
  void stopEverything() {
    senders.forEach(s -> s.close(Duration.ofSeconds(5)));
    clients.forEach(SluiceClient::close);
    server.close();
  }

  private SluiceClient client(@Nullable String token, Duration timeout) {
    SluiceClient client =
        SluiceClient.builder().url(server.url()).token(token).timeout(timeout).build();
    clients.add(client);
    return client;
  }

  private SluiceClient client(@Nullable String token) {
    return client(token, PATIENCE);
  }

  /** A sender through {@code client}, as the remote store makes one, watched on its way out. */
  private RecordSender sender(SluiceClient client, int queue, int batch) {
    RecordSender.Poster watched =
        (source, sequence, records, active) -> {
          CompletableFuture<RecordAnswer> answer =
              client.recordAsync(source, sequence, records, active);
          posts.add(new Post(source, sequence, List.copyOf(records), List.copyOf(active), answer));
          return answer;
        };
    RecordSender sender =
        new RecordSender(
            UUID.randomUUID().toString(),
            client.url(),
            watched,
            new ActiveRuns(),
            new JournalDir(journalDir, client.url()),
            queue,
            batch);
    senders.add(sender);
    sender.start();
    return sender;
  }

  private RecordSender sender(int queue, int batch) {
    return sender(client(null), queue, batch);
  }

  /** The batches {@code source} sent (not the polls), every attempt. */
  private List<Post> batchesOf(String source) {
    return posts.stream().filter(p -> p.source().equals(source) && p.sequence() > 0).toList();
  }

  /** The log lines the server's store holds for {@code run}, in its order, as JSON. */
  private List<String> storedLines(UUID run) {
    return server.logs(run).stream().map(l -> TestRecords.json(l.line())).toList();
  }

  private static List<String> linesOf(List<Object> records) {
    return TestRecords.json(records.stream().filter(r -> r instanceof LogLine).toList());
  }

  /**
   * The server's store holds the run of {@link TestRecords#run} once: its states and its task's,
   * and its lines in hand-over order; a batch stored twice would double them.
   */
  private void assertStoredOnce(UUID run, List<Object> records) {
    FlowRunDetail detail = server.history().flowRun(run).orElseThrow();
    assertThat(detail.run().state().name()).isEqualTo("Completed");
    assertThat(detail.history())
        .extracting(StateRecord::name)
        .containsExactly("Pending", "Running", "Completed");
    assertThat(detail.taskRuns())
        .singleElement()
        .satisfies(
            t ->
                assertThat(t.history())
                    .extracting(StateRecord::name)
                    .containsExactly("Running", "Completed"));
    assertThat(storedLines(run)).isEqualTo(linesOf(records));
  }

  private long journalBytes() throws Exception {
    long total = 0;
    for (Path f : files()) {
      if (f.toString().endsWith(JournalDir.JOURNAL)) {
        total += Files.size(f);
      }
    }
    return total;
  }

  private List<Path> files() throws Exception {
    if (!Files.isDirectory(journalDir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(journalDir)) {
      return files.toList();
    }
  }

  @Test
  void recordsArriveInHandOverOrderInBatchesNumberedFromOne() throws Exception {
    RecordSender sender = sender(100_000, 100);
    UUID run = UUID.randomUUID();
    List<Object> records = TestRecords.run(run, 1_000);
    JournalingProcess.hand(sender, records);

    assertThat(sender.flush(PATIENCE)).isTrue();

    assertStoredOnce(run, records);
    List<Post> batches = batchesOf(sender.source());
    assertThat(batches).allSatisfy(p -> assertThat(p.records()).hasSizeBetween(1, 100));
    // 1, 2, 3...: a batch sent again (an answer lost on a loaded machine) keeps its number
    List<Long> numbers = batches.stream().map(Post::sequence).toList();
    assertThat(numbers).isSorted();
    List<Long> distinct = numbers.stream().distinct().toList();
    assertThat(distinct).isEqualTo(LongStream.rangeClosed(1, distinct.size()).boxed().toList());
    assertThat(
            distinct.stream()
                .mapToInt(
                    n ->
                        batches.stream()
                            .filter(p -> p.sequence() == n)
                            .findFirst()
                            .orElseThrow()
                            .records()
                            .size())
                .sum())
        .isEqualTo(records.size());
  }

  @Test
  void longRecordsGoInSmallerBatchesSoABodyStaysUnderTheServersLimit() throws Exception {
    RecordSender sender = sender(100_000, 2_000);
    UUID run = UUID.randomUUID();
    String long900k = "x".repeat(900_000);
    List<Object> records = new ArrayList<>();
    // 9 MB together: more than the server takes in one body (server.max-body, 8 MiB: 413)
    for (int i = 0; i < 10; i++) {
      records.add(
          new LogLine(
              run, null, TestRecords.T0, "INFO", "test", "main", long900k + i, null, Map.of()));
    }
    JournalingProcess.hand(sender, records);

    assertThat(sender.flush(PATIENCE)).isTrue();

    assertThat(storedLines(run)).isEqualTo(linesOf(records));
    assertThat(batchesOf(sender.source()))
        .allSatisfy(
            p -> {
              assertThat(p.records()).hasSizeLessThan(3);
              assertThat(p.refusedWith()).isZero();
            });
  }

  @Test
  void aBatchTheServerDidNotTakeIsSentAgainTheSameUntilItIsTaken() throws Exception {
    server.stop();
    RecordSender sender = sender(100_000, 2_000);
    UUID run = UUID.randomUUID();
    List<Object> records = TestRecords.lines(run, 10);
    JournalingProcess.hand(sender, records);
    eventually(() -> batchesOf(sender.source()).size() >= 3);
    assertThat(sender.flush(Duration.ofMillis(50))).isFalse();

    server.start(); // the same port, the same file

    assertThat(sender.flush(PATIENCE)).isTrue();
    assertThat(storedLines(run)).isEqualTo(linesOf(records));
    List<Post> batches = batchesOf(sender.source());
    // every attempt at a batch was the same batch: its number, its records
    Map<Long, Set<List<Object>>> attempts =
        batches.stream().collect(groupingBy(Post::sequence, mapping(Post::records, toSet())));
    assertThat(attempts.values()).allSatisfy(same -> assertThat(same).hasSize(1));
    assertThat(batches.stream().filter(p -> p.sequence() == 1).count()).isGreaterThan(3);
  }

  @Test
  void aBatchTheServerRefusesAsMalformedIsDroppedAndTheRestGoesOn() throws Exception {
    RecordSender sender = sender(100_000, 2_000);
    UUID refusedRun = UUID.randomUUID();
    // Parameters travel as raw JSON: these make a body the server cannot read (400).
    FlowRunStart unreadable =
        new FlowRunStart(
            refusedRun,
            TestRecords.FLOW,
            "not json",
            null,
            null,
            TestRecords.T0,
            RunOwner.current(),
            null,
            Set.of(),
            null);
    sender.flowRunStarted(unreadable);
    assertThat(sender.flush(PATIENCE)).isTrue(); // the dropped batch is settled
    assertThat(batchesOf(sender.source()))
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.records()).containsExactly(unreadable);
              assertThat(p.refusedWith()).isEqualTo(400);
            });
    UUID run = UUID.randomUUID();
    List<Object> later = TestRecords.run(run, 2);
    JournalingProcess.hand(sender, later);

    assertThat(sender.flush(PATIENCE)).isTrue();

    assertStoredOnce(run, later);
    assertThat(server.history().flowRun(refusedRun)).isEmpty();
  }

  @Test
  void aRefusedTokenKeepsTheRecordsAndSendsThemAgain() throws Exception {
    // With a token stored, the server refuses calls that bring none (401).
    ServerTokens.create(server.store().tokens(), "admin", Scope.ADMIN);
    RecordSender sender = sender(client(null), 100_000, 2_000);
    UUID run = UUID.randomUUID();
    List<Object> records = TestRecords.run(run, 5);
    JournalingProcess.hand(sender, records);
    eventually(
        () -> batchesOf(sender.source()).stream().filter(p -> p.refusedWith() == 401).count() >= 2);
    assertThat(sender.flush(Duration.ofMillis(50))).isFalse(); // kept, not dropped

    // The token revoked, none is left: a server on loopback takes calls without one.
    assertThat(server.store().tokens().revoke("admin")).isTrue();

    assertThat(sender.flush(PATIENCE)).isTrue();
    assertStoredOnce(run, records);
  }

  @Test
  void recordsRefusedForTheirTokenWaitInTheJournalForAStoreWithAGoodOne() throws Exception {
    ServerTokens.Created agent = ServerTokens.create(server.store().tokens(), "agent", Scope.AGENT);
    RecordSender first = sender(client("slc_not-a-token-of-this-server"), 100_000, 2_000);
    UUID run = UUID.randomUUID();
    List<Object> records = TestRecords.run(run, 20);
    JournalingProcess.hand(first, records);
    eventually(() -> batchesOf(first.source()).stream().anyMatch(p -> p.refusedWith() == 401));
    first.close(Duration.ofMillis(300));
    assertThat(files())
        .extracting(p -> p.getFileName().toString())
        .containsExactlyInAnyOrder(
            first.source() + JournalDir.JOURNAL, first.source() + JournalDir.OWNER);
    assertThat(server.history().flowRun(run)).isEmpty();

    RecordSender next = sender(client(agent.token()), 100_000, 2_000);

    eventually(
        () ->
            server
                .history()
                .flowRun(run)
                .map(d -> d.run().state().name().equals("Completed"))
                .orElse(false));
    assertStoredOnce(run, records);
    assertThat(batchesOf(next.source())).isEmpty(); // sent as the first store's own batches
    eventually(() -> files().isEmpty());
  }

  @Test
  void beyondTheQueueRecordsSpillToTheJournalAndAllArriveInOrderOnce() throws Exception {
    server.stop();
    RecordSender sender = sender(50, 100);
    UUID run = UUID.randomUUID();
    List<Object> records = TestRecords.run(run, 5_000);
    JournalingProcess.hand(sender, records);
    eventually(() -> journalBytes() > 0);

    server.start();

    assertThat(sender.flush(PATIENCE)).isTrue();
    assertStoredOnce(run, records);
    assertThat(journalBytes()).isZero(); // emptied once everything in it was taken
    List<Long> numbers = batchesOf(sender.source()).stream().map(Post::sequence).toList();
    assertThat(numbers).isSorted();
  }

  @Test
  void aRequestThatHangsDoesNotStopRecordsSpillingAndTheOrderHolds() throws Exception {
    server.stop();
    UUID run = UUID.randomUUID();
    List<Object> first = TestRecords.lines(run, 10);
    List<Object> more = new ArrayList<>();
    for (int i = 10; i < 3_000; i++) {
      more.add(TestRecords.line(run, i));
    }
    RecordSender sender;
    // Something on the server's port takes the connection and never answers.
    try (SilentListener silent = new SilentListener(server.port())) {
      sender = sender(client(null, Duration.ofSeconds(2)), 50, 100);
      JournalingProcess.hand(sender, first);
      eventually(() -> silent.connections() > 0 && !batchesOf(sender.source()).isEmpty());
      JournalingProcess.hand(sender, more);
      eventually(() -> journalBytes() > 0);
      eventually(() -> posts.stream().anyMatch(Post::timedOut)); // api.timeout ends a request
    }

    server.start(); // the real server back on its port

    assertThat(sender.flush(PATIENCE)).isTrue();
    List<Object> all = new ArrayList<>(first);
    all.addAll(more);
    assertThat(storedLines(run)).isEqualTo(linesOf(all));
  }

  @Test
  void whatTheServerDidNotTakeByCloseWaitsInTheJournalForTheNextStore() throws Exception {
    server.stop();
    RecordSender first = sender(50, 100);
    UUID run = UUID.randomUUID();
    List<Object> records = TestRecords.run(run, 500);
    JournalingProcess.hand(first, records);
    first.close(Duration.ofMillis(300));
    assertThat(files())
        .extracting(p -> p.getFileName().toString())
        .containsExactlyInAnyOrder(
            first.source() + JournalDir.JOURNAL, first.source() + JournalDir.OWNER);

    server.start();
    RecordSender next = sender(100_000, 2_000);

    eventually(
        () ->
            server
                    .history()
                    .flowRun(run)
                    .map(d -> d.run().state().name().equals("Completed"))
                    .orElse(false)
                && server.logs(run).size() == 500);
    assertStoredOnce(run, records);
    assertThat(batchesOf(next.source())).isEmpty(); // sent as the first store's own batches
    eventually(() -> files().isEmpty());
  }

  @Test
  void closingWithEverythingSentLeavesNoFile() throws Exception {
    server.stop();
    RecordSender sender = sender(10, 100);
    UUID run = UUID.randomUUID();
    // Far more than a batch and the queue hold, so some go to the journal whatever the timing.
    List<Object> records = TestRecords.lines(run, 1_000);
    JournalingProcess.hand(sender, records);
    eventually(() -> journalBytes() > 0);
    server.start();

    sender.close(PATIENCE);

    assertThat(storedLines(run)).isEqualTo(linesOf(records));
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
    assertThat(sender.flush(PATIENCE)).isTrue();

    // Recorded as unfinished, by this live process: the store asks it, and does not mark it.
    assertThat(server.store().requestCancel(run, "asked by the test"))
        .isEqualTo(CancelOutcome.REQUESTED);

    eventually(() -> told.contains(run));
    int seen = posts.size();
    eventually(() -> posts.size() >= seen + 2); // polls go on, once a second
    // every poll's answer names it again; it was told once
    eventually(
        () ->
            posts.stream().filter(p -> p.sequence() == 0 && p.cancels().contains(run)).count()
                >= 2);
    assertThat(told).containsExactly(run);
    assertThat(posts.get(posts.size() - 1).active()).containsExactly(run);

    sender.flowRunStateChanged(TestRecords.flowState(run, new State.Cancelled("asked"), 1));
    assertThat(sender.flush(PATIENCE)).isTrue();
    // Its end may travel in a batch that still names it (it ends once handed over); a batch after
    // it names it no more.
    sender.log(TestRecords.line(run, 2));
    assertThat(sender.flush(PATIENCE)).isTrue();
    List<Post> batches = batchesOf(sender.source());
    assertThat(batches.get(batches.size() - 1).active()).isEmpty();
    assertThat(server.history().flowRun(run).orElseThrow().run().state().name())
        .isEqualTo("Cancelled");
  }

  @Test
  void anIngestedBatchTravelsAsItsOwnBetweenTheRecordsAroundIt() throws Exception {
    RecordSender sender = sender(100_000, 2_000);
    UUID run = UUID.randomUUID();
    List<Object> relayed = TestRecords.lines(run, 3);
    sender.log(TestRecords.line(run, 100));
    sender.ingest(new IngestBatch("another-process", 9, relayed));
    sender.log(TestRecords.line(run, 101));

    assertThat(sender.flush(PATIENCE)).isTrue();

    List<Object> expected = new ArrayList<>();
    expected.add(TestRecords.line(run, 100));
    expected.addAll(relayed);
    expected.add(TestRecords.line(run, 101));
    assertThat(storedLines(run)).isEqualTo(linesOf(expected));
    assertThat(posts)
        .anySatisfy(
            p -> {
              assertThat(p.source()).isEqualTo("another-process");
              assertThat(p.sequence()).isEqualTo(9);
              assertThat(p.records()).isEqualTo(relayed);
            });
  }

  @Test
  void recordsAfterCloseAreRefusedAndFlushSaysSoWithoutWaiting() throws Exception {
    RecordSender sender = sender(100_000, 2_000);
    sender.close(Duration.ofSeconds(5));
    UUID run = UUID.randomUUID();
    sender.log(TestRecords.line(run, 1));
    assertThat(sender.flush(Duration.ofSeconds(1))).isFalse(); // the line was refused
    assertThat(batchesOf(sender.source())).isEmpty();
    assertThat(server.logs(run)).isEmpty();
  }

  @Test
  void manyThreadsHandOverAtOnceAndEveryRecordArrivesOnceInEachThreadsOrder() throws Exception {
    server.stop();
    RecordSender sender = sender(200, 64);
    int threads = 8;
    int each = 2_000;
    List<Thread> producers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      UUID run = new UUID(0, t);
      producers.add(
          Thread.ofPlatform()
              .start(() -> JournalingProcess.hand(sender, TestRecords.lines(run, each))));
    }
    for (Thread p : producers) {
      p.join();
    }
    server.start();

    assertThat(sender.flush(PATIENCE)).isTrue();

    for (int t = 0; t < threads; t++) {
      UUID run = new UUID(0, t);
      assertThat(storedLines(run)).isEqualTo(linesOf(TestRecords.lines(run, each)));
    }
  }

  @Test
  void aJournalOfALiveProcessOrOfAnotherServerIsLeftAlone() throws Exception {
    JournalDir journals = new JournalDir(journalDir, NOWHERE);
    String live = UUID.randomUUID().toString();
    try (Journal journal = journals.create(live)) {
      journal.append(List.of(new Batch(live, 1, TestRecords.lines(UUID.randomUUID(), 1), 1)));
    }
    JournalDir.opened(live); // its store is open in this process
    try {
      JournalDir elsewhere = new JournalDir(journalDir, "http://elsewhere:4200/api/v1");
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
    JournalDir journals = new JournalDir(journalDir, NOWHERE);
    String source = UUID.randomUUID().toString();
    try (Journal journal = journals.create(source)) {
      journal.append(List.of(new Batch(source, 1, TestRecords.lines(UUID.randomUUID(), 1), 1)));
    }
    JournalDir.Owner dead =
        new JournalDir.Owner(RunOwner.current().host(), gone.pid(), null, NOWHERE);
    Files.write(journals.owner(source), dev.sluice.wire.ApiJson.writer().writeValueAsBytes(dead));
    assertThat(JournalDir.isGone(dead, source)).isTrue();
    assertThat(journals.leftBehind("me")).containsExactly(journals.journal(source));
  }
}
