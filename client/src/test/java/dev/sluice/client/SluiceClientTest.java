package dev.sluice.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.sluice.api.FlowRunEvent;
import dev.sluice.api.State;
import dev.sluice.api.TaskRunEvent;
import dev.sluice.api.settings.Settings;
import dev.sluice.api.store.ApiToken;
import dev.sluice.api.store.CancelOutcome;
import dev.sluice.api.store.FlowInfo;
import dev.sluice.api.store.FlowRunDetail;
import dev.sluice.api.store.FlowRunPage;
import dev.sluice.api.store.FlowRunQuery;
import dev.sluice.api.store.FlowRunStart;
import dev.sluice.api.store.FlowRunSummary;
import dev.sluice.api.store.RunChange;
import dev.sluice.api.store.RunCountBucket;
import dev.sluice.api.store.RunCountQuery;
import dev.sluice.api.store.RunOwner;
import dev.sluice.api.store.StateRecord;
import dev.sluice.server.Scope;
import dev.sluice.server.ServerTokens;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client against a real server over a real SQLite store ({@link TestServer}): what the server
 * answers each method, and what the client makes of it. Runs are recorded through the client's own
 * {@code POST /records} first. Where no server can answer — a closed port, a listener that never
 * answers — the client meets those faults for real ({@link SilentListener}).
 */
class SluiceClientTest {
  private static final String TOKEN = "slc_secret-token-value";
  private static final Instant JAN = Instant.parse("2026-01-01T00:00:00Z");

  @TempDir Path dir;

  private TestServer server;
  private final List<SluiceClient> clients = new ArrayList<>();
  private long setupSequence;

  @BeforeEach
  void startServer() throws Exception {
    server = new TestServer(dir.resolve("server.db")).start();
  }

  @AfterEach
  void stopServer() {
    clients.forEach(SluiceClient::close);
    server.close();
  }

  private SluiceClient client(@Nullable String token) {
    SluiceClient client = SluiceClient.builder().url(server.url()).token(token).build();
    clients.add(client);
    return client;
  }

  private String api() {
    return server.url() + "/api/v1";
  }

  /** Records {@code records} through the server, as one batch of a source of the test's own. */
  private void record(Object... records) {
    assertThat(client(null).record("setup", ++setupSequence, Arrays.asList(records), List.of()))
        .isNotNull();
  }

  private static FlowInfo flow(String name) {
    return new FlowInfo(
        name,
        "1",
        "",
        List.of(new FlowInfo.StepInfo("a", FlowInfo.StepInfo.TASK, List.of())),
        "flowchart LR\n  a");
  }

  private static FlowRunStart start(
      UUID run,
      String flowName,
      Instant at,
      @Nullable String name,
      Set<String> tags,
      @Nullable String key) {
    return new FlowRunStart(
        run, flow(flowName), "{\"n\":1}", null, null, at, RunOwner.current(), name, tags, key);
  }

  private static FlowRunEvent state(UUID run, String flowName, State state, Instant at) {
    return new FlowRunEvent(run, flowName, null, null, state, at, 1);
  }

  /** A run of {@code flowName} started at {@code at}, now in {@code state}. */
  private UUID run(
      String flowName, Instant at, @Nullable String name, Set<String> tags, State state) {
    UUID run = UUID.randomUUID();
    record(
        start(run, flowName, at, name, tags, null),
        state(run, flowName, state, at.plusSeconds(60)));
    return run;
  }

  @Test
  void everyFieldOfARunQueryReachesTheServer() {
    Set<String> both = Set.of("prod", "eu");
    UUID a = run("nightly etl", JAN.plus(Duration.ofDays(4)), "my run", both, State.RUNNING);
    UUID b = run("nightly etl", JAN.plus(Duration.ofDays(14)), "my run too", both, State.COMPLETED);
    UUID c =
        run(
            "nightly etl",
            JAN.plus(Duration.ofDays(27)),
            "MY RUN three",
            Set.of("prod", "eu", "more"),
            State.RUNNING);
    // each of these misses one filter
    run("nightly etl", JAN.plus(Duration.ofDays(19)), "my run", Set.of("prod"), State.COMPLETED);
    run("hourly", JAN.plus(Duration.ofDays(24)), "my run", both, State.COMPLETED);
    run("nightly etl", JAN.minus(Duration.ofDays(12)), "my run", both, State.COMPLETED);
    run("nightly etl", JAN.plus(Duration.ofDays(35)), "my run", both, State.COMPLETED);
    run("nightly etl", JAN.plus(Duration.ofDays(24)), "my run", both, new State.Cancelled("no"));
    run("nightly etl", JAN.plus(Duration.ofDays(25)), "something", both, State.COMPLETED);
    FlowRunQuery query =
        FlowRunQuery.recent(2)
            .withFlowName("nightly etl")
            .withStates(Set.of("Completed", "RUNNING"))
            .withTags(both)
            .withSince(JAN)
            .withUntil(Instant.parse("2026-02-01T00:00:00Z"))
            .withText("my run")
            .withOldestFirst(true);
    SluiceClient client = client(null);

    FlowRunPage first = client.flowRuns(query);
    assertThat(first.items()).extracting(FlowRunSummary::id).containsExactly(a, b);
    assertThat(first.nextCursor()).isNotNull();
    FlowRunPage second = client.flowRuns(query.withCursor(first.nextCursor()));
    assertThat(second.items()).extracting(FlowRunSummary::id).containsExactly(c);
    assertThat(second.nextCursor()).isNull();
    assertThat(client.flowRuns(query.withOldestFirst(false).withLimit(10)).items())
        .extracting(FlowRunSummary::id)
        .containsExactly(c, b, a);
  }

  @Test
  void anIdPrefixIsSearchedForAndTheRunsItDoesNotStartAreLeftOut() {
    UUID matching = UUID.fromString("0193aaaa-0000-7000-8000-000000000001");
    UUID named = UUID.fromString("0193bbbb-0000-7000-8000-000000000002");
    record(start(matching, "f", JAN, "first", Set.of(), null));
    record(start(named, "f", JAN.plusSeconds(1), "after 0193aaaa", Set.of(), null));
    record(start(UUID.randomUUID(), "f", JAN.plusSeconds(2), "other", Set.of(), null));

    assertThat(client(null).flowRuns(FlowRunQuery.recent(10).withIdPrefix("0193AAAA")).items())
        .extracting(FlowRunSummary::id)
        .containsExactly(matching);
    // the search the client sends matches the name too: the client left that run out
    assertThat(server.history().flowRuns(FlowRunQuery.recent(10).withText("0193aaaa")))
        .extracting(FlowRunSummary::id)
        .containsExactlyInAnyOrder(matching, named);
  }

  @Test
  void aRecordedRunReadsBackThroughEveryRoute() {
    UUID run = UUID.randomUUID();
    UUID task = UUID.randomUUID();
    record(
        start(run, "nightly", JAN, "the run", Set.of("prod"), "key-1"),
        state(run, "nightly", State.RUNNING, JAN.plusSeconds(1)),
        new TaskRunEvent(run, "nightly", task, "a", null, State.RUNNING, JAN.plusSeconds(2), 1),
        TestRecords.line(run, 3),
        new TaskRunEvent(run, "nightly", task, "a", null, State.COMPLETED, JAN.plusSeconds(4), 1),
        state(run, "nightly", State.COMPLETED, JAN.plusSeconds(5)));
    SluiceClient client = client(null);
    FlowRunDetail stored = server.history().flowRun(run).orElseThrow();

    assertThat(client.health()).isEqualTo(new SluiceClient.Health("ok", "sqlite"));
    assertThat(client.version().api()).isEqualTo("v1");
    assertThat(client.version().version()).isNotBlank();
    assertThat(client.flows())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.name()).isEqualTo("nightly");
              assertThat(f.runs()).isEqualTo(1);
            });
    SluiceClient.FlowDetail flow = client.flow("nightly").orElseThrow();
    assertThat(flow.flow().name()).isEqualTo("nightly");
    assertThat(TestRecords.json(flow.versions()))
        .containsExactly(TestRecords.json(flow("nightly")));
    assertThat(TestRecords.json(client.flowRun(run).orElseThrow()))
        .isEqualTo(TestRecords.json(stored));
    assertThat(TestRecords.json(client.taskRuns(run)))
        .isEqualTo(TestRecords.json(stored.taskRuns()));
    assertThat(TestRecords.json(client.taskRun(task).orElseThrow()))
        .isEqualTo(TestRecords.json(server.history().taskRun(task).orElseThrow()));
    assertThat(client.flowRunByIdempotencyKey("nightly", "key-1"))
        .map(FlowRunSummary::id)
        .contains(run);
    assertThat(client.flowRunByIdempotencyKey("nightly", "key-2")).isEmpty();
  }

  @Test
  void recordsArePostedAsARecordBatchStoredOnceAndTheAnswerNamesTheCancels() {
    UUID run = UUID.randomUUID();
    UUID other = UUID.randomUUID();
    List<Object> records =
        List.of(
            TestRecords.start(run),
            TestRecords.flowState(run, State.RUNNING, 0),
            TestRecords.line(run, 1),
            TestRecords.line(run, 2));
    SluiceClient client = client(null);

    assertThat(client.record("src", 1, records, List.of(run)).cancelRequested()).isEmpty();
    assertThat(client.record("src", 1, records, List.of(run)).cancelRequested()).isEmpty();

    FlowRunDetail detail = server.history().flowRun(run).orElseThrow();
    assertThat(detail.parametersJson()).isEqualTo("{\"n\":1}");
    assertThat(detail.history())
        .extracting(StateRecord::name)
        .containsExactly("Pending", "Running");
    assertThat(server.logs(run))
        .extracting(l -> TestRecords.json(l.line()))
        .containsExactlyElementsOf(TestRecords.json(records.subList(2, 4))); // not twice
    assertThat(server.store().requestCancel(run, "asked by the test"))
        .isEqualTo(CancelOutcome.REQUESTED);
    assertThat(client.record("src", 0, List.of(), List.of(run, other)).cancelRequested())
        .containsExactly(run);
  }

  @Test
  void runCountsLogsAndChangesSendTheirParameters() {
    Set<String> prod = Set.of("prod");
    UUID counted = run("etl", JAN.plus(Duration.ofMinutes(30)), null, prod, State.COMPLETED);
    run("etl", JAN.plus(Duration.ofMinutes(90)), null, prod, State.RUNNING);
    run("etl", JAN.plus(Duration.ofMinutes(45)), null, Set.of(), State.COMPLETED);
    run("other", JAN.plus(Duration.ofMinutes(50)), null, prod, State.COMPLETED);
    run("etl", JAN.plus(Duration.ofHours(5)), null, prod, State.COMPLETED);
    record(TestRecords.lines(counted, 5).toArray());
    SluiceClient client = client(null);

    // the answer also has from, until and bucket, which the client does not read: a property it
    // does not know is ignored
    List<RunCountBucket> buckets =
        client.runCounts(
            new RunCountQuery(
                JAN, JAN.plus(Duration.ofHours(3)), Duration.ofHours(1), "etl", prod));
    assertThat(buckets)
        .extracting(RunCountBucket::start, RunCountBucket::counts)
        .containsExactly(
            tuple(JAN, Map.of("Completed", 1L)),
            tuple(JAN.plus(Duration.ofHours(1)), Map.of("Running", 1L)),
            tuple(JAN.plus(Duration.ofHours(2)), Map.of()));

    SluiceClient.LogPage first = client.logs(counted, 0, 2);
    assertThat(first.items())
        .extracting(l -> l.line().message())
        .containsExactly("line 0", "line 1");
    assertThat(first.next()).isEqualTo(first.items().get(1).sequence());
    SluiceClient.LogPage rest = client.logs(counted, first.next(), 100);
    assertThat(rest.items())
        .extracting(l -> l.line().message())
        .containsExactly("line 2", "line 3", "line 4");
    SluiceClient.LogPage none = client.logs(counted, rest.next(), 100);
    assertThat(none.items()).isEmpty();
    assertThat(none.next()).isEqualTo(rest.next());

    List<RunChange> all = client.changes(0, 10_000);
    assertThat(all).extracting(RunChange::flowRunId).contains(counted);
    long latest = client.latestChangeSequence();
    assertThat(latest).isEqualTo(all.get(all.size() - 1).sequence());
    assertThat(client.changes(0, 2)).hasSize(2);
    assertThat(client.changes(all.get(0).sequence(), 1)).containsExactly(all.get(1));
    assertThat(client.changes(latest, 10)).isEmpty();
  }

  @Test
  void unknownIdsAreEmptyAnswersOrTheServersNotFound() {
    SluiceClient client = client(null);
    UUID unknown = UUID.randomUUID();
    assertThat(client.flowRun(unknown)).isEmpty();
    assertThat(client.taskRun(unknown)).isEmpty();
    assertThat(client.flow("nope")).isEmpty();
    assertThat(client.revokeToken("nope")).isFalse();
    assertThatThrownBy(() -> client.taskRuns(unknown))
        .isInstanceOfSatisfying(
            SluiceApiException.class,
            e -> {
              assertThat(e.status()).isEqualTo(404);
              assertThat(e.error()).isEqualTo("not-found");
              assertThat(e.detail()).isEqualTo("no flow run has the id " + unknown);
            })
        .hasMessage(
            "the Sluice server at "
                + api()
                + " answered 404 not-found: no flow run has the id "
                + unknown);
    assertThatThrownBy(() -> client.logs(unknown, 0, 10))
        .isInstanceOfSatisfying(
            SluiceApiException.class, e -> assertThat(e.status()).isEqualTo(404));
  }

  @Test
  void aCancelSaysWhatHappened() throws Exception {
    UUID requested = run("f", JAN, null, Set.of(), State.RUNNING);
    UUID ended = run("f", JAN, null, Set.of(), State.COMPLETED);
    // a run whose process is gone: the server cancels it itself
    Process gone =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-version")
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    gone.waitFor();
    UUID orphan = UUID.randomUUID();
    record(
        new FlowRunStart(
            orphan,
            flow("f"),
            "{}",
            null,
            null,
            JAN,
            new RunOwner(RunOwner.current().host(), gone.pid(), null),
            null,
            Set.of(),
            null),
        state(orphan, "f", State.RUNNING, JAN.plusSeconds(1)));
    SluiceClient client = client(null);

    assertThat(client.cancel(requested)).isEqualTo(CancelOutcome.REQUESTED);
    assertThat(client.cancel(orphan)).isEqualTo(CancelOutcome.CANCELLED);
    assertThat(client.cancel(ended)).isEqualTo(CancelOutcome.ALREADY_FINAL);
    assertThat(client.cancel(UUID.randomUUID())).isEqualTo(CancelOutcome.NOT_FOUND);

    assertThat(server.store().cancelRequested(List.of(requested))).containsExactly(requested);
    assertThat(server.history().flowRun(orphan).orElseThrow().run().state().name())
        .isEqualTo("Cancelled");
  }

  @Test
  void tokensAreAdministeredThroughTheServerAndShownOnlyOnce() {
    SluiceClient anonymous = client(null);
    assertThat(anonymous.tokens()).isEmpty(); // no token yet: on loopback, anyone may
    SluiceClient.CreatedToken root = anonymous.createToken("root", "admin");
    assertThat(root.token()).startsWith("slc_");
    assertThat(root.toString()).doesNotContain(root.token()).contains("token=***");
    assertThatThrownBy(anonymous::tokens) // a token exists: a call without one is refused
        .isInstanceOfSatisfying(
            SluiceApiException.class, e -> assertThat(e.status()).isEqualTo(401));

    SluiceClient admin = client(root.token());
    SluiceClient.CreatedToken ci = admin.createToken("ci", "agent");
    assertThat(admin.tokens())
        .extracting(SluiceClient.TokenInfo::name, SluiceClient.TokenInfo::scope)
        .containsExactlyInAnyOrder(tuple("root", "admin"), tuple("ci", "agent"));
    assertThat(server.store().tokens().list())
        .extracting(ApiToken::hash)
        .doesNotContain(root.token(), ci.token());
    assertThatThrownBy(() -> admin.createToken("ci", "read"))
        .isInstanceOfSatisfying(
            SluiceApiException.class, e -> assertThat(e.status()).isEqualTo(409));
    assertThatThrownBy(() -> admin.createToken("other", "superuser"))
        .isInstanceOfSatisfying(
            SluiceApiException.class,
            e -> {
              assertThat(e.status()).isEqualTo(400);
              assertThat(e.detail()).contains("'superuser' is not a token scope");
            });

    SluiceClient agent = client(ci.token());
    assertThat(agent.record("src", 0, List.of(), List.of()).cancelRequested()).isEmpty();
    assertThatThrownBy(agent::tokens)
        .isInstanceOfSatisfying(
            SluiceApiException.class, e -> assertThat(e.status()).isEqualTo(403));
    assertThat(admin.revokeToken("ci")).isTrue();
    assertThat(admin.revokeToken("ci")).isFalse();
    assertThatThrownBy(agent::flows)
        .isInstanceOfSatisfying(
            SluiceApiException.class, e -> assertThat(e.status()).isEqualTo(401));
  }

  @Test
  void anErrorAnswerSaysWhatTheServerSaidAndNeverTheToken() {
    ServerTokens.Created reader =
        ServerTokens.create(server.store().tokens(), "reader", Scope.READ);
    SluiceClient client = client(reader.token());
    assertThat(client.flows()).isEmpty(); // it may read
    assertThatThrownBy(client::tokens)
        .isInstanceOfSatisfying(
            SluiceApiException.class,
            e -> {
              assertThat(e.status()).isEqualTo(403);
              assertThat(e.error()).isEqualTo("forbidden");
              assertThat(e.detail()).startsWith("the token 'reader' has the scope read;");
              assertThat(e.isRetryable()).isFalse();
            })
        .hasMessageStartingWith(
            "the Sluice server at " + api() + " answered 403 forbidden: the token 'reader'")
        .hasMessageNotContaining(reader.token());

    assertThatThrownBy(client(null)::flows)
        .isInstanceOfSatisfying(
            SluiceApiException.class,
            e -> {
              assertThat(e.status()).isEqualTo(401);
              assertThat(e.error()).isEqualTo("unauthorized");
              assertThat(e.detail())
                  .startsWith("this server needs a token")
                  .endsWith("(this client sent no token: set api.token, or SLUICE_API_TOKEN)");
            });
    assertThatThrownBy(client(TOKEN)::flows)
        .isInstanceOfSatisfying(
            SluiceApiException.class,
            e -> {
              assertThat(e.status()).isEqualTo(401);
              assertThat(e.detail())
                  .isEqualTo("the token is not valid: it was never created, or was revoked");
            })
        .hasMessageNotContaining(TOKEN);
  }

  @Test
  void anAnswerThatIsNotJsonStillSaysWhatCameBack() {
    // The server's HTTP layer refuses a URI this long before the API sees it, with an HTML page.
    assertThatThrownBy(() -> client(null).flow("x".repeat(20_000)))
        .isInstanceOfSatisfying(
            SluiceApiException.class,
            e -> {
              assertThat(e.status()).isEqualTo(414);
              assertThat(e.detail()).startsWith("<html>").hasSizeLessThanOrEqualTo(303);
              assertThat(e.isRetryable()).isFalse();
            })
        .hasMessageContaining("answered 414 http-414: <html>");
  }

  @Test
  void aServerThatCannotReachItsStoreSaysSoAndMayBeAskedAgain() {
    server.loseStore();
    assertThatThrownBy(client(null)::flows)
        .isInstanceOfSatisfying(
            SluiceApiException.class,
            e -> {
              assertThat(e.status()).isEqualTo(503);
              assertThat(e.error()).isEqualTo("unavailable");
              assertThat(e.detail()).contains("cannot reach its run store");
              assertThat(e.isRetryable()).isTrue();
            });
  }

  @Test
  void theTokenTravelsOnlyInTheAuthorizationHeader() throws Exception {
    // What goes over the wire, read by a listener that never answers.
    try (SilentListener wire = new SilentListener();
        SluiceClient client =
            SluiceClient.builder()
                .url(wire.url())
                .token(TOKEN)
                .timeout(Duration.ofSeconds(1))
                .build()) {
      assertThat(client.toString()).doesNotContain(TOKEN);
      assertThatThrownBy(() -> client.flowRuns(FlowRunQuery.recent(5).withText("x")))
          .isInstanceOf(UncheckedIOException.class)
          .hasMessageNotContaining(TOKEN);
      TestServer.eventually(() -> !wire.heads().isEmpty());
      assertThat(wire.heads())
          .singleElement()
          .satisfies(
              head -> {
                List<String> lines = head.lines().toList();
                assertThat(lines.get(0))
                    .isEqualTo("GET /api/v1/flow-runs?q=x&sort=start-desc&limit=5 HTTP/1.1");
                assertThat(lines).contains("Authorization: Bearer " + TOKEN);
                assertThat(head.split(TOKEN, -1)).hasSize(2); // there, and only there
              });
    }
  }

  @Test
  void aServerThatIsNotThereIsNamedWithWhatToDo() {
    String url = server.url();
    server.stop(); // its port refuses connections now
    try (SluiceClient client = SluiceClient.builder().url(url).token(TOKEN).build()) {
      assertThatThrownBy(client::flows)
          .isInstanceOf(UncheckedIOException.class)
          .hasMessage(
              "cannot reach the Sluice server at "
                  + url
                  + "/api/v1 (connection refused); is the server running? (sluice server start)")
          .hasMessageNotContaining(TOKEN);
    }
  }

  @Test
  void aServerThatDoesNotAnswerInTimeIsNamed() throws Exception {
    try (SilentListener silent = new SilentListener();
        SluiceClient client =
            SluiceClient.builder().url(silent.url()).timeout(Duration.ofMillis(200)).build()) {
      assertThatThrownBy(client::flows)
          .isInstanceOf(UncheckedIOException.class)
          .hasMessageContaining("did not answer GET /api/v1/flows within PT0.2S (api.timeout)");
    }
  }

  @Test
  void aClientFromSettingsNeedsTheUrlAndReadsTokenAndTimeout() {
    assertThatThrownBy(() -> SluiceClient.fromSettings(Settings.of(Map.of())))
        .hasMessageContaining("api.url is not set");
    ServerTokens.Created reader =
        ServerTokens.create(server.store().tokens(), "reader", Scope.READ);
    try (SluiceClient client =
        SluiceClient.fromSettings(
            Settings.of(
                Map.of(
                    "api.url",
                    server.url(),
                    "api.token",
                    reader.token(),
                    "api.timeout",
                    "PT5S")))) {
      assertThat(client.url()).isEqualTo(api());
      assertThat(client.timeout()).isEqualTo(Duration.ofSeconds(5));
      // a token exists, so the server answers only a call that brings a valid one
      assertThat(client.version().api()).isEqualTo("v1");
    }
  }
}
