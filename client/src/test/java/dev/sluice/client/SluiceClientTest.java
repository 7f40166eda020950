package dev.sluice.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.sluice.api.StateType;
import dev.sluice.api.settings.Settings;
import dev.sluice.api.store.CancelOutcome;
import dev.sluice.api.store.FlowRunPage;
import dev.sluice.api.store.FlowRunQuery;
import dev.sluice.api.store.FlowRunSummary;
import dev.sluice.api.store.RunCountQuery;
import dev.sluice.api.store.StateRecord;
import dev.sluice.wire.ApiJson;
import dev.sluice.wire.RecordBatches;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The client against a canned HTTP server: what it sends, and what it makes of the answers. */
class SluiceClientTest {
  private static final String TOKEN = "slc_secret-token-value";

  /** One request as the server saw it. */
  record Seen(
      String method,
      String pathAndQuery,
      @Nullable String authorization,
      @Nullable String contentType,
      byte[] body) {}

  /** A canned answer. */
  record Canned(int status, String body, long delayMillis) {}

  private HttpServer http;
  private final List<Seen> seen = new CopyOnWriteArrayList<>();
  private final Map<String, Canned> answers = new ConcurrentHashMap<>();
  private String base;

  @BeforeEach
  void startServer() throws IOException {
    http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    http.createContext(
        "/",
        exchange -> {
          String path = exchange.getRequestURI().getRawPath();
          String query = exchange.getRequestURI().getRawQuery();
          seen.add(
              new Seen(
                  exchange.getRequestMethod(),
                  path + (query == null ? "" : "?" + query),
                  exchange.getRequestHeaders().getFirst("Authorization"),
                  exchange.getRequestHeaders().getFirst("Content-Type"),
                  exchange.getRequestBody().readAllBytes()));
          Canned canned =
              answers.getOrDefault(
                  exchange.getRequestMethod() + " " + path,
                  new Canned(404, "{\"error\":\"not-found\",\"detail\":\"no route\"}", 0));
          if (canned.delayMillis() > 0) {
            try {
              Thread.sleep(canned.delayMillis());
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          byte[] body = canned.body().getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          if (canned.status() == 204) {
            exchange.sendResponseHeaders(204, -1);
          } else {
            exchange.sendResponseHeaders(canned.status(), body.length);
            exchange.getResponseBody().write(body);
          }
          exchange.close();
        });
    http.start();
    base = "http://127.0.0.1:" + http.getAddress().getPort();
  }

  @AfterEach
  void stopServer() {
    http.stop(0);
  }

  private void answer(String route, int status, String body) {
    answers.put(route, new Canned(status, body, 0));
  }

  private SluiceClient client() {
    return SluiceClient.builder().url(base + "/api").token(TOKEN).build();
  }

  private static String json(Object value) throws Exception {
    return ApiJson.writer().writeValueAsString(value);
  }

  @Test
  void aListingSendsEveryFieldOfTheQuery() throws Exception {
    answer("GET /api/v1/flow-runs", 200, "{\"items\":[],\"nextCursor\":\"next-page\"}");
    FlowRunQuery query =
        FlowRunQuery.recent(50)
            .withFlowName("nightly etl")
            .withStates(Set.of("Failed", "RUNNING"))
            .withTags(Set.of("prod", "eu"))
            .withSince(Instant.parse("2026-01-01T00:00:00Z"))
            .withUntil(Instant.parse("2026-02-01T00:00:00Z"))
            .withText("my run")
            .withOldestFirst(true)
            .withCursor("abc=");
    try (SluiceClient client = client()) {
      FlowRunPage page = client.flowRuns(query);
      assertThat(page.nextCursor()).isEqualTo("next-page");
    }
    assertThat(seen.get(0).pathAndQuery())
        .isEqualTo(
            "/api/v1/flow-runs?flow=nightly%20etl&state=failed&state=running&tag=eu&tag=prod"
                + "&since=2026-01-01T00%3A00%3A00Z&until=2026-02-01T00%3A00%3A00Z&q=my%20run"
                + "&sort=start-asc&limit=50&cursor=abc%3D");
  }

  @Test
  void anIdPrefixIsSearchedForAndTheRunsItDoesNotStartAreLeftOut() throws Exception {
    UUID matching = UUID.fromString("0193aaaa-0000-7000-8000-000000000001");
    UUID named = UUID.fromString("0193bbbb-0000-7000-8000-000000000002");
    StateRecord running = new StateRecord(StateType.RUNNING, "Running", "", Instant.EPOCH);
    FlowRunPage page =
        new FlowRunPage(
            List.of(
                new FlowRunSummary(matching, "f", "", running, Instant.EPOCH, null, 1, null),
                new FlowRunSummary(named, "f", "", running, Instant.EPOCH, null, 1, null)),
            null);
    answer("GET /api/v1/flow-runs", 200, json(page));
    try (SluiceClient client = client()) {
      assertThat(client.flowRuns(FlowRunQuery.recent(10).withIdPrefix("0193AAAA")).items())
          .extracting(FlowRunSummary::id)
          .containsExactly(matching);
    }
    assertThat(seen.get(0).pathAndQuery()).contains("q=0193aaaa").contains("sort=start-desc");
  }

  @Test
  void theTokenTravelsOnlyInTheAuthorizationHeader() throws Exception {
    answer("GET /api/v1/flows", 200, "{\"items\":[]}");
    try (SluiceClient client = client()) {
      assertThat(client.flows()).isEmpty();
      assertThat(client.toString()).doesNotContain(TOKEN);
    }
    assertThat(seen.get(0).authorization()).isEqualTo("Bearer " + TOKEN);
    assertThat(seen.get(0).pathAndQuery()).doesNotContain(TOKEN);
  }

  @Test
  void anErrorAnswerSaysWhatTheServerSaidAndNeverTheToken() {
    answer(
        "GET /api/v1/tokens",
        403,
        "{\"error\":\"forbidden\",\"detail\":\"this call needs the admin scope\"}");
    try (SluiceClient client = client()) {
      assertThatThrownBy(client::tokens)
          .isInstanceOfSatisfying(
              SluiceApiException.class,
              e -> {
                assertThat(e.status()).isEqualTo(403);
                assertThat(e.error()).isEqualTo("forbidden");
                assertThat(e.detail()).isEqualTo("this call needs the admin scope");
                assertThat(e.isRetryable()).isFalse();
              })
          .hasMessage(
              "the Sluice server at "
                  + base
                  + "/api/v1 answered 403 forbidden: this call needs the admin scope")
          .hasMessageNotContaining(TOKEN);
    }
  }

  @Test
  void anAnswerThatIsNotJsonStillSaysWhatCameBack() {
    answer("GET /api/v1/flows", 502, "<html>Bad Gateway</html>");
    try (SluiceClient client = client()) {
      assertThatThrownBy(client::flows)
          .isInstanceOfSatisfying(
              SluiceApiException.class, e -> assertThat(e.isRetryable()).isTrue())
          .hasMessageContaining("answered 502 http-502: <html>Bad Gateway</html>");
    }
  }

  @Test
  void unknownIdsAreEmptyAnswers() {
    try (SluiceClient client = client()) {
      assertThat(client.flowRun(UUID.randomUUID())).isEmpty();
      assertThat(client.taskRun(UUID.randomUUID())).isEmpty();
      assertThat(client.flow("nope")).isEmpty();
      assertThat(client.revokeToken("nope")).isFalse();
    }
  }

  @Test
  void aCancelSaysWhatHappened() {
    UUID requested = UUID.randomUUID();
    UUID ended = UUID.randomUUID();
    answer("POST /api/v1/flow-runs/" + requested + "/cancel", 202, "{\"outcome\":\"REQUESTED\"}");
    answer(
        "POST /api/v1/flow-runs/" + ended + "/cancel",
        409,
        "{\"error\":\"conflict\",\"detail\":\"it ended\"}");
    try (SluiceClient client = client()) {
      assertThat(client.cancel(requested)).isEqualTo(CancelOutcome.REQUESTED);
      assertThat(client.cancel(ended)).isEqualTo(CancelOutcome.ALREADY_FINAL);
      assertThat(client.cancel(UUID.randomUUID())).isEqualTo(CancelOutcome.NOT_FOUND);
    }
  }

  @Test
  void recordsArePostedAsARecordBatchAndTheAnswerNamesTheCancels() throws Exception {
    UUID run = UUID.randomUUID();
    answer("POST /api/v1/records", 200, "{\"cancelRequested\":[\"" + run + "\"]}");
    List<Object> records = TestRecords.run(run, 2);
    try (SluiceClient client = client()) {
      assertThat(client.record("src", 3, records, List.of(run)).cancelRequested())
          .containsExactly(run);
    }
    Seen post = seen.get(0);
    assertThat(post.contentType()).startsWith("application/json");
    RecordBatches.Decoded body = RecordBatches.read(new ByteArrayInputStream(post.body()));
    assertThat(body.batch()).isNotNull();
    assertThat(body.batch().source()).isEqualTo("src");
    assertThat(body.batch().sequence()).isEqualTo(3);
    assertThat(TestRecords.json(body.batch().records())).isEqualTo(TestRecords.json(records));
    assertThat(body.active()).containsExactly(run);
  }

  @Test
  void runCountsAndLogsAndChangesSendTheirParameters() {
    answer("GET /api/v1/flow-runs/history", 200, "{\"from\":\"x\",\"buckets\":[]}");
    UUID run = UUID.randomUUID();
    answer("GET /api/v1/flow-runs/" + run + "/logs", 200, "{\"items\":[],\"next\":7}");
    answer("GET /api/v1/changes", 200, "{\"items\":[]}");
    answer("GET /api/v1/changes/latest", 200, "{\"sequence\":42}");
    try (SluiceClient client = client()) {
      client.runCounts(
          new RunCountQuery(
              Instant.parse("2026-01-01T00:00:00Z"),
              Instant.parse("2026-01-02T00:00:00Z"),
              Duration.ofHours(1),
              "etl",
              Set.of("prod")));
      assertThat(client.logs(run, 5, 100).next()).isEqualTo(7);
      assertThat(client.changes(3, 10)).isEmpty();
      assertThat(client.latestChangeSequence()).isEqualTo(42);
    }
    assertThat(seen)
        .extracting(Seen::pathAndQuery)
        .containsExactly(
            "/api/v1/flow-runs/history?from=2026-01-01T00%3A00%3A00Z&until=2026-01-02T00%3A00%3A00Z"
                + "&bucket=PT1H&flow=etl&tag=prod",
            "/api/v1/flow-runs/" + run + "/logs?after=5&limit=100",
            "/api/v1/changes?after=3&limit=10",
            "/api/v1/changes/latest");
  }

  @Test
  void aPropertyANewerServerAddsIsIgnored() {
    answer(
        "GET /api/v1/health", 200, "{\"status\":\"ok\",\"store\":\"sqlite\",\"uptime\":\"PT1H\"}");
    try (SluiceClient client = client()) {
      assertThat(client.health()).isEqualTo(new SluiceClient.Health("ok", "sqlite"));
    }
  }

  @Test
  void aCreatedTokenIsShownOnceAndNeverInItsText() throws Exception {
    answer(
        "POST /api/v1/tokens",
        201,
        "{\"name\":\"ci\",\"scope\":\"agent\",\"token\":\"slc_new-secret\"}");
    try (SluiceClient client = client()) {
      SluiceClient.CreatedToken created = client.createToken("ci", "agent");
      assertThat(created.token()).isEqualTo("slc_new-secret");
      assertThat(created.toString()).doesNotContain("slc_new-secret");
    }
    assertThat(new String(seen.get(0).body(), StandardCharsets.UTF_8))
        .isEqualTo("{\"name\":\"ci\",\"scope\":\"agent\"}");
  }

  @Test
  void aServerThatIsNotThereIsNamedWithWhatToDo() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    try (SluiceClient client =
        SluiceClient.builder().url("http://127.0.0.1:" + port).token(TOKEN).build()) {
      assertThatThrownBy(client::flows)
          .isInstanceOf(UncheckedIOException.class)
          .hasMessage(
              "cannot reach the Sluice server at http://127.0.0.1:"
                  + port
                  + "/api/v1 (connection refused); is the server running? (sluice server start)")
          .hasMessageNotContaining(TOKEN);
    }
  }

  @Test
  void aServerThatDoesNotAnswerInTimeIsNamed() {
    answers.put("GET /api/v1/flows", new Canned(200, "{\"items\":[]}", 3_000));
    try (SluiceClient client =
        SluiceClient.builder().url(base).timeout(Duration.ofMillis(200)).build()) {
      assertThatThrownBy(client::flows)
          .isInstanceOf(UncheckedIOException.class)
          .hasMessageContaining("did not answer GET /api/v1/flows within PT0.2S (api.timeout)");
    }
  }

  @Test
  void aClientFromSettingsNeedsTheUrlAndReadsTokenAndTimeout() {
    assertThatThrownBy(() -> SluiceClient.fromSettings(Settings.of(Map.of())))
        .hasMessageContaining("api.url is not set");
    try (SluiceClient client =
        SluiceClient.fromSettings(
            Settings.of(Map.of("api.url", base, "api.token", TOKEN, "api.timeout", "PT5S")))) {
      assertThat(client.url()).isEqualTo(base + "/api/v1");
      assertThat(client.timeout()).isEqualTo(Duration.ofSeconds(5));
      answer("GET /api/v1/version", 200, "{\"version\":\"0.1.0-SNAPSHOT\",\"api\":\"v1\"}");
      assertThat(client.version().api()).isEqualTo("v1");
    }
    assertThat(seen.get(0).authorization()).isEqualTo("Bearer " + TOKEN);
  }
}
